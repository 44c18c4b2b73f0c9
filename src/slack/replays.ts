import type { IncomingMessage } from 'node:http';

/** Slack signs every request with its time; Bolt refuses those older than this, dockhand those this far ahead too. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

/**
 * True when a request claims to come from the future by more than the allowed skew. Bolt checks only
 * that a signed timestamp is not too old, so a request signed for later would stay replayable for longer.
 */
export function isFutureDated(request: Pick<IncomingMessage, 'headers'>, nowMs: number): boolean {
  const header = request.headers['x-slack-request-timestamp'];
  const seconds = Number(Array.isArray(header) ? header[0] : header);
  return Number.isFinite(seconds) && seconds - Math.floor(nowMs / 1000) > MAX_CLOCK_SKEW_SECONDS;
}

/**
 * The key that makes a button click count once: Slack gives every click its own trigger id and action
 * time, and a redelivered or replayed payload repeats both. A form's submission has its own trigger id too
 * (a corrected resubmission gets a new one). Null for anything else.
 */
export function buttonClickKey(body: unknown): string | null {
  const payload = body as { type?: unknown; trigger_id?: unknown; actions?: Array<{ action_id?: unknown; action_ts?: unknown }> };
  if (payload?.type === 'view_submission' && typeof payload.trigger_id === 'string') return `submission:${payload.trigger_id}`.slice(0, 500);
  if (payload?.type !== 'block_actions' || typeof payload.trigger_id !== 'string') return null;
  const action = payload.actions?.[0];
  if (typeof action?.action_id !== 'string') return null;
  return `action:${payload.trigger_id}:${action.action_id}:${typeof action.action_ts === 'string' ? action.action_ts : ''}`.slice(0, 500);
}
