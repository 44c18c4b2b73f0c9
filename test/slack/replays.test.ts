import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { SIGNING_SECRET, startHarness, type Harness } from '../support/harness.js';
import { blockActionsPayload, interactionBody, postSigned, slashCommandBody } from '../support/signed-request.js';
import { askPrivately } from '../support/slack-requests.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => {
  h.slack.reset();
  h.sandbox.resetCounts();
});

const stopsOf = (environment: string) => h.dockhand.audit.recent(200, environment).filter((r) => r.verb === 'stop' && r.actor === 'U0DEV').length;

describe('buttons are idempotent like commands', () => {
  it('runs a replayed Stop click once, and a second real click again', async () => {
    const services = h.dockhand.fleet.environment('preview-pr-117')?.services.length ?? 0;
    expect(services).toBeGreaterThan(0);
    const body = interactionBody(
      blockActionsPayload({ action_id: 'idle_stop', value: 'preview-pr-117', user_id: 'U0DEV', channel_id: 'C0DEV', response_url: h.slack.responseUrl('stop-click') }),
    );
    const timestampSeconds = Math.floor(Date.now() / 1000);
    // The same signed request three times: twice at once (a double delivery), then once more (a replay).
    const delivered = await Promise.all([postSigned(h.eventsUrl, SIGNING_SECRET, body, { timestampSeconds }), postSigned(h.eventsUrl, SIGNING_SECRET, body, { timestampSeconds })]);
    expect(delivered.map((r) => r.status)).toEqual([200, 200]);
    await h.slack.waitFor((c) => c.method === 'chat.update' && c.body.channel === 'C0DEV' && String(c.body.text).startsWith('`preview-pr-117` stopped'), 10_000);
    expect((await postSigned(h.eventsUrl, SIGNING_SECRET, body, { timestampSeconds })).status).toBe(200);
    // A command sent after the replay has been answered: by then a replay that ran would have been recorded.
    await askPrivately(h.eventsUrl, h.slack, 'U0DEV', 'status preview-pr-117');
    expect(stopsOf('preview-pr-117')).toBe(1);
    expect(h.sandbox.countCalls({ operation: 'UpdateService' })).toBe(services);
    expect(h.dockhand.operations.running('preview-pr-117')).toBeUndefined();

    // A new click (its own trigger id and time) is a new request.
    const again = interactionBody(blockActionsPayload({ action_id: 'idle_stop', value: 'preview-pr-117', user_id: 'U0DEV', channel_id: 'C0DEV', response_url: h.slack.responseUrl('stop-again') }));
    expect((await postSigned(h.eventsUrl, SIGNING_SECRET, again)).status).toBe(200);
    await vi.waitFor(() => expect(stopsOf('preview-pr-117')).toBe(2), { timeout: 10_000 });
  });

  it('refuses a correctly signed request dated more than five minutes ahead, like a stale one', async () => {
    const auditBefore = h.dockhand.audit.recent(1000).length;
    const now = Math.floor(Date.now() / 1000);
    const command = slashCommandBody({ text: 'stop dev-1', user_id: 'U0DEV', channel_id: 'C0DEV', response_url: h.slack.responseUrl('future') });
    expect((await postSigned(h.eventsUrl, SIGNING_SECRET, command, { timestampSeconds: now + 10 * 60 })).status).toBe(401);
    expect((await postSigned(h.eventsUrl, SIGNING_SECRET, command, { timestampSeconds: now + 6 * 60 })).status).toBe(401);
    const click = interactionBody(blockActionsPayload({ action_id: 'idle_stop', value: 'dev-1', user_id: 'U0DEV', channel_id: 'C0DEV', response_url: h.slack.responseUrl('future-click') }));
    expect((await postSigned(h.eventsUrl, SIGNING_SECRET, click, { timestampSeconds: now + 10 * 60 })).status).toBe(401);
    expect(h.slack.calls).toEqual([]);
    expect(h.dockhand.audit.recent(1000).length).toBe(auditBefore);
    expect(h.sandbox.countCalls({ operation: 'UpdateService' })).toBe(0);
    // A clock a little ahead is still fine.
    const status = slashCommandBody({ text: 'status dev-1', user_id: 'U0DEV', channel_id: 'C0DEV', response_url: h.slack.responseUrl('slightly-ahead') });
    expect((await postSigned(h.eventsUrl, SIGNING_SECRET, status, { timestampSeconds: now + 60 })).status).toBe(200);
    await h.slack.waitFor((c) => c.method === 'response_url' && c.responseId === 'slightly-ahead');
  });
});
