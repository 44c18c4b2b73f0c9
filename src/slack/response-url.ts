import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** Slack answers a response URL POST in well under a second; a reply that takes longer than this is given up. */
export const RESPONSE_URL_DEADLINE_MS = 10_000;

// Kept-alive connections: every answer goes to the same host (hooks.slack.com), so the TLS handshake is paid
// once, not per command. node:http costs a fraction of fetch's web streams per request.
const agents = { 'http:': new HttpAgent({ keepAlive: true, maxSockets: 32 }), 'https:': new HttpsAgent({ keepAlive: true, maxSockets: 32 }) };

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

/** Where Slack's response URLs point: hooks.slack.com (hooks.slack-gov.com for GovSlack), or (tests, a proxy) the host of the configured Slack API URL. */
export function responseUrlHosts(slackApiUrl?: string): ReadonlySet<string> {
  return new Set(['hooks.slack.com', 'hooks.slack-gov.com', ...(slackApiUrl ? [new URL(slackApiUrl).host] : [])]);
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
  if (hosts && !hosts.has(url.host)) return Promise.reject(new ResponseUrlError('the response_url is not Slack’s; nothing was sent', null));
  const agent = url.protocol === 'https:' ? agents['https:'] : url.protocol === 'http:' ? agents['http:'] : null;
  if (!agent) return Promise.reject(new ResponseUrlError(`not an http(s) response URL: ${url.protocol}`, null));
  const body = typeof message === 'string' ? message : JSON.stringify(message);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res: IncomingMessage) => {
      res.resume();
      res.once('error', reject);
      res.once('end', () => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve();
        else reject(new ResponseUrlError(`Failed to respond to the response_url: ${status} ${res.statusMessage ?? ''}`.trim(), status));
      });
    });
    // One timer for the whole exchange, connecting included; no socket idle timeout on top: it is set again on
    // each kept-alive socket a request takes, which showed in the profile of every answer.
    const deadline = setTimeout(() => req.destroy(new ResponseUrlError(`no answer from the response_url within ${deadlineMs} ms`, null)), deadlineMs);
    req.once('close', () => clearTimeout(deadline));
    req.once('error', reject);
    req.end(body);
  });
}
