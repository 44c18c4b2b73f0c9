import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { askPrivately, sendCommand } from '../support/slack-requests.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  h.slack.respond('usergroups.list', { ok: true, usergroups: [{ id: 'S0PLATFORM', users: ['U0LEE', 'U0KIM'] }] });
});
afterAll(() => h.close());

describe('cost charts asked for in a burst', () => {
  it('one developer’s burst of /env cost gets one chart and "still being drawn"; a lead’s chart is still drawn', async () => {
    const burst = await Promise.all(Array.from({ length: 12 }, () => sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'cost 30d')));
    const lee = await askPrivately(h.eventsUrl, h.slack, 'U0LEE', 'cost 7d');
    expect(JSON.stringify(lee.body.blocks)).not.toMatch(/too many charts|still being drawn/);
    const answers = await Promise.all(burst.map(({ responseId }) => h.slack.waitFor((c) => c.method === 'response_url' && c.responseId === responseId, 30_000)));
    const refused = answers.filter((a) => JSON.stringify(a.body).includes('your last chart is still being drawn'));
    expect(refused.length).toBeGreaterThanOrEqual(10);
    expect(answers.some((a) => /too many charts/.test(JSON.stringify(a.body)))).toBe(false);
  }, 60_000);
});
