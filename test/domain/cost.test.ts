import { describe, expect, it } from 'vitest';
import {
  estimateCost,
  hourlyRate,
  integrateTaskHours,
  isCostAnomaly,
  maxSampleGapFor,
  monthlyCost,
  savedBySchedule,
  spendIncrease,
  unionHours,
  type CostedService,
  type InventorySample,
} from '../../src/domain/cost/estimate.js';
import { FARGATE_ON_DEMAND_RATES, RATES_AS_OF, RATES_SOURCE_URL, rateFor } from '../../src/domain/cost/fargate-rates.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const START = new Date('2026-01-01T00:00:00Z');
const at = (hours: number) => new Date(START.getTime() + hours * HOUR);

/** 0.5 vCPU / 1 GB, the seed's reference task. */
function costed(overrides: Partial<CostedService> = {}): CostedService {
  return {
    arn: `arn:aws:ecs:us-east-1:111111111111:service/main/${overrides.name ?? 'api'}`,
    name: 'api',
    cluster: 'main',
    environment: 'dev-1',
    region: 'us-east-1',
    capacity: 'on-demand',
    taskDefinition: { cpu: 512, memoryMiB: 1024, architecture: 'x86' },
    ...overrides,
  };
}

/** What the inventory job would record: one sample every `everyMs` from `fromHours` for `hours`. */
function steadySamples(running: number, hours: number, everyMs: number, fromHours = 0): InventorySample[] {
  const samples: InventorySample[] = [];
  for (let t = 0; t < hours * HOUR; t += everyMs) samples.push({ at: new Date(at(fromHours).getTime() + t), running });
  return samples;
}

describe('Fargate rates', () => {
  it('carries its source and date', () => {
    expect(RATES_SOURCE_URL).toBe('https://aws.amazon.com/fargate/pricing/');
    expect(RATES_AS_OF).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(FARGATE_ON_DEMAND_RATES['us-east-1']).toEqual({
      x86: { vcpuHour: 0.04048, gbHour: 0.004445 },
      arm: { vcpuHour: 0.03238, gbHour: 0.00356 },
    });
  });

  it('falls back to us-east-1 for unknown regions, labelled', () => {
    expect(rateFor('ap-southeast-7', 'x86', 'on-demand')).toEqual({ vcpuHour: 0.04048, gbHour: 0.004445, source: 'fallback' });
    expect(rateFor('eu-central-1', 'x86', 'on-demand').source).toBe('table');
  });

  it('takes overrides from the policy file', () => {
    const overrides = { 'ap-southeast-7': { x86: { vcpu_hour: 0.05, gb_hour: 0.005 } }, 'us-east-1': { spot_discount: 0.6 } };
    expect(rateFor('ap-southeast-7', 'x86', 'on-demand', overrides)).toEqual({ vcpuHour: 0.05, gbHour: 0.005, source: 'override' });
    // ARM is not overridden there: still the fallback.
    expect(rateFor('ap-southeast-7', 'arm', 'on-demand', overrides).source).toBe('fallback');
    const spot = rateFor('us-east-1', 'x86', 'spot', overrides);
    expect(spot.source).toBe('override');
    expect(spot.vcpuHour).toBeCloseTo(0.04048 * 0.4, 10);
  });
});

describe('hourly rate', () => {
  const onDemand = hourlyRate(costed(), 1).dollarsPerHour;

  it('prices a 0.5 vCPU / 1 GB x86 task at 0.5 × vCPU rate + 1 × GB rate', () => {
    expect(onDemand).toBeCloseTo(0.024685, 10);
    expect(hourlyRate(costed(), 80)).toEqual({ dollarsPerHour: expect.closeTo(1.9748, 10), source: 'table' });
    expect(monthlyCost(onDemand * 80)).toBeCloseTo(1441.604, 3);
  });

  it('makes ARM about 20% cheaper and Spot 70% cheaper', () => {
    const arm = hourlyRate(costed({ taskDefinition: { cpu: 512, memoryMiB: 1024, architecture: 'arm' } }), 1).dollarsPerHour;
    expect(arm / onDemand).toBeCloseTo(0.8, 2);
    const spot = hourlyRate(costed({ capacity: 'spot' }), 1).dollarsPerHour;
    expect(spot / onDemand).toBeCloseTo(0.3, 10);
  });

  it('prices ARM on Spot on-demand: Fargate Spot runs no ARM64 tasks', () => {
    const armShape = { cpu: 512, memoryMiB: 1024, architecture: 'arm' as const };
    expect(hourlyRate(costed({ capacity: 'spot', taskDefinition: armShape }), 1).dollarsPerHour).toBe(
      hourlyRate(costed({ taskDefinition: armShape }), 1).dollarsPerHour,
    );
  });

  it('blends mixed capacity, half and half unless told the Spot share', () => {
    expect(hourlyRate(costed({ capacity: 'mixed' }), 1).dollarsPerHour / onDemand).toBeCloseTo(0.65, 10);
    expect(hourlyRate(costed({ capacity: 'mixed' }), 1, { mixedSpotShare: 0.8 }).dollarsPerHour / onDemand).toBeCloseTo(0.44, 10);
  });

  it('cannot price a service without a task definition', () => {
    expect(hourlyRate(costed({ taskDefinition: null }), 5)).toEqual({ dollarsPerHour: 0, source: 'unpriced' });
  });
});

