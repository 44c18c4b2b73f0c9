import { afterAll, describe, expect, it, vi } from 'vitest';
import { parsePolicy } from '../../src/config/load.js';
import { ManualClock } from '../../src/domain/clock.js';
import { LeaseStore } from '../../src/store/lease-store.js';
import { OperationsStore } from '../../src/store/operations-store.js';
import { openPostgresDatabase } from '../../src/store/pg/database.js';
import { SchedulesStore } from '../../src/store/schedules-store.js';
import { startHarness, TEST_POLICY, type Harness } from '../support/harness.js';
import { testPostgres } from '../support/postgres.js';
import { askPrivately, blocksText } from '../support/slack-requests.js';

// Two dockhand instances in this process on one Postgres (lease 3 s, heartbeat 1 s, from TEST_POLICY).
const server = await testPostgres();
const cleanup: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

async function setup() {
  const created = await server!.createDatabase();
  const database = await openPostgresDatabase(created.url, { max: 4 });
  cleanup.push(() => created.drop(), () => database.close());
  return { url: created.url, database };
}

describe.skipIf(!server)('replicas on one Postgres (in one process)', () => {
  it('both serve Slack; exactly one leads; the follower is ready; an operation whose runner died is resumed once, a live one never', async () => {
    const { url, database } = await setup();
    const clock = new ManualClock(new Date());
    const policy = parsePolicy(TEST_POLICY);
    const a: Harness = await startHarness({ databaseUrl: url, policy, clock, scheduler: false });
    cleanup.push(() => a.close());
    const b: Harness = await startHarness({ reuse: { sandbox: a.sandbox, slack: a.slack, dbPath: a.dbPath, databaseUrl: url }, policy, clock, scheduler: false });
    cleanup.push(() => b.close());

    expect([a.dockhand.lease.held, b.dockhand.lease.held].filter(Boolean)).toHaveLength(1);
    const [leader, follower] = a.dockhand.lease.held ? [a, b] : [b, a];
    // Both answer a signed /env list through their own receivers.
    for (const replica of [a, b]) expect(blocksText(await askPrivately(replica.eventsUrl, a.slack, 'U0DEV', 'list'))).toContain('staging-3');
    const ready = await follower.dockhand.readiness();
    expect(ready.status).toBe('ok');
    expect(ready.checks.lease).toEqual({ ok: true, state: 'waiting', role: 'follower' });
    expect((await leader.dockhand.readiness()).checks.lease).toMatchObject({ ok: true, state: 'held', role: 'leader' });

    // Replica "C" journaled a stop of qa-1 and claimed it; it is alive (its claim is current).
    const journal = new OperationsStore(database);
    const qa1 = a.sandbox.services().filter((s) => s.tags.environment === 'qa-1');
    expect(qa1.length).toBeGreaterThan(0);
    const begun = await journal.begin(
      { environment: 'qa-1', verb: 'stop', params: { service: null, count: null }, requestedBy: 'U0DEV', approvedBy: null, channelId: 'C0DEV', startedAt: clock.now().toISOString() },
      qa1.map((s) => ({ serviceArn: s.arn, account: s.account, region: s.region, cluster: s.cluster, service: s.name })),
      'running',
      { claim: { runner: 'replica-c', expiresAt: clock.now().getTime() + 3000 } },
    );
    if (!begun.ok) throw new Error('qa-1 is busy');
    const updates = () => a.sandbox.requests.filter((r) => r.operation === 'UpdateService' && qa1.some((s) => [s.name, s.arn].includes(String((r.params as { service?: string }).service)))).length;

    // Two of the leader's heartbeats pass (seen in the lease row): the live claim is left alone.
    const leases = new LeaseStore(database);
    const beatAt = async () => (await leases.current())!.heartbeatAt;
    for (let beats = 0; beats < 2; beats += 1) {
      clock.advance(500);
      const before = clock.now().getTime();
      await vi.waitFor(async () => expect(await beatAt()).toBeGreaterThanOrEqual(before), { timeout: 10_000, interval: 100 });
    }
    expect(await journal.byId(begun.operation.id)).toMatchObject({ status: 'running', runner: 'replica-c' });
    expect(updates()).toBe(0);

    // C dies: its claim lapses. Whichever replica leads at its next heartbeat takes it over and finishes it.
    clock.advance(3000);
    await vi.waitFor(async () => expect((await journal.byId(begun.operation.id))?.status).toBe('succeeded'), { timeout: 20_000, interval: 200 });
    expect(await journal.byId(begun.operation.id)).toMatchObject({ runner: null, runnerExpiresAt: null });
    // Resumed once: one UpdateService per service, and nothing more on later heartbeats.
    expect(updates()).toBe(qa1.length);
    clock.advance(500);
    const later = clock.now().getTime();
    await vi.waitFor(async () => expect(await beatAt()).toBeGreaterThanOrEqual(later), { timeout: 10_000, interval: 100 });
    expect(updates()).toBe(qa1.length);
    expect(qa1.map((s) => a.sandbox.services().find((t) => t.arn === s.arn)?.desiredCount)).toEqual(qa1.map(() => 0));

    // The follower shows what the leader's refresh read: someone scales staging-3's web to 5 outside dockhand.
    const [lead, other] = a.dockhand.lease.held ? [a, b] : [b, a];
    const web = () => other.dockhand.fleet.environment('staging-3')?.services.find((s) => s.name === 'web')?.desired;
    expect(web()).not.toBe(5);
    a.sandbox.externalUpdate({ account: '111111111111', region: 'us-east-1', cluster: 'staging-3', service: 'web', desiredCount: 5 });
    await lead.dockhand.refresher.refresh('test');
    await vi.waitFor(() => expect(web()).toBe(5), { timeout: 10_000, interval: 100 });
  }, 90_000);

  it('what a follower read (its refresh after an operation, or /env refresh) the leader shows within a heartbeat', async () => {
    const { url } = await setup();
    const policy = parsePolicy(TEST_POLICY);
    const a: Harness = await startHarness({ databaseUrl: url, policy, scheduler: false });
    cleanup.push(() => a.close());
    const b: Harness = await startHarness({ reuse: { sandbox: a.sandbox, slack: a.slack, dbPath: a.dbPath, databaseUrl: url }, policy, scheduler: false });
    cleanup.push(() => b.close());
    const [leader, follower] = a.dockhand.lease.held ? [a, b] : [b, a];
    const status = async (replica: Harness) => String((await askPrivately(replica.eventsUrl, a.slack, 'U0ADMIN', 'status qa-1')).body.text);
    expect(await status(leader)).toMatch(/running/);
    // Someone parks qa-1 in the console; the follower reads it.
    for (const s of a.sandbox.services().filter((x) => x.tags.environment === 'qa-1')) a.sandbox.externalUpdate({ cluster: s.cluster, service: s.name, desiredCount: 0 });
    await follower.dockhand.refresher.refresh('test');
    expect(await status(follower)).toMatch(/stopped/);
    await vi.waitFor(async () => expect(await status(leader)).toMatch(/stopped/), { timeout: 10_000, interval: 250 });
  });

  it('a leader that lost the lease has its scheduler edge refused by the fence: nothing journaled, nothing sent to AWS', async () => {
    const { url, database } = await setup();
    const now = Date.now();
    const hhmm = (at: Date) => at.toISOString().slice(11, 16);
    const end = new Date(Math.floor((now - 4 * 60_000) / 60_000) * 60_000);
    const policy = parsePolicy(`${TEST_POLICY}
schedules:
  grace_minutes: 0
  channel: C0DEV
  defaults:
    - environments: [qa-1]
      schedule: "mon-sun ${hhmm(new Date(end.getTime() - 2 * 3600_000))}-${hhmm(end)} UTC"
`);
    const clock = new ManualClock(new Date(now));
    const a = await startHarness({ databaseUrl: url, policy, clock, scheduler: false });
    cleanup.push(() => a.close());
    expect(a.dockhand.lease.held).toBe(true);
    await new SchedulesStore(database).setLastTick(new Date(end.getTime() - 5 * 60_000));

    // Another replica takes the lease over (A stalled past its expiry); A has not heard yet and still believes it leads.
    const leases = new LeaseStore(database);
    const before = (await leases.current())!;
    expect(await leases.take('replica-b', before.expiresAt, 60_000)).toBe(true);
    expect((await leases.current())!.token).toBe(before.token + 1);
    expect(a.dockhand.lease.held).toBe(true);

    const requestsBefore = a.sandbox.requests.filter((r) => r.operation === 'UpdateService').length;
    const report = await a.dockhand.scheduler.tick(new Date(now));
    const park = report.actions.find((x) => x.environment === 'qa-1' && x.action.kind === 'park');
    expect(park?.outcome).toMatch(/^refused: this replica no longer holds the instance lease/);
    expect(await new OperationsStore(database).unfinished()).toEqual([]);
    expect((await a.dockhand.operations.lastParked('qa-1'))).toBeUndefined();
    expect(a.sandbox.requests.filter((r) => r.operation === 'UpdateService').length).toBe(requestsBefore);
  }, 60_000);
});
