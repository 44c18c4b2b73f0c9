import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { startHarness, type Harness } from '../support/harness.js';
import { askPrivately } from '../support/slack-requests.js';

let h: Harness;
const clock = new ManualClock(Date.now());
beforeAll(async () => {
  h = await startHarness({ clock, sandbox: { clock } });
});
afterAll(() => h.close());
beforeEach(() => {
  h.slack.respond('usergroups.list', { ok: true, usergroups: [{ id: 'S0PLATFORM', users: ['U0LEE', 'U0KIM'] }] });
});

describe('/env refresh in a loop', () => {
  it('reads AWS once per cooldown (30 s): the others answer with the last read and its time', async () => {
    clock.advance(31_000);
    h.sandbox.resetCounts();
    const first = String((await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'refresh')).body.text);
    expect(first).toMatch(/^Refreshed: /);
    const oneRead = h.sandbox.countCalls({});
    expect(oneRead).toBeGreaterThan(0);
    const answers: string[] = [];
    for (let i = 0; i < 20; i++) {
      clock.advance(1000);
      answers.push(String((await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'refresh')).body.text));
    }
    expect(h.sandbox.countCalls({})).toBe(oneRead);
    expect(answers[19]).toMatch(/^The fleet was read from AWS 20s ago, so it was not read again\. Refreshed: /);
    const audited = (await h.dockhand.audit.recent(3)).find((r) => r.actor === 'U0MARIA' && r.verb === 'refresh');
    expect(audited?.detail).toMatch(/^not read again/);
    // Once the cooldown is over, AWS is read again.
    clock.advance(11_000);
    expect(String((await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'refresh')).body.text)).toMatch(/^Refreshed: /);
    expect(h.sandbox.countCalls({})).toBe(2 * oneRead);
  });
});