describe('cost estimate from inventory samples', () => {
  const refresh = 5 * MINUTE;
  const window = (fromHours: number, toHours: number, maxSampleGapMs = maxSampleGapFor(refresh)) => ({
    from: at(fromHours),
    to: at(toHours),
    maxSampleGapMs,
  });

  it('integrates the reference fleet (80 × 0.5 vCPU / 1 GB, us-east-1, 730 h) to $1,442 ± $5', () => {
    const estimate = estimateCost([{ service: costed(), samples: steadySamples(80, 730, refresh) }], window(0, 730));
    expect(estimate.taskHours).toBeCloseTo(80 * 730, 6);
    expect(Math.abs(estimate.dollars - 1442)).toBeLessThanOrEqual(5);
    expect(estimate.dollars).toBeCloseTo(1441.6, 1);
    expect(estimate.environments).toHaveLength(1);
    expect(estimate.environments[0]).toMatchObject({ environment: 'dev-1', source: 'table', dollars: estimate.dollars });
  });

  it('totals per service and per environment, most expensive first, orphans under null', () => {
    const estimate = estimateCost(
      [
        { service: costed({ name: 'api', environment: 'qa-1' }), samples: steadySamples(2, 10, refresh) },
        { service: costed({ name: 'web', environment: 'qa-1' }), samples: steadySamples(1, 10, refresh) },
        { service: costed({ name: 'big', environment: 'perf' }), samples: steadySamples(10, 10, refresh) },
        { service: costed({ name: 'lost', environment: null }), samples: steadySamples(1, 10, refresh) },
      ],
      window(0, 10),
    );
    expect(estimate.environments.map((e) => e.environment)).toEqual(['perf', 'qa-1', null]);
    const qa = estimate.environments[1]!;
    expect(qa.taskHours).toBeCloseTo(30, 6);
    expect(qa.dollars).toBeCloseTo(30 * 0.024685, 6);
    expect(qa.services.map((s) => s.name)).toEqual(['api', 'web']);
    expect(estimate.taskHours).toBeCloseTo(140, 6);
  });

  it('orders equal costs by name, services with no environment last', () => {
    const idle = [{ at: at(0), running: 0 }];
    const estimate = estimateCost(
      [
        { service: costed({ name: 'x', environment: null }), samples: idle },
        { service: costed({ name: 'y', environment: 'qa-2' }), samples: idle },
        { service: costed({ name: 'z', environment: 'qa-1' }), samples: idle },
      ],
      window(0, 1),
    );
    expect(estimate.environments.map((e) => e.environment)).toEqual(['qa-1', 'qa-2', null]);
  });

  it('holds each sample until the next, clamped to the window', () => {
    const samples = [
      { at: at(-1), running: 2 }, // before the window: holds into it
      { at: at(0.5), running: 4 },
      { at: at(1.5), running: 0 },
      { at: at(1.75), running: 6 },
      { at: at(2.5), running: 100 }, // after the window: ignored
    ];
    const integrated = integrateTaskHours(samples, window(0, 2, 2 * HOUR));
    expect(integrated.taskHours).toBeCloseTo(2 * 0.5 + 4 * 1 + 0 + 6 * 0.25, 10);
    expect(integrated.coveredHours).toBeCloseTo(2, 10);
  });

  it('does not invent cost past the max gap when the bot stopped sampling', () => {
    const lastSeen = integrateTaskHours([{ at: at(0), running: 4 }], window(0, 10, 10 * MINUTE));
    expect(lastSeen.taskHours).toBeCloseTo(4 / 6, 10);
    expect(lastSeen.coveredHours).toBeCloseTo(1 / 6, 10);
    const outage = integrateTaskHours(
      [
        { at: at(0), running: 3 },
        { at: at(5), running: 3 },
      ],
      window(0, 6, HOUR),
    );
    expect(outage.taskHours).toBeCloseTo(6, 10);
    expect(outage.coveredHours).toBeCloseTo(2, 10);
  });

  it('lets a sample stand for its own holdMs: a stored run of identical observations is one sample', () => {
    const run = integrateTaskHours([{ at: at(0), running: 3, holdMs: 5 * HOUR }], window(0, 10, 10 * MINUTE));
    expect(run.taskHours).toBeCloseTo(15, 10);
    expect(run.coveredHours).toBeCloseTo(5, 10);
    const capped = integrateTaskHours([{ at: at(0), running: 3, holdMs: 5 * HOUR }, { at: at(2), running: 1 }], window(0, 10, HOUR));
    expect(capped.taskHours).toBeCloseTo(3 * 2 + 1, 10);
  });

  it('accepts samples out of order and reads nonsense counts as zero', () => {
    const integrated = integrateTaskHours(
      [
        { at: at(1), running: -3 },
        { at: at(0), running: 2 },
      ],
      window(0, 2, 2 * HOUR),
    );
    expect(integrated.taskHours).toBeCloseTo(2, 10);
  });

  it('sums series of one service whose shape changed, and labels fallback and unpriced figures', () => {
    const x86 = costed();
    const arm = costed({ taskDefinition: { cpu: 512, memoryMiB: 1024, architecture: 'arm' } });
    const estimate = estimateCost(
      [
        { service: x86, samples: [{ at: at(0), running: 1 }] },
        { service: arm, samples: [{ at: at(1), running: 1 }] },
        { service: costed({ name: 'far', region: 'ap-southeast-7', environment: 'dev-1' }), samples: [{ at: at(0), running: 1 }] },
        { service: costed({ name: 'blank', environment: 'qa-9', taskDefinition: null }), samples: [{ at: at(0), running: 1 }] },
      ],
      window(0, 2, HOUR),
    );
    const api = estimate.services.find((s) => s.name === 'api')!;
    expect(api.taskHours).toBeCloseTo(2, 10);
    expect(api.dollars).toBeCloseTo(0.024685 + (0.5 * 0.03238 + 0.00356), 10);
    expect(estimate.services.find((s) => s.name === 'far')?.source).toBe('fallback');
    expect(estimate.environments.find((e) => e.environment === 'dev-1')?.source).toBe('fallback');
    expect(estimate.environments.find((e) => e.environment === 'qa-9')).toMatchObject({ source: 'unpriced', dollars: 0, taskHours: 1 });
  });
});

