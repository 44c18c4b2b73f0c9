import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/load.js';
import { ManualClock } from '../../src/domain/clock.js';
import { startHarness, TEST_POLICY, type Harness } from '../support/harness.js';
import { askPrivately, sendCommand } from '../support/slack-requests.js';

/** qa-1 and dev-1 on business hours in Berlin; extending past them needs a lead. */
const POLICY = `${TEST_POLICY.replace('protect:\n', 'protect:\n  - environments: ["*"]\n    after_hours_approval: [extend]\n')}
schedules:
  defaults:
    - environments: ["qa-*", "dev-*"]
      schedule: "weekdays 09:00-19:00 Europe/Berlin"
`;

let h: Harness;
const clock = new ManualClock('2026-03-23T10:00:00Z'); // Monday 11:00 in Berlin

beforeAll(async () => {
  h = await startHarness({ clock, policy: parsePolicy(POLICY), scheduler: false });
});
afterAll(() => h.close());
beforeEach(() => {
  h.slack.reset();
});

describe('an after-hours extension asked again with another end', () => {
  it('files one request and one post; each later ask is answered with the waiting one and audited', async () => {
    const first = String((await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'extend qa-1 until 21:00')).body.text);
    expect(first).toMatch(/needs a second person: request #\d+/);
    const id = Number(/request #(\d+)/.exec(first)?.[1]);
    // Another end each time: a later `until`, a duration (a new time every minute), the same until a minute on.
    const again: string[] = [];
    for (const words of ['until 21:30', '12h', 'until 22:00']) {
      clock.advance(60_000);
      again.push(String((await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', `extend qa-1 ${words}`)).body.text));
    }
    for (const answer of again) expect(answer).toMatch(new RegExp(`^Your request #${id} for \`/env extend qa-1 until 2026-03-23 20:00 UTC\` is already waiting for approval \\(since `));
    const pending = (await h.dockhand.approvals.pending()).filter((p) => p.requestedBy === 'U0MARIA');
    expect(pending.map((p) => `#${p.id} ${p.verb} ${p.environment}`)).toEqual([`#${id} extend qa-1`]);
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.body.channel === 'C0APPROVALS')).toHaveLength(1);
    const busy = (await h.dockhand.audit.recent(20)).filter((r) => r.actor === 'U0MARIA' && r.verb === 'request:extend' && r.outcome === 'busy');
    expect(busy.map((r) => r.detail)).toEqual([`already waiting as #${id}`, `already waiting as #${id}`, `already waiting as #${id}`]);
  });

  it('another environment’s extension is its own request', async () => {
    const answer = String((await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'extend dev-1 until 21:00')).body.text);
    expect(answer).toMatch(/needs a second person: request #\d+/);
    expect((await h.dockhand.approvals.pending()).filter((p) => p.requestedBy === 'U0MARIA').map((p) => `${p.verb} ${p.environment}`).sort()).toEqual(['extend dev-1', 'extend qa-1']);
  });

  it('10 at once with distinct ends file one request and one post; the other nine are answered with it', async () => {
    // Past the directory's cache: all ten wait for the same usergroups.list, then go on together.
    clock.advance(6 * 60_000);
    h.slack.respond('usergroups.list', { ok: true, usergroups: [{ id: 'S0PLATFORM', users: ['U0LEE', 'U0KIM'] }] });
    const sent = await Promise.all(Array.from({ length: 10 }, (_, i) => sendCommand(h.eventsUrl, h.slack, 'U0DEV', `extend dev-2 until 21:${String(i).padStart(2, '0')}`)));
    const answers = await Promise.all(sent.map(async ({ responseId }) => String((await h.slack.waitFor((c) => c.method === 'response_url' && c.responseId === responseId, 15_000)).body.text)));
    const pending = (await h.dockhand.approvals.pending()).filter((p) => p.requestedBy === 'U0DEV');
    expect(pending.map((p) => `${p.verb} ${p.environment}`)).toEqual(['extend dev-2']);
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.body.channel === 'C0APPROVALS')).toHaveLength(1);
    expect(answers.filter((a) => /needs a second person: request #\d+/.test(a))).toHaveLength(1);
    expect(answers.filter((a) => a.startsWith(`Your request #${pending[0]!.id} for \`/env extend dev-2 until `) && a.includes('is already waiting for approval'))).toHaveLength(9);
  }, 30_000);
});
