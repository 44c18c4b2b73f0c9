import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { SandboxError } from '../../dev/sandbox/index.js';
import { openSqlite, type Database } from '../../src/store/db.js';
import { LeaseStore } from '../../src/store/lease-store.js';
import { parsePolicy } from '../../src/config/load.js';
import { SIGNING_SECRET, startHarness, TEST_POLICY, type Harness } from '../support/harness.js';
import { sample } from '../support/metrics-text.js';
import { postSigned, slashCommandBody } from '../support/signed-request.js';
import { askPrivately, sendCommand } from '../support/slack-requests.js';

let h: Harness;
let db: Database;
const clock = new ManualClock(Date.now());

beforeAll(async () => {
  // Each /env refresh here must read AWS: no cooldown.
  h = await startHarness({ clock, scheduler: false, policy: parsePolicy(`${TEST_POLICY}inventory:\n  refresh_cooldown_seconds: 0\n`) });
  db = openSqlite(h.dbPath);
});
afterAll(async () => {
  db.db.$client.close();
  await h.close();
});
beforeEach(() => h.slack.reset());

interface HealthBody {
  status: string;
  failing: string[];
  checks: Record<string, { ok: boolean; [key: string]: unknown }>;
}

async function health(path = '/health'): Promise<{ status: number; text: string; body: HealthBody }> {
  const response = await fetch(`${h.baseUrl}${path}`);
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as HealthBody };
}

