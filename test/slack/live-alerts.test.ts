import { afterEach, describe, expect, it } from 'vitest';
import { generatedFleet, identities } from '../../dev/sandbox/index.js';
import { parsePolicy } from '../../src/config/load.js';
import { ManualClock } from '../../src/domain/clock.js';
import { openSqlite } from '../../src/store/db.js';
import type { FakeSlackCall } from '../support/fake-slack.js';
import { startHarness, TEST_POLICY, type Harness } from '../support/harness.js';
import { blocksText, clickButton } from '../support/slack-requests.js';

/** Every environment's alerts to C0ALERTS, degraded after 10 minutes. */
const POLICY = parsePolicy(`${TEST_POLICY}
alerts:
  degraded_minutes: 10
  channels:
    - environments: ["*"]
      channel: C0ALERTS
`);

const MINUTE = 60_000;
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

async function harness(clock: ManualClock, options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  const h = await startHarness({ clock, policy: POLICY, scheduler: false, ...options, sandbox: { clock, ...options.sandbox } });
  cleanup.push(() => h.close());
  return h;
}

/** The live alerts posted to the alerts channel so far, about one environment. */
function alertsAbout(h: Harness, environment: string): FakeSlackCall[] {
  return h.slack.callsTo('chat.postMessage').filter((call) => call.body.channel === 'C0ALERTS' && String(call.body.text).startsWith(`${environment}:`));
}

interface PostedButton {
  action_id: string;
  value: string;
}

function buttonsOf(call: FakeSlackCall): PostedButton[] {
  const blocks = call.body.blocks as { type: string; elements?: PostedButton[]; accessory?: PostedButton }[];
  return blocks.flatMap((block) => [...(block.elements ?? []), ...(block.accessory ? [block.accessory] : [])]);
}

function button(call: FakeSlackCall, actionId: string): PostedButton {
  const found = buttonsOf(call).find((b) => b.action_id === actionId);
  if (!found) throw new Error(`no ${actionId} button in ${blocksText(call)}`);
  return found;
}

async function click(h: Harness, userId: string, { action_id, value }: PostedButton): Promise<string> {
  const { responseId } = await clickButton(h.eventsUrl, h.slack, userId, action_id, value);
  return blocksText(await h.slack.waitFor((c) => c.method === 'response_url' && c.responseId === responseId));
}

