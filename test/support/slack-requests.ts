import type { FakeSlack, FakeSlackCall } from './fake-slack.js';
import { SIGNING_SECRET } from './harness.js';
import { blockActionsPayload, interactionBody, postSigned, slashCommandBody } from './signed-request.js';

let sequence = 0;

/** Sends a signed `/env <text>` from a user; resolves with the HTTP ack. */
export async function sendCommand(eventsUrl: string, slack: FakeSlack, userId: string, text: string, channel = 'C0DEV') {
  const responseId = `r${++sequence}`;
  const body = slashCommandBody({ command: '/env', text, user_id: userId, channel_id: channel, response_url: slack.responseUrl(responseId), trigger_id: `t${sequence}.${Date.now()}` });
  const ack = await postSigned(eventsUrl, SIGNING_SECRET, body);
  return { ack, responseId };
}

/** Sends a command; resolves with the HTTP ack and the private answer dockhand then posted to the response URL. */
export async function ask(eventsUrl: string, slack: FakeSlack, userId: string, text: string, channel = 'C0DEV') {
  const { ack, responseId } = await sendCommand(eventsUrl, slack, userId, text, channel);
  const answer = await slack.waitFor((call) => call.method === 'response_url' && call.responseId === responseId);
  return { ack, answer };
}

/** Sends a command and waits for its private answer on the response URL. */
export async function askPrivately(eventsUrl: string, slack: FakeSlack, userId: string, text: string, channel = 'C0DEV'): Promise<FakeSlackCall> {
  return (await ask(eventsUrl, slack, userId, text, channel)).answer;
}

/** Clicks a button on a message, as Slack delivers it; resolves with the HTTP ack. */
export async function clickButton(eventsUrl: string, slack: FakeSlack, userId: string, actionId: string, value: string, extra: Record<string, unknown> = {}) {
  const responseId = `click${++sequence}`;
  const payload = blockActionsPayload({ action_id: actionId, value, user_id: userId, channel_id: 'C0APPROVALS', response_url: slack.responseUrl(responseId) });
  // Extra fields of the action (a forged select's `selected_option`).
  Object.assign((payload.actions as Array<Record<string, unknown>>)[0] ?? {}, extra);
  const ack = await postSigned(eventsUrl, SIGNING_SECRET, interactionBody(payload));
  return { ack, responseId };
}

export function blocksText(call: FakeSlackCall): string {
  return JSON.stringify(call.body.blocks ?? call.body.text);
}

/** Sends a signed Events API callback (JSON), as Slack delivers `app_home_opened`; resolves with the HTTP ack. */
export async function sendEvent(eventsUrl: string, event: Record<string, unknown>) {
  const body = JSON.stringify({
    token: 'verification-token',
    team_id: 'T0TEST',
    api_app_id: 'A0DOCKHAND',
    event: { event_ts: (Date.now() / 1000).toFixed(6), ...event },
    type: 'event_callback',
    event_id: `Ev${++sequence}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: 'T0TEST', user_id: 'UBOT', is_bot: true }],
  });
  return postSigned(eventsUrl, SIGNING_SECRET, body, { contentType: 'application/json' });
}

/** A user opens dockhand's Home tab. */
export function openHome(eventsUrl: string, userId: string) {
  return sendEvent(eventsUrl, { type: 'app_home_opened', user: userId, channel: `D${userId}`, tab: 'home' });
}

/**
 * Clicks a button on a view (the App Home, or a modal with `view`), as Slack delivers it: no channel, no
 * message and no response URL, so the answer can only go by DM.
 */
export async function clickOnView(eventsUrl: string, userId: string, actionId: string, value: string, view: Record<string, unknown> = { id: `VHOME${userId}`, type: 'home' }) {
  const trigger = `t${++sequence}.${Date.now()}`;
  const payload = {
    type: 'block_actions',
    user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: 'T0TEST' },
    api_app_id: 'A0DOCKHAND',
    token: 'verification-token',
    container: { type: 'view', view_id: view.id },
    trigger_id: trigger,
    team: { id: 'T0TEST', domain: 'dockhand-test' },
    view,
    actions: [{ type: 'button', action_id: actionId, block_id: 'b', value, action_ts: (Date.now() / 1000).toFixed(6) }],
  };
  const ack = await postSigned(eventsUrl, SIGNING_SECRET, interactionBody(payload));
  return { ack, trigger };
}

/** Submits a modal with the given state values; resolves with the HTTP ack (whose body carries any field errors). */
export function submitView(eventsUrl: string, userId: string, view: { callback_id: string; private_metadata: string }, values: Record<string, Record<string, Record<string, unknown>>>, triggerId?: string) {
  const submission = {
    type: 'view_submission',
    team: { id: 'T0TEST', domain: 'dockhand-test' },
    user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: 'T0TEST' },
    api_app_id: 'A0DOCKHAND',
    token: 'verification-token',
    trigger_id: triggerId ?? `t${++sequence}.${Date.now()}`,
    view: { id: `VMODAL${sequence}`, type: 'modal', hash: 'h', callback_id: view.callback_id, private_metadata: view.private_metadata, state: { values } },
  };
  return postSigned(eventsUrl, SIGNING_SECRET, interactionBody(submission));
}

/**
 * Waits for an operation's progress message in `channel`, then for its outcome (the update that no longer says
 * "is …ing"), of the same environment: a rollout followed after an earlier operation may still update its own message.
 */
export async function operationOutcome(slack: FakeSlack, channel = 'C0DEV'): Promise<{ posted: FakeSlackCall; final: FakeSlackCall }> {
  const posted = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === channel);
  const environment = /`([^`]+)`/.exec(String(posted.body.text))?.[1] ?? '';
  const final = await slack.waitFor((c) => c.method === 'chat.update' && c.body.channel === channel && !String(c.body.text).includes(' is ') && String(c.body.text).includes(`\`${environment}\``));
  return { posted, final };
}
