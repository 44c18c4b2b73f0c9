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
export async function clickButton(eventsUrl: string, slack: FakeSlack, userId: string, actionId: string, value: string) {
  const responseId = `click${++sequence}`;
  const payload = blockActionsPayload({ action_id: actionId, value, user_id: userId, channel_id: 'C0APPROVALS', response_url: slack.responseUrl(responseId) });
  const ack = await postSigned(eventsUrl, SIGNING_SECRET, interactionBody(payload));
  return { ack, responseId };
}

export function blocksText(call: FakeSlackCall): string {
  return JSON.stringify(call.body.blocks ?? call.body.text);
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
