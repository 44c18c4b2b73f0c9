import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { SAME_VIEW_MS } from '../../src/slack/home.js';
import { SIGNING_SECRET, startHarness, type Harness } from '../support/harness.js';
import { postSigned } from '../support/signed-request.js';
import { askPrivately, openHome } from '../support/slack-requests.js';

/** People of the platform group who looked at their Home recently. */
const VIEWERS = Array.from({ length: 60 }, (_, i) => `U0V${i}`);
let h: Harness;
const clock = new ManualClock(Date.now());
beforeAll(async () => {
  h = await startHarness({ clock, scheduler: false });
});
afterAll(() => h.close());
beforeEach(() => {
  h.slack.reset();
  h.slack.respond('usergroups.list', { ok: true, usergroups: [{ id: 'S0PLATFORM', users: ['U0LEE', 'U0KIM', ...VIEWERS] }] });
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const publishes = () => h.slack.callsTo('views.publish').map((c) => String(c.body.user_id));

describe('App Home floods', () => {
  it('one unbound user opening the Home tab 110 times publishes it once, and another Home is drawn next', async () => {
    for (let i = 0; i < 110; i++) {
      expect((await openHome(h.eventsUrl, 'U0NOBODY')).status).toBe(200);
      await sleep(5);
    }
    await h.slack.waitFor((c) => c.method === 'views.publish' && c.body.user_id === 'U0NOBODY');
    await sleep(300);
    const before = publishes().length;
    expect(publishes().filter((u) => u === 'U0NOBODY')).toHaveLength(1);
    await openHome(h.eventsUrl, 'U0MARIA');
    await h.slack.waitFor((c) => c.method === 'views.publish' && c.body.user_id === 'U0MARIA');
    // Nobody else's Home was published between Maria opening hers and it being drawn.
    expect(publishes().slice(before)).toEqual(['U0MARIA']);
  }, 30_000);

  it('an app_home_opened delivered again with the same event id (a retry) draws nothing more', async () => {
    const body = JSON.stringify({
      token: 'verification-token',
      team_id: 'T0TEST',
      api_app_id: 'A0DOCKHAND',
      event: { type: 'app_home_opened', user: 'U0KIM', channel: 'DU0KIM', tab: 'home', event_ts: (Date.now() / 1000).toFixed(6) },
      type: 'event_callback',
      event_id: 'EvREPLAY1',
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: 'T0TEST', user_id: 'UBOT', is_bot: true }],
    });
    for (let i = 0; i < 5; i++) {
      // Later than a minute each time, so only the event id can tell the deliveries apart.
      clock.advance(SAME_VIEW_MS + 1000);
      await postSigned(h.eventsUrl, SIGNING_SECRET, body, { contentType: 'application/json', headers: i ? { 'x-slack-retry-num': String(i), 'x-slack-retry-reason': 'http_timeout' } : {} });
      await sleep(100);
    }
    await h.slack.waitFor((c) => c.method === 'views.publish' && c.body.user_id === 'U0KIM');
    await sleep(500);
    expect(publishes().filter((u) => u === 'U0KIM')).toHaveLength(1);
  });

  it('changes a few seconds apart redraw each recent Home at most once per round, and a new viewer is still drawn', async () => {
    const viewers = VIEWERS.slice(0, 20);
    for (const v of viewers) await openHome(h.eventsUrl, v);
    await h.slack.waitFor(() => viewers.every((v) => publishes().includes(v)), 20_000);
    h.slack.reset();
    clock.advance(SAME_VIEW_MS + 1000);
    // Three changes 2.3 s apart, each past the 2 s debounce: at most two redraw rounds (5 s apart), not three.
    for (const hours of ['08:00-18:00', '07:00-19:00', '06:00-20:00']) {
      await askPrivately(h.eventsUrl, h.slack, 'U0LEE', `schedule staging-1 weekdays ${hours} UTC`);
      await sleep(2300);
    }
    await openHome(h.eventsUrl, 'U0NEWVIEW');
    await h.slack.waitFor((c) => c.method === 'views.publish' && c.body.user_id === 'U0NEWVIEW', 10_000);
    await sleep(10_000);
    const redraws = publishes().filter((u) => u.startsWith('U0V'));
    for (const v of viewers) expect(redraws.filter((u) => u === v).length, v).toBeLessThanOrEqual(2);
    expect(redraws.length).toBeGreaterThanOrEqual(viewers.length);
  }, 60_000);
});
