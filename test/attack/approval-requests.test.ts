import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { startHarness, type Harness } from '../support/harness.js';
import { askPrivately, clickButton, sendCommand } from '../support/slack-requests.js';

let h: Harness;
const clock = new ManualClock('2026-03-23T10:00:00Z');
beforeAll(async () => {
  h = await startHarness({ clock });
});
afterAll(() => h.close());
beforeEach(() => {
  h.slack.reset();
  h.slack.respond('usergroups.list', { ok: true, usergroups: [{ id: 'S0PLATFORM', users: ['U0LEE', 'U0KIM'] }] });
});

const pendingOf = async (userId: string) => (await h.dockhand.approvals.pending()).filter((p) => p.requestedBy === userId);

describe('an approval request Slack refused to post to the approvers', () => {
  it('is withdrawn, audited, and the requester is told so; a later Approve is not counted', async () => {
    h.slack.respond('chat.postMessage', { ok: false, error: 'internal_error' }, { times: 1 });
    const answer = String((await askPrivately(h.eventsUrl, h.slack, 'U0DEV', 'stop prod')).body.text);
    expect(answer).toContain('could not deliver request #');
    expect(answer).toContain('withdrawn');
    expect(answer).not.toMatch(/Nothing more was changed|WebAPIPlatformError|internal_error/);
    expect(await pendingOf('U0DEV')).toEqual([]);
    const id = Number(/request #(\d+)/.exec(answer)?.[1]);
    const row = (await h.dockhand.audit.recent(5)).find((r) => r.verb === 'request:stop');
    expect(row).toMatchObject({ actor: 'U0DEV', environment: 'prod', outcome: 'error', detail: expect.stringContaining('withdrawn') });

    const { responseId } = await clickButton(h.eventsUrl, h.slack, 'U0LEE', 'approval_approve', String(id));
    const approved = await h.slack.waitFor((c) => c.method === 'response_url' && c.responseId === responseId, 10_000);
    expect(String(approved.body.text)).toContain(`request #${id} was already cancelled`);
    expect(await h.dockhand.operations.unfinished()).toEqual([]);
  });
});

describe('the same protected request asked again', () => {
  it('30 × /env stop prod files one request and one post; the others are answered with it and audited', async () => {
    const answers: string[] = [];
    for (let i = 0; i < 30; i++) answers.push(String((await askPrivately(h.eventsUrl, h.slack, 'U0KIM', 'stop prod')).body.text));
    const pending = await pendingOf('U0KIM');
    expect(pending.map((p) => `${p.verb} ${p.environment}`)).toEqual(['stop prod']);
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.body.channel === 'C0APPROVALS')).toHaveLength(1);
    expect(answers[29]).toContain(`Your request #${pending[0]!.id} for \`/env stop prod\` is already waiting for approval (since `);
    expect((await h.dockhand.audit.recent(200)).filter((r) => r.actor === 'U0KIM' && r.verb === 'request:stop' && r.outcome === 'busy')).toHaveLength(29);
  }, 60_000);

  it('a requester has at most five requests waiting; a sixth is refused with why', async () => {
    for (const count of [5, 6, 7, 8, 9]) await askPrivately(h.eventsUrl, h.slack, 'U0DEV', `scale prod api ${count}`);
    expect(await pendingOf('U0DEV')).toHaveLength(5);
    const sixth = String((await askPrivately(h.eventsUrl, h.slack, 'U0DEV', 'scale prod api 10')).body.text);
    expect(sixth).toContain('You already have 5 requests waiting for approval (at most 5 at once)');
    expect(await pendingOf('U0DEV')).toHaveLength(5);
    expect((await h.dockhand.audit.recent(5)).find((r) => r.actor === 'U0DEV' && r.verb === 'request:scale')).toMatchObject({ outcome: 'denied', detail: '5 requests already waiting' });
  }, 30_000);

  it('12 distinct requests of one person at once file five; the other seven are refused with why', async () => {
    // Past the directory's cache: all twelve wait for the same usergroups.list, then go on together.
    clock.advance(6 * 60_000);
    const sent = await Promise.all(Array.from({ length: 12 }, (_, i) => sendCommand(h.eventsUrl, h.slack, 'U0ADMIN', `scale prod api ${i + 2}`)));
    const answers = await Promise.all(sent.map(async ({ responseId }) => String((await h.slack.waitFor((c) => c.method === 'response_url' && c.responseId === responseId, 15_000)).body.text)));
    expect(await pendingOf('U0ADMIN')).toHaveLength(5);
    expect(answers.filter((a) => a.includes('You already have 5 requests waiting for approval (at most 5 at once)'))).toHaveLength(7);
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.body.channel === 'C0APPROVALS')).toHaveLength(5);
  }, 30_000);
});
