import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reportPolicySchema } from '../../src/config/report-policy.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { Environment } from '../../src/domain/environments.js';
import type { ServiceSnapshot } from '../../src/domain/inventory.js';
import { AnomalyMonitor } from '../../src/jobs/anomalies.js';
import { InventorySampler } from '../../src/jobs/inventory-samples.js';
import { silentLogger } from '../../src/log.js';
import { SlackOutbound } from '../../src/slack/outbound.js';
import { CostActualsStore } from '../../src/store/cost-actuals-store.js';
import { CostHistoryStore } from '../../src/store/cost-history-store.js';
import { CostReports } from '../../src/store/cost-reports.js';
import { openSqlite, type Database } from '../../src/store/db.js';
import { NoticesStore } from '../../src/store/notices-store.js';
import { service } from '../domain/fixtures.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { manualTiming, HOUR } from './fixture.js';

const policy = reportPolicySchema.parse({
  anomalies: { channels: [{ environments: ['staging-*'], channel: 'C0STAGING' }] },
  digests: [{ channel: 'C0PLATFORM', environments: ['*'] }],
});

/** 1 vCPU / 2 GB on-demand x86 in us-east-1: $0.04048 + 2 × $0.004445 = $0.04937 an hour a task. */
const TASK_HOUR = 0.04937;

let dir: string;
let db: Database;
let clock: ManualClock;
let slack: FakeSlack;
let sampler: InventorySampler;
let monitor: AnomalyMonitor;
let tasks: Record<string, number>;

function snapshot(): ServiceSnapshot[] {
  return Object.entries(tasks).map(([environment, running]) =>
    service({
      environment,
      name: 'api',
      running,
      desired: running,
      taskDefinition: { arn: 'td', family: 'api', cpu: 1024, memoryMiB: 2048, architecture: 'x86' },
      refreshedAt: clock.now().toISOString(),
    }),
  );
}

function environments(): Environment[] {
  return Object.keys(tasks).map((name) => ({ name, tier: name === 'prod' ? 'production' : 'non-production' }) as Environment);
}

/** Refreshes every 10 minutes for `hours`. */
async function run(hours: number): Promise<void> {
  for (let minute = 0; minute < hours * 60; minute += 10) {
    await sampler.record(snapshot());
    clock.advance(10 * 60_000);
  }
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dockhand-anomaly-'));
  db = openSqlite(join(dir, 'dockhand.db'));
  clock = new ManualClock('2026-03-10T00:00:00Z');
  slack = await startFakeSlack();
  const history = new CostHistoryStore(db);
  sampler = new InventorySampler({ store: history, clock, refreshIntervalMs: 10 * 60_000, retentionDays: 70 });
  const costs = new CostReports(history, new CostActualsStore(db), { maxSampleGapMs: sampler.maxSampleGapMs });
  const client = new webApi.WebClient('xoxb-test', { slackApiUrl: slack.apiUrl });
  monitor = new AnomalyMonitor({
    costs,
    environments,
    policy: policy.anomalies,
    digests: policy.digests,
    store: new NoticesStore(db),
    outbound: new SlackOutbound(client, { logger: silentLogger, timing: manualTiming(clock) }),
    clock,
    logger: silentLogger,
  });
  // A week of steady spend: the baseline.
  tasks = { 'staging-3': 4, prod: 200, 'dev-1': 1 };
  await run(7 * 24);
});

afterEach(async () => {
  db.db.$client.close();
  await slack.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('live cost anomalies', () => {
  it('alerts only when spend beats the same hours of the week before by both $5 and 50 %, once per window', async () => {
    // staging-3 ×10 (+$16, +900 %); prod +20 % (+$35 but under 50 %); dev-1 ×6 (+500 % but +$0.74).
    tasks = { 'staging-3': 40, prod: 240, 'dev-1': 6 };
    await run(3);
    const check = await monitor.runOnce();
    expect(check.anomalies.map((a) => a.environment)).toEqual(['staging-3']);
    const anomaly = check.anomalies[0]!;
    expect(anomaly.recentDollars).toBeCloseTo(40 * 3 * TASK_HOUR, 6);
    expect(anomaly.baselineDollars).toBeCloseTo(4 * 3 * TASK_HOUR, 6);
    expect(anomaly.baselineDays).toBe(7);

    // Its explicit route, not the digest channel; and a second check in the same window posts nothing.
    expect((await monitor.runOnce()).posted).toBe(0);
    const posts = slack.callsTo('chat.postMessage');
    expect(posts.map((p) => p.body.channel)).toEqual(['C0STAGING']);
    expect(String(posts[0]!.body.text)).toContain('`staging-3` is spending more than usual');

    // Still high three hours later: a new window, a new alert.
    await run(3);
    expect((await monitor.runOnce()).posted).toBe(1);
  });

  it('does not alert without a watched baseline', async () => {
    clock.advance(30 * 24 * HOUR);
    tasks = { 'staging-3': 40, prod: 240, 'dev-1': 6 };
    await run(3);
    expect((await monitor.runOnce()).anomalies).toEqual([]);
  });
});
