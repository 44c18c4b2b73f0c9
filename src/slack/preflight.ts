import { webApi } from '@slack/bolt';
import type { Logger } from '../log.js';

/** Why dockhand cannot connect to Slack, in words that say which setting to fix; main prints it and exits. */
export class SlackStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SlackStartError';
  }
}

/** Slack's answers that mean the token itself is wrong, not that Slack is unwell. */
const TOKEN_ERRORS = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'user_removed_from_team', 'team_disabled', 'not_allowed_token_type']);

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 15_000;
const REQUEST_TIMEOUT_MS = 10_000;

function platformCode(error: unknown): string | undefined {
  const e = error as Partial<webApi.WebAPIPlatformError>;
  return e.code === webApi.ErrorCode.PlatformError ? e.data?.error : undefined;
}

/** "SLACK_BOT_TOKEN rejected by Slack: invalid_auth; …", or undefined when the error is not about the token. */
export function tokenRejection(variable: 'SLACK_BOT_TOKEN' | 'SLACK_APP_TOKEN', error: unknown): SlackStartError | undefined {
  const code = platformCode(error);
  if (!code || !TOKEN_ERRORS.has(code)) return undefined;
  const where = variable === 'SLACK_BOT_TOKEN' ? 'the Bot User OAuth Token (xoxb-…) under OAuth & Permissions' : 'an app-level token (xapp-…) with connections:write under Basic Information';
  return new SlackStartError(`${variable} rejected by Slack: ${code}; copy ${where} of the installed app`);
}

export interface BotTokenCheck {
  botToken: string;
  /** Web API base URL, ending in `/` (default https://slack.com/api/). */
  slackApiUrl?: string | undefined;
  /** Stop retrying an unreachable Slack after this long. */
  deadlineMs: number;
  logger: Logger;
}

/**
 * Calls auth.test once the way Slack is configured, before anything else starts: a rejected token is named,
 * and an unreachable Slack is retried with backoff until the deadline, then reported with the URL tried.
 */
export async function checkBotToken(options: BotTokenCheck): Promise<void> {
  const base = options.slackApiUrl ?? 'https://slack.com/api/';
  const url = `${base}auth.test`;
  // Retries are ours (bounded by the deadline), not the client's thirty-minute default.
  const client = new webApi.WebClient(options.botToken, { slackApiUrl: base, retryConfig: { retries: 0 }, timeout: REQUEST_TIMEOUT_MS, logger: quiet });
  const started = Date.now();
  let wait = FIRST_RETRY_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      await client.auth.test();
      return;
    } catch (error) {
      const rejected = tokenRejection('SLACK_BOT_TOKEN', error);
      if (rejected) throw rejected;
      const code = platformCode(error);
      if (code) throw new SlackStartError(`Slack answered auth.test at ${url} with ${code}; check SLACK_BOT_TOKEN and the app's installation`);
      const reason = requestFailure(error);
      const elapsed = Date.now() - started;
      if (elapsed + wait > options.deadlineMs) {
        throw new SlackStartError(
          `cannot reach Slack at ${url} (${reason}); gave up after ${attempt} attempt${attempt === 1 ? '' : 's'} over ${Math.round(elapsed / 1000)} s. ` +
            'Check the network, a proxy, or SLACK_API_URL; SLACK_CONNECT_TIMEOUT_SECONDS sets how long to keep trying',
        );
      }
      options.logger.warn('cannot reach Slack yet; retrying', { url, attempt, error: reason, retryInMs: wait });
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(wait * 2, MAX_RETRY_MS);
    }
  }
}

/** The underlying network error (ECONNREFUSED, a timeout, an HTTP status), not the client's wrapper text. */
function requestFailure(error: unknown): string {
  const e = error as Partial<webApi.WebAPIRequestError> & { message?: string };
  const original = e.original as (Error & { cause?: { code?: string; message?: string } }) | undefined;
  return original?.cause?.code ?? original?.cause?.message ?? original?.message ?? e.message ?? String(error);
}

/** A WebClient logger that says nothing: dockhand reports what went wrong itself. */
export const quiet = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => webApi.LogLevel.ERROR,
  setName: () => undefined,
};
