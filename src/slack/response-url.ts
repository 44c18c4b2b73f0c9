import { Agent, errors } from 'undici';

/** Slack answers a response URL POST in well under a second; a reply that takes longer than this is given up. */
export const RESPONSE_URL_DEADLINE_MS = 10_000;

// Kept-alive connections, a pool per origin: every answer goes to the same host (hooks.slack.com), so the TLS
// handshake is paid once, not per command. undici's request costs half of node:http's client per answer
// (bench/README.md, "Where the CPU goes"), and a tenth of fetch's web streams.
const agent = new Agent({ connections: 32, keepAliveTimeout: 30_000, connect: { timeout: RESPONSE_URL_DEADLINE_MS } });

/** An ephemeral answer's JSON, written once per reply: a list kept for a burst (commands/list.ts) is the same reply each time. */
const ephemeralBodies = new WeakMap<object, string>();
export function ephemeralBody(reply: { text: string; blocks: unknown[] }): string {
  let body = ephemeralBodies.get(reply);
  if (body === undefined) ephemeralBodies.set(reply, (body = JSON.stringify({ response_type: 'ephemeral', text: reply.text, blocks: reply.blocks })));
  return body;
}

export class ResponseUrlError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

/** Slack's own hosts for response URLs: hooks.slack.com, and hooks.slack-gov.com for GovSlack. */
const SLACK_HOOK_HOSTS = ['hooks.slack.com', 'hooks.slack-gov.com'];
/** What a response URL on those hosts looks like: a slash command's (`/commands/…`) or an interaction's (`/actions/…`). */
const SLACK_HOOK_PATH = /^\/(commands|actions)\//;

/**
 * Where Slack's response URLs may point: Slack's hook hosts, or (tests, a proxy) the host of the configured
 * Slack API URL.
 */
export function responseUrlHosts(slackApiUrl?: string): ReadonlySet<string> {
  return new Set([...SLACK_HOOK_HOSTS, ...(slackApiUrl ? [new URL(slackApiUrl).host] : [])]);
}

/** True for a URL an answer may go to: on Slack's hook hosts only over https and at a command's or interaction's path. */
export function isSlackResponseUrl(url: URL, hosts: ReadonlySet<string>): boolean {
  if (!hosts.has(url.host)) return false;
  if (!SLACK_HOOK_HOSTS.includes(url.host)) return true;
  return url.protocol === 'https:' && SLACK_HOOK_PATH.test(url.pathname);
}

/**
 * POSTs a message (or its JSON) to a slash command's response URL, as Bolt's `respond` does (JSON body, an error for a
 * non-2xx answer), with a deadline and over kept-alive connections. With `hosts`, a URL pointing anywhere else
 * is refused unsent: an answer (what the asker may see) goes to Slack only.
 */
export function postToResponseUrl(responseUrl: string, message: object | string, deadlineMs = RESPONSE_URL_DEADLINE_MS, hosts?: ReadonlySet<string>): Promise<void> {
  let url: URL;
  try {
    url = new URL(responseUrl);
  } catch {
    return Promise.reject(new ResponseUrlError('not a URL: the response_url', null));
  }
  if (hosts && !isSlackResponseUrl(url, hosts)) return Promise.reject(new ResponseUrlError(`the response_url (${url.protocol}//${url.host.slice(0, 100)}${url.pathname.slice(0, 20)}) is not Slack’s; nothing was sent`, null));
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return Promise.reject(new ResponseUrlError(`not an http(s) response URL: ${url.protocol}`, null));
  const body = typeof message === 'string' ? message : JSON.stringify(message);
  return post(url, body, deadlineMs);
}

async function post(url: URL, body: string, deadlineMs: number): Promise<void> {
  let status: number;
  try {
    // undici's own timers bound each wait (connecting, the answer's headers, its body): an AbortController
    // and a timer of our own per answer showed in the profile of every command.
    const answer = await agent.request({ origin: url.origin, path: url.pathname + url.search, method: 'POST', headers: { 'content-type': 'application/json' }, body, headersTimeout: deadlineMs, bodyTimeout: deadlineMs });
    status = answer.statusCode;
    // Slack answers `ok`; anything longer is not read.
    await answer.body.dump({ limit: 64 * 1024 });
  } catch (error) {
    if (error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError || error instanceof errors.ConnectTimeoutError) {
      throw new ResponseUrlError(`no answer from the response_url within ${deadlineMs} ms`, null);
    }
    throw error instanceof errors.UndiciError ? new ResponseUrlError(`Failed to respond to the response_url: ${error.message}`, null) : error;
  }
  if (status < 200 || status >= 300) throw new ResponseUrlError(`Failed to respond to the response_url: ${status}`, status);
}
