import { describe, expect, it } from 'vitest';
import { costExplorerMinimum, lookupMinimum, operationMinimum, refreshMinimum, type ServiceFacts } from '../../bench/minimums.js';
import { figure, formatTable, summarize, unavailable } from '../../bench/report.js';
import { distribution, median, peakInWindow, percentile } from '../../bench/stats.js';

describe('bench statistics', () => {
  it('takes percentiles by nearest rank, always one of the samples', () => {
    const samples = Array.from({ length: 500 }, (_, i) => 500 - i); // 500 … 1, unsorted input
    expect(percentile(samples, 50)).toBe(250);
    expect(percentile(samples, 95)).toBe(475);
    expect(percentile(samples, 99)).toBe(495);
    expect(percentile(samples, 100)).toBe(500);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(() => percentile([], 50)).toThrow();
    expect(() => percentile([1], 0)).toThrow();
  });

  it('takes medians of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });

  it('summarizes a distribution', () => {
    expect(distribution([5, 1, 4, 2, 3])).toEqual({ count: 5, p50: 3, p95: 5, p99: 5, max: 5 });
  });

  it('finds the most events in any one-second window', () => {
    expect(peakInWindow([], 1000)).toBe(0);
    expect(peakInWindow([0, 500, 999, 1000, 1999], 1000)).toBe(3);
    // Two requests a second, evenly spaced, never show three in a window.
    expect(peakInWindow(Array.from({ length: 20 }, (_, i) => i * 510), 1000)).toBe(2);
  });
});

describe('bench minimums', () => {
  const service = (cluster: string, n: number, extra: Partial<ServiceFacts> = {}): ServiceFacts => ({
    account: '111111111111',
    region: 'us-east-1',
    cluster,
    taskDefinitionArn: `td/${cluster}-${n}`,
    scalable: false,
    ...extra,
  });

  it('counts a refresh as pages of clusters and services, tens of DescribeServices and each task definition once', () => {
    const services = [...Array.from({ length: 320 }, (_, i) => service('fleet-01', i)), ...Array.from({ length: 5 }, (_, i) => service('fleet-02', i))];
    const locations = [
      { account: '111111111111', region: 'us-east-1', viaRole: false },
      { account: '222222222222', region: 'us-east-1', viaRole: true },
    ];
    expect(refreshMinimum(services, locations, true)).toEqual({
      listClusters: 2,
      listServices: 4 + 1,
      describeServices: 32 + 1,
      describeTaskDefinition: 325,
      assumeRole: 1,
      total: 2 + 5 + 33 + 325 + 1,
    });
    expect(refreshMinimum(services, locations, false).total).toBe(2 + 5 + 33);
  });

  it('counts an operation as the reads, then the park tag and one write a service, and one more with autoscaling', () => {
    const plain = Array.from({ length: 8 }, (_, i) => service('fleet-01', i));
    expect(operationMinimum(plain)).toEqual({ reads: 2, writes: 16, total: 18, roundTrips: 3 });
    const scaling = plain.map((s) => ({ ...s, scalable: true }));
    expect(operationMinimum(scaling)).toEqual({ reads: 2, writes: 24, total: 26, roundTrips: 4 });
    expect(operationMinimum([])).toEqual({ reads: 0, writes: 0, total: 0, roundTrips: 0 });
  });

  it('counts CloudTrail and Cost Explorer pages, at least one request each', () => {
    expect(lookupMinimum([0, 50, 51])).toBe(1 + 1 + 2);
    expect(costExplorerMinimum(0, 40)).toBe(1);
    expect(costExplorerMinimum(4961, 40)).toBe(125);
  });
});

describe('bench report', () => {
  it('judges the median of the runs against the aim', () => {
    const ratio = figure({ id: 'ack.ratio.p50', group: 1, label: 'ratio', unit: '×', runs: [1.3, 1.1, 1.15], aim: { op: '<=', target: 1.2, source: 'issue 6' } });
    expect(ratio).toMatchObject({ value: 1.15, runs: [1.3, 1.1, 1.15], pass: true, status: 'measured' });
    const calls = figure({ id: 'x.calls', group: 5, label: 'calls', unit: 'calls', runs: [1], aim: { op: '==', target: 0, source: 'issue 6' } });
    expect(calls.pass).toBe(false);
    expect(figure({ id: 'x', group: 2, label: 'x', unit: 'ms', runs: [3] }).pass).toBeNull();
  });

  it('says why a figure is missing instead of giving a number', () => {
    const missing = unavailable({ id: 'scheduler.tick.cpuMs', group: 5, label: 'CPU', unit: 'ms' }, 'scheduler not built yet');
    expect(missing).toMatchObject({ value: null, runs: [], pass: null, status: 'not available: scheduler not built yet' });
    const figures = [missing, figure({ id: 'a', group: 1, label: 'a', unit: 'ms', runs: [2, 4], aim: { op: '<', target: 3, source: 't' } })];
    expect(summarize(figures)).toEqual({ figures: 2, withAim: 1, passed: 0, failed: 1, notAvailable: 1 });
    const table = formatTable(figures);
    expect(table).toContain('1. Ack latency under load');
    expect(table).toContain('5. Scheduler tick');
    expect(table).toContain('not available: scheduler not built yet');
    expect(table).toMatch(/a +3 ms +< 3 ms +FAIL +2 \/ 4/);
  });
});
