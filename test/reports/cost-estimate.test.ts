import { afterEach, describe, expect, it } from 'vitest';
import { HOURS_PER_MONTH } from '../../src/domain/cost/estimate.js';
import { referenceFleet } from '../../dev/sandbox/index.js';
import { HOUR, startFixture, type Fixture } from './fixture.js';

let fx: Fixture;

afterEach(async () => {
  await fx.close();
});

describe('cost estimate from inventory samples', () => {
  it('prices the reference fleet (80 tasks of 0.5 vCPU / 1 GB, on-demand x86, us-east-1, 24/7) at $1,442 ± $5 a 730-hour month', async () => {
    const refreshIntervalMs = 12 * HOUR;
    fx = await startFixture({ fleet: referenceFleet(), refreshIntervalMs });
    const from = fx.clock.now();
    // Refreshes through the real SDK against the sandbox, every 12 hours for the whole month.
    for (let at = 0; at <= HOURS_PER_MONTH * HOUR; at += refreshIntervalMs) {
      await fx.refreshAndSample();
      fx.clock.advance(refreshIntervalMs);
    }
    const [month] = (await fx.costs.estimates([{ from, to: new Date(from.getTime() + HOURS_PER_MONTH * HOUR) }]));

    expect(month!.estimate.taskHours).toBeCloseTo(80 * HOURS_PER_MONTH, 6);
    expect(month!.estimate.dollars).toBeGreaterThan(1442 - 5);
    expect(month!.estimate.dollars).toBeLessThan(1442 + 5);
    expect(month!.estimate.environments).toHaveLength(10);
    expect(month!.watchedHours).toBeCloseTo(HOURS_PER_MONTH, 6);
    // 61 refreshes of 80 steady services are stored as one run each.
    expect((await fx.stores.history.runCount())).toBe(80);
  });

  it('starts a new run only when counts change, and does not invent hours the bot did not watch', async () => {
    fx = await startFixture({ fleet: referenceFleet(), refreshIntervalMs: 60_000 });
    const from = fx.clock.now();
    for (let minute = 0; minute < 20; minute++) {
      await fx.refreshAndSample();
      fx.clock.advance(60_000);
    }
    expect((await fx.stores.history.runCount())).toBe(80);
    // The bot is down for two hours; the next refresh starts new runs rather than stretching the old ones.
    fx.clock.advance(2 * HOUR);
    await fx.refreshAndSample();
    expect((await fx.stores.history.runCount())).toBe(160);
    const to = new Date(fx.clock.now().getTime() + 60_000);
    const [window] = (await fx.costs.estimates([{ from, to }]));
    // Watched: refreshes from minute 0 to 19, the last one's 2-minute tail, and the minute after the return.
    expect(window!.watchedHours).toBeCloseTo((19 + 2 + 1) / 60, 6);
    expect(window!.estimate.taskHours).toBeCloseTo(80 * window!.watchedHours, 6);
  });

  it('counts hours dockhand had an environment parked as saved, at the desired counts it recorded', async () => {
    const parked = new Set<string>();
    fx = await startFixture({
      fleet: referenceFleet(),
      refreshIntervalMs: HOUR,
      parkedDesired: async (arns) => new Map(arns.filter((arn) => parked.has(arn)).map((arn) => [arn, 1])),
    });
    await fx.refreshAndSample();
    const env001 = fx.fleet.environment('env-001')!;
    for (const service of env001.services) {
      fx.sandbox.externalUpdate({ cluster: service.cluster, service: service.name, desiredCount: 0 });
      parked.add(service.arn);
    }
    fx.clock.advance(60_000);
    const parkedFrom = fx.clock.now();
    await fx.refreshAndSample();
    for (let hour = 0; hour < 10; hour++) {
      fx.clock.advance(HOUR);
      await fx.refreshAndSample();
    }
    const report = await fx.costs.table({ window: { from: parkedFrom, to: fx.clock.now() }, include: () => true });
    const row = report.rows.find((r) => r.environment === 'env-001')!;
    expect(row.estimate).toBe(0);
    expect(row.saved?.parkedHours).toBeCloseTo(10, 6);
    // 8 services × 1 task × (0.5 × $0.04048 + 1 × $0.004445) × 10 h
    expect(row.saved?.dollars).toBeCloseTo(8 * 0.024685 * 10, 6);
    expect(report.rows.find((r) => r.environment === 'env-002')!.saved).toBeNull();
  });
});
