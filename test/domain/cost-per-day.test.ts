import { describe, expect, it } from 'vitest';
import { costChartRows, costChartSpec, costChartSubtitle, dayLabel } from '../../src/charts/cost-chart.js';
import { costPerDay, hasCostToChart, type CostDayInput } from '../../src/domain/cost/daily.js';
import type { CostEstimate } from '../../src/domain/cost/estimate.js';

function estimate(dollars: Record<string, number>): CostEstimate {
  return { environments: Object.entries(dollars).map(([environment, d]) => ({ environment, dollars: d, source: 'table' })) } as unknown as CostEstimate;
}

function day(day: string, dollars: Record<string, number>, extra: Partial<CostDayInput> = {}): CostDayInput {
  return { day, estimate: estimate(dollars), savings: new Map(), billed: new Map(), ...extra };
}

describe('cost per day by environment', () => {
  it('keeps each environment per day, with billed, parked hours and savings, and only those the audience sees', () => {
    const data = costPerDay({
      days: [
        day('2026-11-30', { 'staging-1': 4, prod: 9 }, { billed: new Map([['staging-1', { dollars: 4.5, estimated: false }], ['untagged', { dollars: 2, estimated: false }]]) }),
        day('2026-12-01', { 'staging-1': 2 }, { savings: new Map([['staging-1', { parkedHours: 14, dollars: 3 }]]), billed: new Map([['staging-1', { dollars: 1, estimated: true }]]) }),
      ],
      include: (name) => name.startsWith('staging-'),
      partialDay: '2026-12-01',
    });
    expect(data.environments).toEqual(['staging-1']);
    expect(data.points).toEqual([
      { day: '2026-11-30', environment: 'staging-1', estimate: 4, billed: 4.5, parkedHours: 0, saved: 0 },
      { day: '2026-12-01', environment: 'staging-1', estimate: 2, billed: 1, parkedHours: 14, saved: 3 },
    ]);
    expect(data).toMatchObject({ days: ['2026-11-30', '2026-12-01'], partialDay: '2026-12-01', hasBilled: true, billedEstimated: true });
    expect(hasCostToChart(data)).toBe(true);
  });

  it('sums the cheapest environments past the legend limit into one "other" group per day', () => {
    const names = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`env-${String(i).padStart(2, '0')}`, 12 - i]));
    const data = costPerDay({ days: [day('2026-12-01', names)], include: () => true, partialDay: null, maxEnvironments: 8 });
    expect(data.environments).toEqual(['env-00', 'env-01', 'env-02', 'env-03', 'env-04', 'env-05', 'env-06', 'other (5)']);
    const other = data.points.find((p) => p.environment === 'other (5)');
    // env-07..env-11 cost 5+4+3+2+1.
    expect(other).toMatchObject({ estimate: 15, billed: null });
    expect(data.points.reduce((sum, p) => sum + p.estimate, 0)).toBe(78);
  });

  it('has nothing to chart when nothing cost anything', () => {
    expect(hasCostToChart(costPerDay({ days: [day('2026-12-01', { a: 0 })], include: () => true, partialDay: null }))).toBe(false);
    expect(hasCostToChart(costPerDay({ days: [day('2026-12-01', { a: 3 })], include: () => false, partialDay: null }))).toBe(false);
  });
});

describe('the chart spec (pure)', () => {
  const data = costPerDay({
    days: [
      day('2026-11-30', { 'staging-1': 4 }, { billed: new Map([['staging-1', { dollars: 4.5, estimated: false }]]) }),
      day('2026-12-01', { 'staging-1': 2 }, { savings: new Map([['staging-1', { parkedHours: 14, dollars: 3 }]]) }),
    ],
    include: () => true,
    partialDay: '2026-12-01',
  });

  it('stacks the estimate with the parked hours shaded on top, beside the billed bar', () => {
    expect(costChartRows(data)).toEqual([
      { day: 'Mon 30 Nov', environment: 'staging-1', kind: 'estimate', dollars: 4, order: 0 },
      { day: 'Mon 30 Nov', environment: 'staging-1', kind: 'billed (Cost Explorer)', dollars: 4.5, order: 0 },
      { day: 'Tue 1 Dec (so far)', environment: 'staging-1', kind: 'estimate', dollars: 2, order: 0 },
      { day: 'Tue 1 Dec (so far)', environment: 'parked (would have cost)', kind: 'estimate', dollars: 3, order: 2 },
    ]);
    expect(costChartSubtitle(data)).toBe('left bar: estimate from inventory samples · right bar: billed by Cost Explorer · grey: 14 h parked, $3.00 saved');
    expect(dayLabel('2026-12-01', null)).toBe('Tue 1 Dec');
  });

  it('gives every day of the period its place and colours the parked hours grey', () => {
    const spec = costChartSpec('Cost', data) as unknown as { encoding: Record<string, { scale?: { domain?: unknown[]; range?: unknown[] } }>; width: number; height: number };
    expect(spec.encoding.x?.scale?.domain).toEqual(['Mon 30 Nov', 'Tue 1 Dec (so far)']);
    expect(spec.encoding.color?.scale?.domain).toEqual(['staging-1', 'parked (would have cost)']);
    expect(spec.encoding.color?.scale?.range?.at(-1)).toBe('#c8c8c8');
    expect([spec.width, spec.height]).toEqual([1200, 600]);
  });
});