describe('saved by schedule', () => {
  it('is parked hours × the hourly rate while running', () => {
    const nights = [0, 1, 2, 3, 4].map((day) => ({ from: at(day * 24 + 19), to: at(day * 24 + 31) }));
    expect(savedBySchedule(nights, 2)).toEqual({ parkedHours: 60, dollars: 120 });
  });

  it('counts overlapping intervals once and clamps to the reporting period', () => {
    const intervals = [
      { from: at(0), to: at(10) },
      { from: at(5), to: at(12) },
      { from: at(20), to: at(30) },
    ];
    expect(savedBySchedule(intervals, 1).parkedHours).toBeCloseTo(22, 10);
    expect(savedBySchedule(intervals, 1, { from: at(6), to: at(25) }).parkedHours).toBeCloseTo(11, 10);
    expect(unionHours(intervals, { from: at(6), to: at(25) })).toBeCloseTo(11, 10);
  });
});

describe('cost anomaly', () => {
  it.each([
    [12, 6, true, 'above both thresholds'],
    [15, 10, true, 'exactly at both thresholds'],
    [60, 50, false, 'dollars only (+$10, +20%)'],
    [3, 1, false, 'percent only (+$2, +200%)'],
    [104, 100, false, 'neither'],
    [5, 12, false, 'a drop'],
  ])('recent %d vs baseline %d → %s (%s)', (recentSpend, baselineSpend, expected) => {
    expect(isCostAnomaly({ recentSpend, baselineSpend })).toBe(expected);
  });

  it('with a zero baseline lets the dollar threshold decide', () => {
    expect(isCostAnomaly({ recentSpend: 6, baselineSpend: 0 })).toBe(true);
    expect(isCostAnomaly({ recentSpend: 4, baselineSpend: 0 })).toBe(false);
    expect(isCostAnomaly({ recentSpend: 0, baselineSpend: 0 })).toBe(false);
    expect(spendIncrease(6, 0)).toEqual({ dollars: 6, percent: null });
  });

  it('takes per-tier thresholds and refuses nonsense', () => {
    expect(isCostAnomaly({ recentSpend: 130, baselineSpend: 100, dollarThreshold: 20, percentThreshold: 25 })).toBe(true);
    expect(isCostAnomaly({ recentSpend: 130, baselineSpend: 100, dollarThreshold: 50, percentThreshold: 25 })).toBe(false);
    expect(isCostAnomaly({ recentSpend: Number.NaN, baselineSpend: 1 })).toBe(false);
    expect(isCostAnomaly({ recentSpend: 10, baselineSpend: -5 })).toBe(false);
  });
});