describe('live alerts', () => {
  it('alerts a circuit-breaker rollback once, even across a restart, with a Why? button that runs /env why for the clicker', async () => {
    const clock = new ManualClock('2026-03-20T10:00:00Z');
    const first = await harness(clock);
    first.sandbox.breakService({ cluster: 'nonprod', service: 'staging-1-api', failure: { kind: 'image-missing', imageTag: 'v2026-03-20', rollback: true } });
    clock.advance(MINUTE);
    await first.dockhand.refresher.refresh('test');
    expect(alertsAbout(first, 'staging-1')).toHaveLength(1);

    // dockhand restarts between two refreshes: the second instance, on the same database, does not alert it again.
    await first.stopDockhand();
    clock.advance(MINUTE);
    const second = await harness(clock, { reuse: { sandbox: first.sandbox, slack: first.slack, dbPath: first.dbPath } });
    clock.advance(MINUTE);
    await second.dockhand.refresher.refresh('test');
    const alerts = alertsAbout(second, 'staging-1');
    expect(alerts).toHaveLength(1);
    const alert = alerts[0]!;
    expect(String(alert.body.text)).toContain('1 deployment failed (1 rolled back by the circuit breaker)');
    expect(blocksText(alert)).toContain('failed and the circuit breaker rolled it back');
    expect(blocksText(alert)).toContain('ECS deployment circuit breaker: rolling back to deploymentId');

    const why = button(alert, 'env_why');
    expect(why.value).toBe('staging-1 staging-1-api');
    const answer = await click(second, 'U0MARIA', why);
    expect(answer).toContain('image 111111111111.dkr.ecr.us-east-1.amazonaws.com/staging-1-api:v2026-03-20 not found');
    expect((await second.dockhand.audit.recent(1))[0]).toMatchObject({ actor: 'U0MARIA', verb: 'why', environment: 'staging-1', outcome: 'ok' });

    // Someone without `view` is refused by the same pipeline, and the refusal is audited.
    expect(await click(second, 'U0NOBODY', why)).not.toContain('not found in');
    expect((await second.dockhand.audit.recent(1))[0]).toMatchObject({ actor: 'U0NOBODY', verb: 'why', outcome: 'denied' });

    // Logs needs the `logs` verb: maria (developer) lacks it, the admin holds it.
    const logs = button(alert, 'alert_logs');
    expect(logs.value).toBe('staging-1 staging-1-api');
    await click(second, 'U0MARIA', logs);
    expect((await second.dockhand.audit.recent(1))[0]).toMatchObject({ actor: 'U0MARIA', verb: 'logs', outcome: 'denied' });
    await click(second, 'U0ADMIN', logs);
    expect((await second.dockhand.audit.recent(1))[0]).toMatchObject({ actor: 'U0ADMIN', verb: 'logs', environment: 'staging-1', outcome: 'ok' });
  });

  it('tells a flood of 8 failing services of one environment in one message', async () => {
    const clock = new ManualClock('2026-03-20T10:00:00Z');
    const h = await harness(clock, { sandbox: { fleet: generatedFleet({ environments: 3, servicesPerEnvironment: 8, prodEvery: 0 }) } });
    const broken = h.sandbox.services().filter((s) => s.tags.environment === 'env-002');
    expect(broken).toHaveLength(8);
    for (const service of broken) h.sandbox.breakService({ cluster: service.cluster, service: service.name, failure: { kind: 'oom', rollback: true } });
    clock.advance(MINUTE);
    const posted = () => h.slack.callsTo('chat.postMessage').filter((call) => call.body.channel === 'C0ALERTS');
    // The first post fails: the claims are given back and the next refresh posts it, once.
    h.slack.respond('chat.postMessage', { ok: false, error: 'channel_not_found' }, { times: 1 });
    await h.dockhand.refresher.refresh('test');
    expect(posted()).toHaveLength(1);
    await h.dockhand.refresher.refresh('test');
    await h.dockhand.refresher.refresh('test');
    expect(posted()).toHaveLength(2);
    const alerts = posted().slice(1);
    expect(String(alerts[0]!.body.text)).toContain('env-002: 8 deployments failed');
    expect(buttonsOf(alerts[0]!).filter((b) => b.action_id === 'alert_logs')).toHaveLength(8);
    expect(button(alerts[0]!, 'env_why').value).toBe('env-002');
  });

  it('alerts an environment short of tasks once, after degraded_minutes, not before, and a restart does not reset the wait', async () => {
    const clock = new ManualClock('2026-03-20T10:00:00Z');
    // staging-2's worker runs 1 of 3 from the start (its failed deployment is alerted at once, as such).
    const first = await harness(clock);
    const degraded = () => alertsAbout(first, 'staging-2').filter((call) => String(call.body.text).includes('short of tasks'));
    clock.advance(5 * MINUTE);
    await first.dockhand.refresher.refresh('test');
    await first.stopDockhand();

    clock.advance(MINUTE);
    const second = await harness(clock, { reuse: { sandbox: first.sandbox, slack: first.slack, dbPath: first.dbPath } });
    clock.advance(3 * MINUTE + 59_000);
    await second.dockhand.refresher.refresh('test');
    expect(degraded()).toHaveLength(0);

    clock.advance(1000);
    await second.dockhand.refresher.refresh('test');
    expect(degraded()).toHaveLength(1);
    expect(String(degraded()[0]!.body.text)).toContain('staging-2: short of tasks for 10 m');
    expect(blocksText(degraded()[0]!)).toContain('`staging-2-worker` 1/3');

    clock.advance(30 * MINUTE);
    await second.dockhand.refresher.refresh('test');
    expect(degraded()).toHaveLength(1);
    expect(alertsAbout(first, 'staging-2')).toHaveLength(2);
  });

  it('alerts CloudTrail flags once across two runs, with Start again and Who? where they fit', async () => {
    const clock = new ManualClock('2026-03-20T10:00:00Z');
    const h = await harness(clock);
    h.sandbox.externalUpdate({ cluster: 'nonprod', service: 'qa-1-web', desiredCount: 0 });
    h.sandbox.injectCloudTrailEvent({ eventName: 'DeleteService', identity: identities.root(), requestParameters: { cluster: 'nonprod', service: 'tmp-debug-shell' } });
    clock.advance(MINUTE);
    await h.dockhand.auditIngest.runOnce();
    clock.advance(5 * MINUTE);
    await h.dockhand.auditIngest.runOnce();

    const qa = alertsAbout(h, 'qa-1');
    expect(qa).toHaveLength(1);
    expect(blocksText(qa[0]!)).toContain('scaled to zero outside dockhand');
    expect(button(qa[0]!, 'alert_start').value).toBe('qa-1');
    const who = await click(h, 'U0MARIA', button(qa[0]!, 'alert_who'));
    expect(who).toContain('qa-1-web');
    expect((await h.dockhand.audit.recent(1))[0]).toMatchObject({ actor: 'U0MARIA', verb: 'who', environment: 'qa-1', outcome: 'ok' });

    // A service in no environment: to the channel routed for every environment, with "who" for the whole fleet.
    const unplaced = alertsAbout(h, 'no environment');
    expect(unplaced).toHaveLength(1);
    expect(blocksText(unplaced[0]!)).toContain('root account used, deleted');
    expect(button(unplaced[0]!, 'alert_who').value).toBe('all');

    // Housekeeping forgets claims after a week, long after they could be alerted again.
    const db = openSqlite(h.dbPath);
    const claims = () => (db.db.$client.prepare('select count(*) as n from live_alerts').get() as { n: number }).n;
    try {
      expect(claims()).toBeGreaterThan(0);
      clock.advance(8 * 24 * 60 * MINUTE);
      await h.dockhand.housekeeping.tick();
      expect(claims()).toBe(0);
    } finally {
      db.db.$client.close();
    }
  });
});