async function scrape(): Promise<string> {
  const response = await fetch(`${h.baseUrl}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

describe('/health tells the truth', () => {
  it('turns 503 naming the inventory when refreshes keep failing, without the AWS error, and recovers', async () => {
    expect((await health()).status).toBe(200);
    h.sandbox.failOn((request) => (request.service === 'ecs' ? new SandboxError('AccessDeniedException', 'User: arn:aws:iam::111111111111:user/ci is not authorized to perform ecs:ListClusters') : undefined));
    await askPrivately(h.eventsUrl, h.slack, 'U0ADMIN', 'refresh');
    // One failed refresh is not yet stale: the last good one is younger than three intervals (3 × 60 s).
    expect((await health()).status).toBe(200);
    clock.advance(181_000);
    await askPrivately(h.eventsUrl, h.slack, 'U0ADMIN', 'refresh');
    const stale = await health();
    expect(stale.status).toBe(503);
    expect(stale.body.failing).toEqual(['inventory']);
    expect(stale.body.checks.inventory).toMatchObject({ ok: false, max_age_seconds: 180, failed_locations_last_refresh: 2 });
    expect(stale.text).not.toMatch(/111111111111|AccessDenied|not authorized|U0ADMIN|sandbox/);
    expect((await health('/health/ready')).status).toBe(503);
    expect((await health('/health/live')).status).toBe(200);

    h.sandbox.clearFaults();
    await askPrivately(h.eventsUrl, h.slack, 'U0ADMIN', 'refresh');
    expect((await health()).status).toBe(200);
  });

  it('turns 503 naming the lease when another instance takes it over, stops serving Slack, and recovers', async () => {
    const lease = new LeaseStore(db);
    const holder = (await lease.current())?.holder;
    expect(holder).toBe(h.dockhand.lease.holder);
    // Another instance whose clock says dockhand's lease has expired takes it over.
    expect((await lease.take('intruder/1/abcd', clock.now().getTime() + 10_000, 60_000))).toBe(true);
    await vi.waitFor(async () => expect((await health()).status).toBe(503), { timeout: 5000 });
    const lost = await health();
    expect(lost.body.failing).toEqual(['lease']);
    expect(lost.body.checks.lease).toEqual({ ok: false, state: 'lost' });
    const body = slashCommandBody({ text: 'list', user_id: 'U0MARIA', response_url: h.slack.responseUrl('while-lost') });
    expect((await postSigned(h.eventsUrl, SIGNING_SECRET, body)).status).toBe(503);

    await lease.release('intruder/1/abcd', clock.now().getTime());
    await vi.waitFor(async () => expect((await health()).status).toBe(200), { timeout: 5000 });
    expect((await lease.current())?.holder).toBe(holder);
    expect(h.dockhand.lease.status).toBe('held');
    await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'list');
  });
});

describe('/metrics', () => {
  it("names prom-client's process and Node metrics dockhand_process_… and dockhand_nodejs_…, the prefix not doubled", async () => {
    const text = await scrape();
    expect(text).toMatch(/^dockhand_process_cpu_seconds_total /m);
    expect(text).toMatch(/^dockhand_nodejs_eventloop_lag_seconds /m);
    expect(text).not.toContain('dockhand_process_process_');
  });

  it('counts a stop and a start through the receiver: commands, operations, AWS calls, pending approvals', async () => {
    const before = await scrape();
    const updatesBefore = h.sandbox.countCalls({ operation: 'UpdateService' });
    // Slack answers the first progress post with 429 (retried after the wait it asks for), and later a
    // channel the bot cannot post to (the progress falls back to the response URL).
    h.slack.respond('chat.postMessage', { ok: false, error: 'ratelimited' }, { times: 1, status: 429, headers: { 'retry-after': '0' } });
    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'stop staging-3');
    await h.slack.waitFor((c) => c.method === 'chat.update' && String(c.body.text).startsWith('`staging-3` stopped'));
    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'start staging-3');
    await h.slack.waitFor((c) => c.method === 'chat.update' && String(c.body.text).startsWith('`staging-3` started'));
    await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'frobnicate staging-3');
    h.slack.respond('chat.postMessage', { ok: false, error: 'channel_not_found' }, { times: 1 });
    await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'restart dev-2');
    await vi.waitFor(async () => expect(sample(await scrape(), 'dockhand_operations_total', { verb: 'restart', outcome: 'succeeded' })).toBe(1));
    await askPrivately(h.eventsUrl, h.slack, 'U0DEV', 'restart prod');
    h.sandbox.throttle('DescribeServices', 1);
    await askPrivately(h.eventsUrl, h.slack, 'U0ADMIN', 'refresh');
    const after = await scrape();

    const delta = (name: string, labels: Record<string, string>) => (sample(after, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);
    expect(delta('dockhand_commands_total', { verb: 'stop', outcome: 'ok' })).toBe(1);
    expect(delta('dockhand_commands_total', { verb: 'start', outcome: 'ok' })).toBe(1);
    expect(delta('dockhand_commands_total', { verb: 'restart', outcome: 'requested' })).toBe(1);
    // What people type never becomes a label: an unknown verb is counted as "unknown".
    expect(after).not.toContain('frobnicate');
    expect(delta('dockhand_commands_total', { verb: 'unknown', outcome: 'invalid' })).toBe(1);
    expect(delta('dockhand_operations_total', { verb: 'stop', outcome: 'succeeded' })).toBe(1);
    expect(delta('dockhand_operations_total', { verb: 'start', outcome: 'succeeded' })).toBe(1);
    expect(delta('dockhand_operation_duration_seconds_count', { verb: 'stop', outcome: 'succeeded' })).toBe(1);
    // staging-3 has six services: six UpdateService calls to stop it and six to start it, all answered.
    const updates = h.sandbox.countCalls({ operation: 'UpdateService' }) - updatesBefore;
    // Plus four for restarting dev-2's services.
    expect(updates).toBe(16);
    expect(delta('dockhand_aws_calls_total', { service: 'ecs', operation: 'UpdateService', error: 'none' })).toBe(updates);
    expect(delta('dockhand_aws_calls_total', { service: 'ecs', operation: 'DescribeServices', error: 'ThrottlingException' })).toBe(1);
    expect(sample(after, 'dockhand_approvals_pending')).toBe(1);
    expect(delta('dockhand_slack_rate_limit_waits_total', { source: 'slack_429' })).toBe(1);
    expect(delta('dockhand_slack_post_failures_total', { method: 'chat.postMessage', error: 'channel_not_found' })).toBe(1);
    expect(delta('dockhand_operations_total', { verb: 'restart', outcome: 'succeeded' })).toBe(1);
    expect(sample(after, 'dockhand_instance_lease_held')).toBe(1);
    expect(delta('dockhand_inventory_refresh_duration_seconds_count', { outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'dockhand_inventory_refresh_age_seconds')).toBeGreaterThanOrEqual(0);
    // Labels only: no account ids or user ids.
    expect(after).not.toMatch(/111111111111|U0MARIA|U0DEV/);
  });

  it('counts schedule edges acted on at the edge and caught up after downtime', async () => {
    await askPrivately(h.eventsUrl, h.slack, 'U0ADMIN', 'schedule qa-1 weekdays 09:00-17:00 UTC');
    const before = await scrape();
    // A Monday a few weeks ahead, so no earlier tick is later than these.
    const monday = new Date(clock.now().getTime() + 21 * 86_400_000);
    monday.setUTCDate(monday.getUTCDate() + ((8 - monday.getUTCDay()) % 7));
    const at = (days: number, time: string) => new Date(`${new Date(monday.getTime() + days * 86_400_000).toISOString().slice(0, 10)}T${time}Z`);
    await h.dockhand.scheduler.tick(at(0, '16:59:30'));
    await h.dockhand.scheduler.tick(at(0, '17:00:30'));
    // dockhand was down overnight: the next tick catches up on the 09:00 edge.
    await h.dockhand.scheduler.tick(at(1, '09:05:00'));
    const after = await scrape();
    const delta = (labels: Record<string, string>) => (sample(after, 'dockhand_scheduler_edges_total', labels) ?? 0) - (sample(before, 'dockhand_scheduler_edges_total', labels) ?? 0);
    expect(delta({ action: 'park', result: 'acted' })).toBe(1);
    expect(delta({ action: 'restore', result: 'caught_up' })).toBe(1);
    expect(delta({ action: 'park', result: 'failed' }) + delta({ action: 'restore', result: 'failed' })).toBe(0);
  });
});
