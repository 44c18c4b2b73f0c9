import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startSandbox } from '../../dev/sandbox/index.js';
import { openSqlite } from '../../src/store/db.js';
import { LeaseStore } from '../../src/store/lease-store.js';
import { SchedulesStore } from '../../src/store/schedules-store.js';
import { startFakeSlack } from '../support/fake-slack.js';
import { SIGNING_SECRET, TEST_POLICY } from '../support/harness.js';
import { sample } from '../support/metrics-text.js';
import { spawnDockhand, type DockhandChild } from '../support/spawn-dockhand.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

const hhmm = (at: Date) => at.toISOString().slice(11, 16);

async function get(child: DockhandChild, path: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`http://127.0.0.1:${child.port}${path}`);
  return { status: response.status, text: await response.text() };
}

describe('two dockhand processes on one database', () => {
  it('runs jobs in exactly one; the other waits, takes over after a kill -9 within the lease, and nothing is parked twice', async () => {
    const sandbox = await startSandbox({ convergeDelayMs: 0 });
    const slack = await startFakeSlack();
    const dir = mkdtempSync(join(tmpdir(), 'dockhand-lease-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }), () => sandbox.close(), () => slack.close());
    const dbPath = join(dir, 'dockhand.db');

    // qa-1's hours ended a few minutes ago, and the last tick was before that: the first instance to run its
    // scheduler parks qa-1 (catching up on the edge). Two schedulers would both do it.
    const now = Date.now();
    const end = new Date(Math.floor((now - 4 * 60_000) / 60_000) * 60_000);
    const policy = `${TEST_POLICY}
schedules:
  grace_minutes: 0
  defaults:
    - environments: [qa-1]
      schedule: "mon-sun ${hhmm(new Date(end.getTime() - 2 * 3600_000))}-${hhmm(end)} UTC"
`;
    const db = openSqlite(dbPath);
    cleanup.push(() => void db.db.$client.close());
    await new SchedulesStore(db).setLastTick(new Date(end.getTime() - 5 * 60_000));
    const lease = new LeaseStore(db);
    const qa1 = sandbox.services().filter((s) => s.tags.environment === 'qa-1');
    const isQa1Update = (r: { operation: string; params: unknown }) => r.operation === 'UpdateService' && qa1.some((s) => [s.name, s.arn].includes(String((r.params as { service?: string }).service)));
    const qa1UpdateServices = () => sandbox.requests.filter(isQa1Update).length;
    // The first instance's park stays in flight until the second is up: both are running at the edge.
    const hold = sandbox.hold(isQa1Update);
    const qa1Desired = () => sandbox.services().filter((s) => s.tags.environment === 'qa-1').map((s) => s.desiredCount);

    const config = { dbPath, sandboxUrl: sandbox.url, slackApiUrl: slack.apiUrl, signingSecret: SIGNING_SECRET, policy, refreshEveryMs: 60_000, schedulerTick: '* * * * * *', logLevel: 'info' };
    const first = await spawnDockhand(config);
    cleanup.push(() => first.kill());
    await first.active;
    await hold.reached;
    const second = await spawnDockhand(config);
    cleanup.push(() => second.kill());
    const firstHolder = (await lease.current())?.holder;
    expect(firstHolder).toMatch(/^.+\/\d+\/[0-9a-f]{8}$/);

    // The second says who holds the lease and serves only "not ready"; the first parks qa-1, once.
    await vi.waitFor(() => expect(second.stderr()).toContain('another dockhand instance holds the lease; waiting'), { timeout: 5000 });
    hold.release();
    expect(qa1Desired()).toHaveLength(5);
    await vi.waitFor(() => expect(qa1Desired().every((d) => d === 0)).toBe(true), { timeout: 20_000 });
    expect(qa1UpdateServices()).toBe(5);
    expect(second.stderr()).toContain(firstHolder);
    const waiting = await get(second, '/health/ready');
    expect(waiting.status).toBe(503);
    expect(JSON.parse(waiting.text)).toMatchObject({ failing: ['lease'], checks: { lease: { ok: false, state: 'waiting' } } });
    expect((await get(second, '/health/live')).status).toBe(200);
    expect((await get(first, '/health/ready')).status).toBe(200);
    const secondMetrics = (await get(second, '/metrics')).text;
    expect(sample(secondMetrics, 'dockhand_instance_lease_held')).toBe(0);
    expect(secondMetrics).not.toContain('dockhand_aws_calls_total{');
    expect(sample((await get(first, '/metrics')).text, 'dockhand_instance_lease_held')).toBe(1);

    // kill -9: no release, so the second must wait out the lease (3 s in TEST_POLICY), then take over.
    const before = (await lease.current());
    await first.kill();
    await vi.waitFor(() => second.active, { timeout: 15_000 });
    await second.active;
    const taken = await lease.current();
    expect(taken?.holder).not.toBe(firstHolder);
    expect(taken?.acquiredAt).toBeGreaterThanOrEqual(before?.expiresAt ?? Infinity);
    await vi.waitFor(async () => expect((await get(second, '/health/ready')).status).toBe(200), { timeout: 10_000 });

    // The second's scheduler runs now (its ticks move the stored last tick) and does not park qa-1 again.
    const takenAt = taken?.acquiredAt ?? 0;
    await vi.waitFor(async () => expect((await new SchedulesStore(db).lastTick())?.getTime() ?? 0).toBeGreaterThan(takenAt + 1000), { timeout: 15_000 });
    expect(qa1UpdateServices()).toBe(5);
    expect(qa1Desired().every((d) => d === 0)).toBe(true);
  }, 90_000);
});
