/**
 * Helpers to send Slack-signed requests (slash commands, interactions) to a real Bolt HTTP receiver.
 *
 *   const body = slashCommandBody({ text: 'restart staging-3', user_id: 'U1', response_url: slack.responseUrl() });
 *   const { status } = await postSigned(`${appUrl}/slack/events`, SIGNING_SECRET, body);
 *
 * Signature: `v0=` + hex HMAC-SHA256(signingSecret, `v0:${timestamp}:${body}`), timestamp in seconds; Bolt rejects
 * signatures that do not match and timestamps more than 5 minutes away from now.
 */
import { createHmac } from 'node:crypto';

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

export interface SlackSignedHeaders {
  'x-slack-signature': string;
  'x-slack-request-timestamp': string;
  'content-type': string;
  [name: string]: string;
}

/** Signs `body` as Slack does; `timestampSeconds` defaults to now. */
export function signSlackRequest(
  signingSecret: string,
  body: string,
  timestampSeconds: number = Math.floor(Date.now() / 1000),
  contentType: string = FORM_CONTENT_TYPE,
): SlackSignedHeaders {
  const timestamp = String(Math.floor(timestampSeconds));
  const signature = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex');
  return {
    'x-slack-signature': `v0=${signature}`,
    'x-slack-request-timestamp': timestamp,
    'content-type': contentType,
  };
}

export interface SlashCommandFields {
  /** Default `/env`. */
  command?: string;
  text: string;
  user_id: string;
  /** Default: derived from user_id. */
  user_name?: string;
  /** Default `C0TEST`. */
  channel_id?: string;
  /** Default `dockhand-test`. */
  channel_name?: string;
  /** Default `T0TEST`. */
  team_id?: string;
  /** Default `dockhand-test`. */
  team_domain?: string;
  response_url: string;
  /** Default: a made-up trigger id. */
  trigger_id?: string;
  /** Default `A0DOCKHAND`. */
  api_app_id?: string;
  /** Legacy verification token; default `verification-token` (Bolt ignores it). */
  token?: string;
  enterprise_id?: string;
  is_enterprise_install?: boolean;
}

let triggerCounter = 0;
function makeTriggerId(): string {
  triggerCounter += 1;
  return `${Date.now()}.${triggerCounter}.faketrigger${triggerCounter.toString(16).padStart(8, '0')}`;
}

/** A slash-command request body, form-encoded like Slack's. */
export function slashCommandBody(fields: SlashCommandFields): string {
  const params = new URLSearchParams({
    token: fields.token ?? 'verification-token',
    team_id: fields.team_id ?? 'T0TEST',
    team_domain: fields.team_domain ?? 'dockhand-test',
    channel_id: fields.channel_id ?? 'C0TEST',
    channel_name: fields.channel_name ?? 'dockhand-test',
    user_id: fields.user_id,
    user_name: fields.user_name ?? fields.user_id.toLowerCase(),
    command: fields.command ?? '/env',
    text: fields.text,
    api_app_id: fields.api_app_id ?? 'A0DOCKHAND',
    is_enterprise_install: String(fields.is_enterprise_install ?? false),
    response_url: fields.response_url,
    trigger_id: fields.trigger_id ?? makeTriggerId(),
  });
  if (fields.enterprise_id !== undefined) params.set('enterprise_id', fields.enterprise_id);
  return params.toString();
}

/** An interaction request body (`payload=<json>`, form-encoded), as Slack sends button clicks and the like. */
export function interactionBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface BlockActionFields {
  action_id: string;
  value?: string;
  block_id?: string;
  user_id: string;
  user_name?: string;
  team_id?: string;
  channel_id?: string;
  /** ts of the message that holds the button. */
  message_ts?: string;
  /** The blocks of that message (Bolt passes them on as `body.message.blocks`). */
  message_blocks?: unknown[];
  response_url?: string;
  trigger_id?: string;
  api_app_id?: string;
}

/** A `block_actions` payload for one button click, shaped like Slack's; pass it to `interactionBody`. */
export function blockActionsPayload(fields: BlockActionFields): Record<string, unknown> {
  const teamId = fields.team_id ?? 'T0TEST';
  const channelId = fields.channel_id ?? 'C0TEST';
  const messageTs = fields.message_ts ?? `${Math.floor(Date.now() / 1000)}.000100`;
  const userName = fields.user_name ?? fields.user_id.toLowerCase();
  const actionTs = (Date.now() / 1000).toFixed(6);
  return {
    type: 'block_actions',
    user: { id: fields.user_id, username: userName, name: userName, team_id: teamId },
    api_app_id: fields.api_app_id ?? 'A0DOCKHAND',
    token: 'verification-token',
    container: { type: 'message', message_ts: messageTs, channel_id: channelId, is_ephemeral: false },
    trigger_id: fields.trigger_id ?? makeTriggerId(),
    team: { id: teamId, domain: 'dockhand-test' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channelId, name: 'dockhand-test' },
    message: {
      type: 'message',
      user: 'UBOT',
      bot_id: 'BBOT',
      ts: messageTs,
      text: '',
      blocks: fields.message_blocks ?? [],
    },
    state: { values: {} },
    response_url: fields.response_url ?? 'https://hooks.slack.com/actions/T0TEST/1/fake',
    actions: [
      {
        type: 'button',
        action_id: fields.action_id,
        block_id: fields.block_id ?? 'actions',
        text: { type: 'plain_text', text: fields.action_id, emoji: true },
        ...(fields.value !== undefined ? { value: fields.value } : {}),
        action_ts: actionTs,
      },
    ],
  };
}

export interface PostSignedOptions {
  /** Sign with this timestamp (seconds) instead of now. */
  timestampSeconds?: number;
  /** Sign as if sent this many seconds ago (e.g. 600 for a stale request; Bolt allows 300). */
  ageSeconds?: number;
  /** Send a signature that does not match the body. */
  tamperSignature?: boolean;
  /** Sign with another secret than the one given (same effect as tampering, closer to a real attacker). */
  wrongSecret?: string;
  /** Default form-urlencoded. */
  contentType?: string;
  /** Extra headers (e.g. `x-slack-retry-num`). */
  headers?: Record<string, string>;
  /** Abort after this many milliseconds (default 10000). */
  timeoutMs?: number;
}

export interface SignedResponse {
  status: number;
  text: string;
  headers: Headers;
}

/** POSTs a signed body to a Bolt HTTP receiver (e.g. `http://127.0.0.1:3000/slack/events`). */
export async function postSigned(url: string, signingSecret: string, body: string, opts: PostSignedOptions = {}): Promise<SignedResponse> {
  const now = Math.floor(Date.now() / 1000);
  const timestamp = opts.timestampSeconds ?? now - (opts.ageSeconds ?? 0);
  const headers = signSlackRequest(opts.wrongSecret ?? signingSecret, body, timestamp, opts.contentType ?? FORM_CONTENT_TYPE);
  if (opts.tamperSignature) headers['x-slack-signature'] = tamper(headers['x-slack-signature']);
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...headers, ...opts.headers },
    body,
    signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

/** Flips the last hex digit of a `v0=` signature. */
function tamper(signature: string): string {
  const last = signature.at(-1);
  return signature.slice(0, -1) + (last === '0' ? '1' : '0');
}
