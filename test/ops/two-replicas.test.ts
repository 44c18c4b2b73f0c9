import { afterAll, describe, expect, it, vi } from 'vitest';
import pg from 'pg';
import { demoFleet, generatedFleet } from '../../dev/sandbox/fleet.js';
import { startSandbox, type Sandbox } from '../../dev/sandbox/index.js';
import { openPostgresDatabase } from '../../src/store/pg/database.js';
import { SchedulesStore } from '../../src/store/schedules-store.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { SIGNING_SECRET, TEST_POLICY } from '../support/harness.js';
import { testPostgres } from '../support/postgres.js';
import { clickButton, sendCommand } from '../support/slack-requests.js';
import { spawnDockhand, type DockhandChild } from '../support/spawn-dockhand.js';

/**
 * Two real dockhand processes on one Postgres database, driven through their receivers (signed requests to
 * each one's /slack/events), against one sandbox and one fake Slack. Counts, not timings: what reached AWS,
 * what reached Slack, the rows in the database.
 */
const server = await testPostgres();

const cleanup: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

interface Pair {
  url: string;
  sql: pg.Pool;
  sandbox: Sandbox;
  slack: FakeSlack;
  config: Record<string, unknown>;
  /** The first process: it took the lease and runs the jobs. */
  leader: DockhandChild;
  follower: DockhandChild;
}

interface PairOptions {
  policy?: string;
  fleet?: ReturnType<typeof demoFleet>;
  schedulerTick?: string;
  reportJobs?: boolean;
  /** Sets up fake Slack's answers before either process starts. */
  onSlack?: (slack: FakeSlack) => void;
  /** Runs once the schema is there, before any dockhand starts (e.g. a last scheduler tick). */
  before?: (url: string) => Promise<void>;
  /** Runs once the leader is active, before the follower starts (e.g. waits for a hold to be reached). */
  betweenStarts?: (pair: Omit<Pair, 'follower'>) => Promise<void>;
}

async function get(child: DockhandChild, path: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`http://127.0.0.1:${child.port}${path}`, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, text: await response.text() };
}

async function count(sql: pg.Pool, query: string, params: unknown[] = []): Promise<number> {
  const { rows } = await sql.query<{ n: string }>(query, params);
  return Number(rows[0]?.n ?? 0);
}

/** A fresh database, sandbox and fake Slack; the leader started (and its first refresh stored), then the follower. */
async function startPair(options: PairOptions = {}): Promise<Pair> {
  const database = await server!.createDatabase();
  const sandbox = await startSandbox({ convergeDelayMs: 0, ...(options.fleet ? { fleet: options.fleet } : {}) });
  const slack = await startFakeSlack();
  cleanup.push(() => database.drop(), () => sandbox.close(), () => slack.close());
  options.onSlack?.(slack);
  // The schema first (migrations run on open), so the test can seed rows before either process starts.
  const schema = await openPostgresDatabase(database.url);
  if (options.before) await options.before(database.url);
  await schema.close();
  const sql = new pg.Pool({ connectionString: database.url, max: 4 });
  cleanup.push(() => sql.end());
  const config = {
    databaseUrl: database.url,
    sandboxUrl: sandbox.url,
    slackApiUrl: slack.apiUrl,
    signingSecret: SIGNING_SECRET,
    policy: options.policy ?? TEST_POLICY,
    refreshEveryMs: 60_000,
    logLevel: 'info',
    ...(options.schedulerTick ? { schedulerTick: options.schedulerTick } : {}),
    ...(options.reportJobs ? { reportJobs: true } : {}),
  };
  const leader = await spawnDockhand(config);
  cleanup.push(() => leader.kill());
  await leader.active;
  await vi.waitFor(async () => expect(await count(sql, 'select count(*) as n from inventory_refreshes')).toBeGreaterThan(0), { timeout: 20_000 });
  await options.betweenStarts?.({ url: database.url, sql, sandbox, slack, config, leader });
  const follower = await spawnDockhand(config);
  cleanup.push(() => follower.kill());
  return { url: database.url, sql, sandbox, slack, config, leader, follower };
}

/** The sandbox's services of an environment (by its environment tag). */
function servicesOf(sandbox: Sandbox, environment: string) {
  return sandbox.services().filter((s) => s.tags.environment === environment);
}

