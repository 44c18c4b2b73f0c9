import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceSnapshot } from '../../src/domain/inventory.js';
import { ApprovalsStore } from '../../src/store/approvals-store.js';
import { AuditStore } from '../../src/store/audit-store.js';
import { CostActualsStore } from '../../src/store/cost-actuals-store.js';
import { CostHistoryStore } from '../../src/store/cost-history-store.js';
import type { Database } from '../../src/store/database.js';
import { GrantsStore } from '../../src/store/grants-store.js';
import { HandledRequests } from '../../src/store/handled-requests.js';
import { InventoryStore } from '../../src/store/inventory-store.js';
import { LeaseStore } from '../../src/store/lease-store.js';
import { NoticesStore } from '../../src/store/notices-store.js';
import { OperationsStore, type BeginResult } from '../../src/store/operations-store.js';
import { RolloutFollowsStore } from '../../src/store/rollout-follows-store.js';
import { SchedulesStore } from '../../src/store/schedules-store.js';
import { StoppedTasksStore } from '../../src/store/stopped-tasks-store.js';
import { TrailStore } from '../../src/store/trail-store.js';
import { WriteBatch } from '../../src/store/write-batch.js';
import { storeDialects, type OpenedDatabase } from '../support/databases.js';

const cases = await storeDialects();
const AT = '2026-12-02T10:00:00.000Z';
const RACERS = 20;

function service(name: string, environment: string, desired = 1): ServiceSnapshot {
  return {
    arn: `arn:aws:ecs:us-east-1:111111111111:service/c/${name}`,
    account: '111111111111',
    region: 'us-east-1',
    cluster: 'c',
    name,
    environment,
    tags: { environment },
    desired,
    running: desired,
    pending: 0,
    status: 'ACTIVE',
    launchType: 'FARGATE',
    capacity: 'FARGATE',
    taskDefinitionArn: null,
    taskDefinition: null,
    deployments: [],
    events: [],
    lastDeployAt: null,
    refreshedAt: AT,
  } as unknown as ServiceSnapshot;
}

const journal = (operations: OperationsStore, environment: string) =>
  operations.begin({ environment, verb: 'stop', params: {}, requestedBy: 'U0DEV', approvedBy: null, channelId: 'C0', startedAt: AT }, [
    { serviceArn: `arn:${environment}/web`, account: '111111111111', region: 'us-east-1', cluster: 'c', service: 'web' },
    { serviceArn: `arn:${environment}/api`, account: '111111111111', region: 'us-east-1', cluster: 'c', service: 'api' },
  ]);