/** UpdateService requests that reached the sandbox for an environment's services (optionally: to this desired count). */
function updatesOf(sandbox: Sandbox, environment: string, desiredCount?: number) {
  const services = servicesOf(sandbox, environment);
  return sandbox.requests.filter((r) => {
    if (r.operation !== 'UpdateService' || r.error) return false;
    const params = r.params as { service?: string; cluster?: string; desiredCount?: number };
    const service = services.find((s) => [s.name, s.arn].includes(String(params.service)) && (params.cluster === s.cluster || String(params.cluster).endsWith(`/${s.cluster}`)));
    return service !== undefined && (desiredCount === undefined || params.desiredCount === desiredCount);
  });
}

/** The lease row as the database holds it. */
async function leaseRow(sql: pg.Pool): Promise<Record<string, unknown> | undefined> {
  return (await sql.query('select * from instance_lease')).rows[0] as Record<string, unknown> | undefined;
}

const hhmm = (at: Date) => at.toISOString().slice(11, 16);

describe.skipIf(!server)('two dockhand replicas on one Postgres', () => {
  it('20 concurrent Approve clicks, split across both receivers, run the approved stop once and answer every clicker truthfully', async () => {
    const approvers = Array.from({ length: 20 }, (_, i) => `U0AP${String(i + 1).padStart(2, '0')}`);
    const pair = await startPair();
    const { sandbox, slack, sql, leader, follower } = pair;
    slack.respond('usergroups.list', { ok: true, usergroups: [{ id: 'S0PLATFORM', users: approvers }] });
    // Every replica serves Slack: the follower is ready too.
    await vi.waitFor(async () => expect((await get(follower, '/health/ready')).status).toBe(200), { timeout: 20_000 });

    const prodServices = servicesOf(sandbox, 'prod');
    expect(prodServices).toHaveLength(8);
    const { ack } = await sendCommand(follower.eventsUrl, slack, 'U0DEV', 'stop prod');
    expect(ack.status).toBe(200);
    const request = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0APPROVALS', 15_000);
    const actions = (request.body.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find((b) => b.type === 'actions');
    const id = actions?.elements?.find((e) => e.action_id === 'approval_approve')?.value;
    expect(id).toMatch(/^\d+$/);
    expect(updatesOf(sandbox, 'prod')).toHaveLength(0);

    // 20 people click Approve at once, 10 through each replica.
    const clicks = await Promise.all(approvers.map((user, i) => clickButton((i % 2 === 0 ? leader : follower).eventsUrl, slack, user, 'approval_approve', String(id))));
    expect(clicks.map((c) => c.ack.status)).toEqual(approvers.map(() => 200));
    const answers = await Promise.all(clicks.map(async ({ responseId }) => String((await slack.waitFor((c) => c.method === 'response_url' && c.responseId === responseId, 30_000)).body.text)));

    const won = answers.map((text, i) => ({ text, user: approvers[i]! })).filter((a) => a.text.startsWith('You approved'));
    expect(won, answers.join('\n')).toHaveLength(1);
    const winner = won[0]!;
    expect(winner.text).toMatch(new RegExp(`^You approved request #${id}\\. Operation #\\d+: succeeded, 8/8 services done\\.$`));
    const others = answers.filter((text) => text !== winner.text);
    expect(others).toHaveLength(19);
    for (const text of others) expect(text).toBe(`Not counted: request #${id} was already approved by <@${winner.user}>.`);

    // Once: 8 UpdateService calls to 0, one operation, one approval decision in the audit trail.
    expect(updatesOf(sandbox, 'prod', 0)).toHaveLength(8);
    expect(updatesOf(sandbox, 'prod')).toHaveLength(8);
    expect(servicesOf(sandbox, 'prod').every((s) => s.desiredCount === 0)).toBe(true);
    expect(await count(sql, `select count(*) as n from operations where environment = 'prod'`)).toBe(1);
    await vi.waitFor(async () => expect(await count(sql, `select count(*) as n from audit_log where environment = 'prod' and outcome = 'approved'`)).toBe(1), { timeout: 10_000 });
    const outcomes = slack.calls.filter((c) => c.method === 'chat.update' && c.body.channel === 'C0APPROVALS' && /Approved by <@U0AP\d\d>\. Operation #\d+: succeeded/.test(JSON.stringify(c.body.blocks)));
    expect(outcomes).toHaveLength(1);
    expect(JSON.stringify(outcomes[0]?.body.blocks)).toContain(`Approved by <@${winner.user}>.`);
  }, 60_000);

  it('acts on a schedule edge once, with both processes configured to tick every second, also after a takeover', async () => {
    // qa-1's hours ended a few minutes ago and the last tick was before that: whichever scheduler runs parks it.
    const end = new Date(Math.floor((Date.now() - 4 * 60_000) / 60_000) * 60_000);
    const policy = `${TEST_POLICY}
schedules:
  grace_minutes: 0
  defaults:
    - environments: [qa-1]
      schedule: "mon-sun ${hhmm(new Date(end.getTime() - 2 * 3600_000))}-${hhmm(end)} UTC"
`;
    let hold: ReturnType<Sandbox['hold']> | undefined;
    const pair = await startPair({
      policy,
      schedulerTick: '* * * * * *',
      before: async (url) => {
        const db = await openPostgresDatabase(url);
        await new SchedulesStore(db).setLastTick(new Date(end.getTime() - 5 * 60_000));
        await db.close();
      },
      // The park stays in flight until the follower is up and ticking: both are running at the edge.
      betweenStarts: async ({ sandbox }) => {
        const qa1 = servicesOf(sandbox, 'qa-1');
        hold = sandbox.hold((r) => r.operation === 'UpdateService' && qa1.some((s) => [s.name, s.arn].includes(String((r.params as { service?: string }).service))));
        await hold.reached;
      },
    });
    const { sandbox, sql, leader, follower } = pair;
    await vi.waitFor(async () => expect((await get(follower, '/health/ready')).status).toBe(200), { timeout: 20_000 });
    hold!.release();
    const qa1 = servicesOf(sandbox, 'qa-1');
    expect(qa1).toHaveLength(5);
    await vi.waitFor(() => expect(servicesOf(sandbox, 'qa-1').every((s) => s.desiredCount === 0)).toBe(true), { timeout: 20_000 });
    expect(updatesOf(sandbox, 'qa-1')).toHaveLength(5);
    expect(await count(sql, `select count(*) as n from operations where environment = 'qa-1'`)).toBe(1);

    // The leader dies; the follower's scheduler takes over, ticks past the takeover, and does not park qa-1 again.
    const before = await leaseRow(sql);
    await leader.kill();
    await vi.waitFor(() => follower.active, { timeout: 20_000 });
    await follower.active;
    const taken = await leaseRow(sql);
    expect(taken?.holder).not.toBe(before?.holder);
    const takenAt = Number(taken?.acquired_at ?? 0);
    const db = await openPostgresDatabase(pair.url);
    cleanup.push(() => db.close());
    await vi.waitFor(async () => expect((await new SchedulesStore(db).lastTick())?.getTime() ?? 0).toBeGreaterThan(takenAt + 1000), { timeout: 15_000 });
    expect(updatesOf(sandbox, 'qa-1')).toHaveLength(5);
    expect(await count(sql, `select count(*) as n from operations where environment = 'qa-1'`)).toBe(1);
  }, 60_000);

  it('kill -9 of the leader mid-park of an 8-service environment: the follower takes over, finishes the park from the journal once, and start restores it exactly', async () => {
    // demo fleet + env-001: 8 services, desired 1..8, so the park records' counts are each service's own.
    const fleet = demoFleet();
    const extra = generatedFleet({ environments: 1, servicesPerEnvironment: 8, prodEvery: 0 }).clusters;
    extra.forEach((cluster) => cluster.services.forEach((service, i) => Object.assign(service, { desired: i + 1, running: i + 1 })));
    fleet.clusters.push(...extra);
    const pair = await startPair({ fleet });
    const { sandbox, slack, sql, leader, follower } = pair;
    const env = servicesOf(sandbox, 'env-001');
    expect(env).toHaveLength(8);
    const original = new Map(env.map((s) => [s.arn, s.desiredCount]));
    expect([...original.values()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    await vi.waitFor(async () => expect((await get(follower, '/health/ready')).status).toBe(200), { timeout: 20_000 });

    // Four services' UpdateService calls never come back while the leader lives: it dies with them in flight.
    const stalled = new Set(env.slice(4).map((s) => s.name));
    let killed = false;
    let heldArrived = 0;
    const hold = sandbox.hold((r) => {
      const held = !killed && r.operation === 'UpdateService' && stalled.has(String((r.params as { service?: string }).service));
      if (held) heldArrived += 1;
      return held;
    });
    // Held calls of the dead leader stay unanswered until the sandbox closes (after the assertions).
    cleanup.push(() => hold.release());
    const { ack } = await sendCommand(leader.eventsUrl, slack, 'U0DEV', 'stop env-001');
    expect(ack.status).toBe(200);
    await vi.waitFor(() => {
      expect(heldArrived).toBe(4);
      expect(updatesOf(sandbox, 'env-001', 0)).toHaveLength(4);
    }, { timeout: 20_000 });
    expect(await count(sql, `select count(*) as n from parked_services where environment = 'env-001'`)).toBe(8);

    const before = await leaseRow(sql);
    await leader.kill();
    killed = true;
    // The follower takes the lease once it expired (TEST_POLICY: 3 s) and becomes the one running jobs.
    await vi.waitFor(() => follower.active, { timeout: 30_000 });
    await follower.active;
    const taken = await leaseRow(sql);
    expect(taken?.holder).not.toBe(before?.holder);
    expect(Number(taken?.acquired_at)).toBeGreaterThanOrEqual(Number(before?.expires_at));
    if (before && 'token' in before) expect(Number(taken?.token)).toBeGreaterThan(Number(before.token));

    // It finishes the park from the journal: every service at 0, one UpdateService to 0 per service in all.
    await vi.waitFor(() => expect(servicesOf(sandbox, 'env-001').every((s) => s.desiredCount === 0)).toBe(true), { timeout: 30_000 });
    await vi.waitFor(async () => expect(await count(sql, `select count(*) as n from operations where environment = 'env-001' and status = 'succeeded'`)).toBe(1), { timeout: 15_000 });
    expect(await count(sql, `select count(*) as n from operations where environment = 'env-001'`)).toBe(1);
    // A step whose call landed before the kill but was not journalled as done is resumed as "already parked" (skipped).
    expect(await count(sql, `select count(*) as n from operation_steps s join operations o on o.id = s.operation_id where o.environment = 'env-001' and s.status in ('done', 'skipped')`)).toBe(8);
    const zeros = updatesOf(sandbox, 'env-001', 0);
    expect(zeros).toHaveLength(8);
    expect(new Set(zeros.map((r) => String((r.params as { service?: string }).service))).size).toBe(8);
    expect(updatesOf(sandbox, 'env-001')).toHaveLength(8);

    // The park records hold the original counts, not the half-parked state.
    const records = (await sql.query<{ service_arn: string; desired: number }>(`select service_arn, desired from parked_services where environment = 'env-001'`)).rows;
    expect(new Map(records.map((r) => [r.service_arn, Number(r.desired)]))).toEqual(original);

    // A later start (through the new leader's receiver) restores them exactly.
    const { ack: startAck } = await sendCommand(follower.eventsUrl, slack, 'U0DEV', 'start env-001');
    expect(startAck.status).toBe(200);
    await vi.waitFor(async () => expect(await count(sql, `select count(*) as n from operations where environment = 'env-001' and verb = 'start' and status = 'succeeded'`)).toBe(1), { timeout: 20_000 });
    expect(new Map(servicesOf(sandbox, 'env-001').map((s) => [s.arn, s.desiredCount]))).toEqual(original);
    expect(await count(sql, `select count(*) as n from parked_services where environment = 'env-001'`)).toBe(0);
    expect(updatesOf(sandbox, 'env-001')).toHaveLength(16);
  }, 90_000);

  it('posts a digest once per channel and day with both replicas running its cron every second, also across a takeover right after a post', async () => {
    // A zone where the local date does not change during the test.
    const hour = new Date().getUTCHours();
    const zone = hour >= 1 && hour <= 22 ? 'UTC' : 'Asia/Tokyo';
    const policy = `${TEST_POLICY}
digests:
  - channel: C0DIGEST
    environments: ["*"]
    cron: "* * * * * *"
    time_zone: ${zone}
  - channel: C0DIGEST2
    environments: ["*"]
    cron: "* * * * * *"
    time_zone: ${zone}
`;
    // C0DIGEST2's post reaches Slack and never answers: the leader dies right after posting it.
    let answerHanging: () => void = () => undefined;
    const hanging = new Promise<void>((resolve) => (answerHanging = resolve));
    cleanup.push(() => answerHanging());
    let ts = 0;
    const respondPosts = (slack: FakeSlack) =>
      slack.respond('chat.postMessage', async ({ body }) => {
        const answer = { ok: true, channel: String(body.channel), ts: `${Math.floor(Date.now() / 1000)}.${String(++ts).padStart(6, '0')}` };
        if (body.channel === 'C0DIGEST2') await hanging;
        return answer;
      });
    // The digest's main message (live alerts go to the digests' channels too).
    const digestPosts = (slack: FakeSlack, channel: string) =>
      slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === channel && !c.body.thread_ts && String(c.body.text).startsWith('dockhand digest for '));
    const pair = await startPair({ policy, reportJobs: true, onSlack: respondPosts });
    const { slack, sql, leader, follower } = pair;
    await vi.waitFor(async () => expect((await get(follower, '/health/ready')).status).toBe(200), { timeout: 20_000 });
    // Each digest draws its chart first, one chart at a time: on a busy machine the second can take a while.
    await slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0DIGEST2' && String(c.body.text).startsWith('dockhand digest for '), 60_000);
    await vi.waitFor(async () => expect(await count(sql, `select count(*) as n from digest_posts where channel = 'C0DIGEST' and status = 'posted'`)).toBe(1), { timeout: 20_000 });

    /** Proves a digest run happened after now: a 90-day-old digest record gets pruned by the next post(). */
    const digestRunsAfterNow = async (marker: string) => {
      await sql.query(`insert into digest_posts (channel, local_date, status, claimed_at) values ($1, '2000-01-01', 'posted', '2000-01-01T00:00:00.000Z')`, [marker]);
      await vi.waitFor(async () => expect(await count(sql, `select count(*) as n from digest_posts where channel = $1`, [marker])).toBe(0), { timeout: 20_000 });
    };
    expect(digestPosts(slack, 'C0DIGEST')).toHaveLength(1);
    expect(digestPosts(slack, 'C0DIGEST2')).toHaveLength(1);

    // kill -9 right after the C0DIGEST2 post went out (its row still "claimed"; well within Slack's 10 s request
    // deadline, after which the client would retry the post itself): the new leader's crons run and do not post again.
    await leader.kill();
    await vi.waitFor(() => follower.active, { timeout: 20_000 });
    await follower.active;
    await digestRunsAfterNow('C0MARK3');
    await digestRunsAfterNow('C0MARK4');
    await digestRunsAfterNow('C0MARK5');
    expect(digestPosts(slack, 'C0DIGEST')).toHaveLength(1);
    expect(digestPosts(slack, 'C0DIGEST2')).toHaveLength(1);
    expect(await count(sql, `select count(*) as n from digest_posts where channel in ('C0DIGEST', 'C0DIGEST2')`)).toBe(2);
  }, 150_000);

  it('files requests once across both receivers: 10 after-hours extensions with distinct ends make one request, 12 distinct scales five', async () => {
    // qa-1 is up outside its hours (a minute a day, six hours from now), so extending it needs a lead.
    const now = Date.now();
    const policy = `${TEST_POLICY.replace('protect:\n', 'protect:\n  - environments: ["qa-*"]\n    after_hours_approval: [extend]\n')}
schedules:
  grace_minutes: 1440
  defaults:
    - environments: [qa-1]
      schedule: "mon-sun ${hhmm(new Date(now + 6 * 3600_000))}-${hhmm(new Date(now + 6 * 3600_000 + 60_000))} UTC"
`;
    const { slack, sql, leader, follower } = await startPair({ policy });
    slack.respond('usergroups.list', { ok: true, usergroups: [{ id: 'S0PLATFORM', users: ['U0LEE', 'U0KIM'] }] });
    await vi.waitFor(async () => expect((await get(follower, '/health/ready')).status).toBe(200), { timeout: 20_000 });
    const answersOf = (sent: Array<{ responseId: string }>) => Promise.all(sent.map(async ({ responseId }) => String((await slack.waitFor((c) => c.method === 'response_url' && c.responseId === responseId, 30_000)).body.text)));
    const on = (i: number) => (i % 2 === 0 ? leader : follower).eventsUrl;

    const extensions = await answersOf(await Promise.all(Array.from({ length: 10 }, (_, i) => sendCommand(on(i), slack, 'U0MARIA', `extend qa-1 until ${hhmm(new Date(now + 2 * 3600_000 + i * 60_000))}`))));
    expect(extensions.filter((a) => /needs a second person: request #\d+/.test(a))).toHaveLength(1);
    expect(extensions.filter((a) => /is already waiting for approval/.test(a))).toHaveLength(9);
    expect(await count(sql, `select count(*) as n from approvals where requested_by = 'U0MARIA' and status = 'pending'`)).toBe(1);

    const scales = await answersOf(await Promise.all(Array.from({ length: 12 }, (_, i) => sendCommand(on(i), slack, 'U0DEV', `scale prod-eu api ${i + 2}`))));
    expect(scales.filter((a) => a.includes('You already have 5 requests waiting for approval (at most 5 at once)'))).toHaveLength(7);
    expect(await count(sql, `select count(*) as n from approvals where requested_by = 'U0DEV' and status = 'pending'`)).toBe(5);
    expect(slack.callsTo('chat.postMessage').filter((c) => c.body.channel === 'C0APPROVALS')).toHaveLength(6);
  }, 90_000);
});