describe.each(cases)('the stores on $dialect', ({ open }) => {
  let opened: OpenedDatabase;
  let database: Database;
  beforeAll(async () => {
    opened = await open();
    database = opened.database;
  });
  afterAll(() => opened?.close());

  it('journal one unfinished operation per environment, whoever races for it (the unique index is the lock)', async () => {
    const operations = new OperationsStore(database);
    const results = await Promise.all(Array.from({ length: RACERS }, () => journal(operations, 'race-1')));
    const won = results.filter((r): r is Extract<BeginResult, { ok: true }> => r.ok);
    expect(won).toHaveLength(1);
    expect(won[0]!.steps.map((s) => s.service)).toEqual(['web', 'api']);
    for (const lost of results.filter((r) => !r.ok)) expect(lost).toMatchObject({ ok: false, running: { id: won[0]!.operation.id } });
    expect(await operations.unfinished()).toHaveLength(1);
    await operations.finish(won[0]!.operation.id, 'succeeded', AT, '2/2');
    expect((await journal(operations, 'race-1')).ok).toBe(true);
  });

  it('keep the journal, its steps and park records', async () => {
    const operations = new OperationsStore(database);
    const begun = await journal(operations, 'steps-1');
    if (!begun.ok) throw new Error('busy');
    await operations.updateStep(begun.steps[0]!.id, { status: 'done', detail: 'parked' });
    await operations.setMessage(begun.operation.id, '123.4');
    expect((await operations.steps(begun.operation.id)).map((s) => s.status)).toEqual(['done', 'pending']);
    expect((await operations.byId(begun.operation.id))?.messageTs).toBe('123.4');
    const record = { serviceArn: 'arn:steps-1/web', account: '111111111111', region: 'us-east-1', cluster: 'c', service: 'web', desired: 2, minCapacity: 1, maxCapacity: 4 };
    await operations.saveParkRecords('steps-1', [record], AT, 'U0DEV');
    await operations.saveParkRecords('steps-1', [{ ...record, desired: 3 }], AT, 'U0DEV');
    expect((await operations.parkRecords(['arn:steps-1/web'])).get('arn:steps-1/web')).toMatchObject({ desired: 3, minCapacity: 1 });
    expect(await operations.parkedEnvironments()).toContain('steps-1');
    expect(await operations.parkedSince({ account: '111111111111', region: 'us-east-1', cluster: 'c', service: 'web' })).toBe(AT);
    await operations.deleteParkRecord('arn:steps-1/web');
    expect(await operations.parkedEnvironments()).not.toContain('steps-1');
  });

  it('decide an approval once, and approve-and-journal all or nothing', async () => {
    const approvals = new ApprovalsStore(database);
    const operations = new OperationsStore(database);
    const request = { environment: 'prod-1', verb: 'stop', params: {}, requestedBy: 'U0DEV', requestChannelId: 'C0', createdAt: AT, expiresAt: '2026-12-02T11:00:00.000Z' };
    const row = await approvals.create(request);
    const clicks = await Promise.all(Array.from({ length: RACERS }, (_, i) => approvals.decide(row.id, i % 2 ? 'approved' : 'denied', `U${i}`, AT, null)));
    expect(clicks.filter(Boolean)).toHaveLength(1);

    const second = await approvals.create(request);
    const answers = await Promise.all(Array.from({ length: RACERS }, (_, i) => approvals.approveAndJournal(second.id, `U${i}`, AT, () => journal(operations, 'prod-1'))));
    const journaled = answers.filter((a) => a !== 'lost');
    expect(journaled).toHaveLength(1);
    expect(journaled[0]).toMatchObject({ ok: true });
    expect((await approvals.get(second.id))?.operationId).toBe((journaled[0] as Extract<BeginResult, { ok: true }>).operation.id);

    // The environment is busy now: the third approval's decision is rolled back with the refused journal entry.
    const third = await approvals.create(request);
    expect(await approvals.approveAndJournal(third.id, 'U0LEE', AT, () => journal(operations, 'prod-1'))).toMatchObject({ ok: false });
    expect((await approvals.get(third.id))?.status).toBe('pending');
    expect((await approvals.pending(AT)).map((a) => a.id)).toContain(third.id);
    expect((await approvals.expireDue('2026-12-02T12:00:00.000Z')).map((a) => a.id)).toContain(third.id);
  });

  it('handle a Slack request once, with and without the write batch', async () => {
    const plain = new HandledRequests(database);
    const claims = await Promise.all(Array.from({ length: RACERS }, () => plain.claim('command:T1', AT)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    const errors: unknown[] = [];
    const batch = new WriteBatch(database, (error) => errors.push(error));
    const batched = new HandledRequests(database, batch);
    const audit = new AuditStore(database, batch);
    const again = await Promise.all(Array.from({ length: RACERS }, () => batched.claim('command:T2', AT)));
    expect(again.filter(Boolean)).toHaveLength(1);
    await audit.record({ at: AT, actor: 'U0DEV', verb: 'list', environment: 'qa-1', params: {}, outcome: 'ok', detail: null }, ['req-1', 'req-1']);
    await batched.commit();
    expect(await batched.claim('command:T2', AT)).toBe(false);
    expect(await audit.ownCall('req-1')).toMatchObject({ actor: 'U0DEV', verb: 'list' });
    expect(await audit.page({ environment: 'qa-1' }, 10, 0)).toMatchObject({ total: 1 });
    expect(await audit.environments()).toEqual(['qa-1']);
    expect(await audit.lastActivity('qa-1', ['scheduler'])).toBe(AT);
    expect(errors).toEqual([]);
    expect(await audit.pruneBefore('2027-01-01T00:00:00.000Z')).toBe(1);
    expect(await audit.ownCall('req-1')).toBeUndefined();
  });

  it('post a digest once per channel and day, and take over a failed one', async () => {
    const notices = new NoticesStore(database);
    const now = new Date(AT);
    const claims = await Promise.all(Array.from({ length: RACERS }, () => notices.claimDigest('C0DIGEST', '2026-12-02', now)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    await notices.finishDigest('C0DIGEST', '2026-12-02', { status: 'failed', messages: 0, detail: 'Slack was down' });
    const retries = await Promise.all(Array.from({ length: RACERS }, () => notices.claimDigest('C0DIGEST', '2026-12-02', now)));
    expect(retries.filter(Boolean)).toHaveLength(1);
    await notices.finishDigest('C0DIGEST', '2026-12-02', { status: 'posted', ts: '1.2', messages: 1 });
    expect(await notices.claimDigest('C0DIGEST', '2026-12-02', now)).toBe(false);
    expect(await notices.digestPost('C0DIGEST', '2026-12-02')).toMatchObject({ status: 'posted', ts: '1.2' });

    const alert = { environment: 'qa-1', windowStartMs: 1000, channel: 'C0', recentDollars: 10, baselineDollars: 1, at: AT };
    expect((await Promise.all([notices.claimAnomalyAlert(alert), notices.claimAnomalyAlert(alert)])).filter(Boolean)).toHaveLength(1);
    await notices.releaseAnomalyAlert(alert);
    expect(await notices.claimAnomalyAlert(alert)).toBe(true);
    const live = { alertKey: 'k1', channel: 'C0', environment: 'qa-1', atMs: 5 };
    expect(await notices.claimLiveAlert(live)).toBe(true);
    expect(await notices.claimLiveAlert(live)).toBe(false);
    await notices.snooze('qa-1', new Date('2026-12-09T00:00:00Z'), 'U0DEV', now);
    expect((await notices.snoozes(now)).get('qa-1')?.toISOString()).toBe('2026-12-09T00:00:00.000Z');
    await notices.trackDegraded(['qa-1', 'qa-2'], [], now);
    await notices.trackDegraded([], ['qa-2'], now);
    expect([...(await notices.degradedSince()).keys()]).toEqual(['qa-1']);
    expect(await notices.pruneLiveAlerts(new Date(10))).toBe(1);
  });

  it('claim a Cost Explorer run once per account and day, and sum what it billed', async () => {
    const actuals = new CostActualsStore(database);
    const now = new Date(AT);
    const claims = await Promise.all(Array.from({ length: RACERS }, () => actuals.claim('111111111111', '2026-12-02', now)));
    const claim = claims.find((c) => c !== null);
    expect(claims.filter((c) => c !== null)).toHaveLength(1);
    const days = [
      { day: '2026-12-01', environment: 'qa-1', dollars: 1.5, estimated: false },
      { day: '2026-12-01', environment: 'untagged', dollars: 0.25, estimated: true },
    ];
    await actuals.save(claim!, { first: '2026-12-01', last: '2026-12-01' }, days, 1, '2026-11-30', now);
    expect(await actuals.billed({ first: '2026-12-01', last: '2026-12-01' })).toEqual(
      new Map([
        ['qa-1', { dollars: 1.5, estimated: false }],
        ['untagged', { dollars: 0.25, estimated: true }],
      ]),
    );
    expect((await actuals.billedByDay({ first: '2026-12-01', last: '2026-12-01' })).get('2026-12-01')?.get('qa-1')).toEqual({ dollars: 1.5, estimated: false });
    expect(await actuals.lastAsk('111111111111')).toMatchObject({ pages: 1, finalThrough: '2026-11-30' });
  });

  it('keep the inventory, cost samples, stopped tasks, trail, schedules, grants, lease and followed rollouts', async () => {
    const inventory = await InventoryStore.load(database);
    await inventory.replaceLocation('111111111111', 'us-east-1', [service('web', 'qa-1'), service('api', 'qa-1', 2)]);
    await inventory.recordRefresh({ startedAt: AT, finishedAt: AT, trigger: 'test', awsCalls: 3, services: 2, errors: [], failedLocations: [] });
    await inventory.setDesired(service('web', 'qa-1').arn, 0);
    const reloaded = await InventoryStore.load(database);
    expect(reloaded.services().map((s) => [s.name, s.desired]).sort()).toEqual([
      ['api', 2],
      ['web', 0],
    ]);
    expect(await reloaded.lastSuccessfulRefreshAt()).toBe(AT);

    const history = new CostHistoryStore(database);
    expect(await history.record([{ service: service('web', 'qa-1'), parkedDesired: 1 }], 600_000)).toEqual({ started: 1, extended: 0, skipped: 0 });
    expect(await history.runCount()).toBe(1);
    expect(await history.parkedAt({ accountId: null, region: 'us-east-1', cluster: 'c', service: 'web' }, new Date(AT), 600_000)).toBe(true);

    const stopped = new StoppedTasksStore(database);
    await stopped.record([{ taskArn: 't1', serviceArn: 's1', stoppedAt: AT, stopCode: 'EssentialContainerExited', stoppedReason: 'exit 1', memoryMiB: 512, containers: [{ name: 'app', exitCode: 1, reason: null, image: null }] }], new Date(AT));
    expect(await stopped.has('t1')).toBe(true);
    expect((await stopped.forService('s1'))[0]?.containers).toEqual([{ name: 'app', exitCode: 1, reason: null, image: null }]);

    const trail = new TrailStore(database);
    const location = { account: '111111111111', region: 'us-east-1', eventSource: 'ecs.amazonaws.com' };
    const event = {
      eventId: 'e1',
      at: new Date(AT),
      accountId: '111111111111',
      region: 'us-east-1',
      what: { environment: 'qa-1' },
      who: { kind: 'iam-user' },
      failed: false,
      flags: ['scale-to-zero'],
    } as never;
    expect(await trail.save(location, [event, event], { startMs: 1, endMs: 2, requests: 1, events: 1 })).toBe(1);
    expect(await trail.save(location, [event], { startMs: 5, endMs: 6, requests: 1, events: 1 })).toBe(0);
    expect(await trail.cursor(location)).toMatchObject({ startMs: 1, endMs: 6 });
    expect((await trail.flaggedSince(new Date(0))).map((e) => e.eventId)).toEqual(['e1']);
    expect((await trail.lastChanges(new Date(0))).get('qa-1')?.toISOString()).toBe(AT);

    const schedules = new SchedulesStore(database);
    await schedules.setSchedule({ environment: 'qa-1', schedule: 'weekdays 08:00-18:00 UTC', setBy: 'U0DEV', setAt: AT });
    expect((await schedules.settings()).get('qa-1')?.schedule).toBe('weekdays 08:00-18:00 UTC');
    await schedules.openOverride('qa-1', { kind: 'up', until: new Date('2026-12-02T20:00:00Z'), reason: 'extend' }, 'U0DEV', AT);
    await schedules.openOverride('qa-1', { kind: 'up', until: new Date('2026-12-02T21:00:00Z'), reason: 'extend' }, 'U0DEV', AT);
    expect((await schedules.openOverrides()).get('qa-1')?.until).toBe('2026-12-02T21:00:00.000Z');
    await schedules.setLastTick(new Date(AT));
    expect((await schedules.lastTick())?.toISOString()).toBe(AT);

    const grants = new GrantsStore(database);
    const grant = await grants.add({ userId: 'U0DEV', role: 'operator', environments: 'qa-*', grantedBy: 'U0ADMIN', createdAt: AT, expiresAt: '2026-12-03T00:00:00.000Z' });
    expect(await grants.active(AT)).toEqual([{ userId: 'U0DEV', role: 'operator', environments: 'qa-*' }]);
    await grants.revoke([grant.id], 'U0ADMIN', AT);
    expect(await grants.active(AT)).toEqual([]);
    // A prepared read inside a transaction reads in it (Postgres: on its connection, not the pool's), and its rollback undoes it.
    await expect(
      database.transaction(async () => {
        await grants.add({ userId: 'U0TX', role: 'viewer', environments: '*', grantedBy: 'U0ADMIN', createdAt: AT, expiresAt: '2026-12-03T00:00:00.000Z' });
        expect(await grants.active(AT)).toEqual([{ userId: 'U0TX', role: 'viewer', environments: '*' }]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await grants.active(AT)).toEqual([]);

    const lease = new LeaseStore(database);
    const takes = await Promise.all(Array.from({ length: RACERS }, (_, i) => lease.take(`holder-${i}`, 1000, 30_000)));
    expect(takes.filter(Boolean)).toHaveLength(1);
    await lease.probeWrite(1000);

    const follows = new RolloutFollowsStore(database);
    const follow = { operationId: 7, verb: 'restart' as const, channel: 'C0', messageTs: '1.1', since: AT, readAfter: AT, deadline: AT, services: [{ arn: 'a', account: '1', region: 'r', name: 'web', line: null }] };
    await follows.add(follow);
    await follows.add(follow);
    expect(await follows.open()).toHaveLength(1);
    await follows.end(7);
    expect(await follows.open()).toEqual([]);
  });
});

describe('the Postgres URL', () => {
  it('is told from a SQLite path, and its password never shown', async () => {
    const { isPostgresUrl, redactedUrl } = await import('../../src/store/pg/database.js');
    expect(isPostgresUrl('postgres://u:p@h/d')).toBe(true);
    expect(isPostgresUrl('postgresql://u@h/d')).toBe(true);
    expect(isPostgresUrl('./data/dockhand.db')).toBe(false);
    expect(redactedUrl('postgres://dockhand:hunter2@db:5432/dockhand')).toBe('postgres://dockhand:***@db:5432/dockhand');
  });
});
