import { describe, expect, it } from 'vitest';
import { formatGrowth, growthOf, scaleFigures, SUPERLINEAR_FACTOR, type ScaleMetric, type ScalePoint } from '../../bench/growth.js';
import { startFlags } from '../../bench/processes.js';
import { figure, formatAims } from '../../bench/report.js';

const METRICS: ScaleMetric[] = [
  { key: 'linear', label: 'a linear cost with a fixed part', unit: 'ms', linear: true },
  { key: 'nlogn', label: 'n log n', unit: 'ms', linear: true },
  { key: 'square', label: 'n²', unit: 'ms', linear: true },
  { key: 'flat', label: 'nothing at 80', unit: 'calls', linear: true },
  { key: 'refresh.first.calls', label: 'calls', unit: 'calls', linear: false },
  { key: 'refresh.first.minimum', label: 'minimum', unit: 'calls', linear: false },
  { key: 'list.messages', label: 'messages', unit: 'messages', linear: false },
];

/** A curve whose costs grow as named, at 8 services an environment. */
function curve(accounts: number, calls = (services: number) => services): ScalePoint[] {
  return [10, 80, 250, 500].map((environments) => {
    const services = environments * 8;
    return {
      accounts,
      environments,
      services,
      values: {
        linear: 20 + services / 10,
        nlogn: (services * Math.log2(services)) / 100,
        square: (services * services) / 10_000,
        flat: 0,
        'refresh.first.calls': calls(services),
        'refresh.first.minimum': services,
        'list.messages': Math.ceil(environments / 100),
      },
    };
  });
}

describe('the scale curve', () => {
  it('gives growth per 100 services between 80 and 500 environments and the per-service cost ratio', () => {
    const points = curve(1);
    expect(growthOf(points, 'linear', 1)).toEqual({ metric: 'linear', accounts: 1, per100: 10, perServiceRatio: expect.closeTo((20 + 400) / 4000 / ((20 + 64) / 640), 6) });
    expect(growthOf(points, 'square', 1).perServiceRatio).toBeCloseTo(4000 / 640, 6);
    // Nothing at 80 cannot be judged per service; a missing size gives nothing at all.
    expect(growthOf(points, 'flat', 1)).toEqual({ metric: 'flat', accounts: 1, per100: 0, perServiceRatio: null });
    expect(growthOf(points, 'linear', 2)).toEqual({ metric: 'linear', accounts: 2, per100: null, perServiceRatio: null });
    expect(growthOf(points.filter((p) => p.environments !== 500), 'linear', 1).per100).toBeNull();
  });

  it('fails the aim of a figure growing faster than linearly, and only that one', () => {
    const figures = scaleFigures([...curve(1), ...curve(4)], METRICS);
    const ratio = (accounts: number, key: string) => figures.find((f) => f.id === `scale.${accounts}a.growth.${key}.perServiceRatio`);
    for (const accounts of [1, 4]) {
      expect(ratio(accounts, 'linear')?.pass).toBe(true);
      expect(ratio(accounts, 'nlogn')?.pass).toBe(true);
      expect(ratio(accounts, 'square')?.pass).toBe(false);
      expect(ratio(accounts, 'square')?.aim).toMatchObject({ op: '<=', target: SUPERLINEAR_FACTOR });
      expect(ratio(accounts, 'flat')).toBeUndefined();
    }
    // Metrics not checked for growth get no growth figures.
    expect(figures.some((f) => f.id.includes('growth.refresh.first.calls'))).toBe(false);
    expect(formatGrowth(figures)).toMatch(/square .*FASTER THAN LINEAR/);
    expect(formatGrowth(figures)).not.toMatch(/linear .*FASTER THAN LINEAR/);
  });

  it('holds each size to the refresh minimum + 2 and /env list to five messages', () => {
    const over = curve(2, (services) => (services > 2000 ? services + 3 : services + 2));
    over[0]!.values['list.messages'] = 6;
    const figures = scaleFigures(over, METRICS);
    const pass = (id: string) => figures.find((f) => f.id === id)?.pass;
    expect(pass('scale.2a.250e.refresh.first.calls')).toBe(true);
    expect(pass('scale.2a.500e.refresh.first.calls')).toBe(false);
    expect(pass('scale.2a.10e.list.messages')).toBe(false);
    expect(pass('scale.2a.80e.list.messages')).toBe(true);
    expect(figures.find((f) => f.id === 'scale.2a.500e.refresh.first.minimum')?.aim).toBeNull();
  });

  it('fails a refresh that made fewer calls than the minimum: one that never happened counts 0', () => {
    const points = curve(1);
    for (const point of points) {
      point.values['refresh.steady.minimum'] = point.services;
      point.values['refresh.steady.calls'] = point.environments === 250 ? 0 : point.environments === 500 ? point.services - 1 : point.services + 2;
    }
    const figures = scaleFigures(points, [...METRICS, { key: 'refresh.steady.calls', label: 'later calls', unit: 'calls', linear: false }, { key: 'refresh.steady.minimum', label: 'later minimum', unit: 'calls', linear: false }]);
    const pass = (id: string) => figures.find((f) => f.id === id)?.pass;
    expect(pass('scale.1a.80e.refresh.steady.calls')).toBe(true);
    expect(pass('scale.1a.250e.refresh.steady.calls')).toBe(false);
    expect(pass('scale.1a.500e.refresh.steady.calls')).toBe(false);
    expect(formatAims(figures)).toMatch(/AIM MISSED +scale\.1a\.250e\.refresh\.steady\.calls: 0 calls, aim 2000–2002 calls/);
  });
});

describe('the aims as lines', () => {
  it('names each missed aim on a line of its own and says when all are met', () => {
    const met = figure({ id: 'a.met', group: 1, label: 'met', unit: '×', runs: [1.1], aim: { op: '<=', target: 1.2, source: 't' } });
    const missed = figure({ id: 'a.missed', group: 1, label: 'missed', unit: 'MB', runs: [160], aim: { op: '<', target: 150, source: 't' } });
    const plain = figure({ id: 'a.plain', group: 1, label: 'no aim', unit: 'ms', runs: [3] });
    const lines = formatAims([met, missed, plain]).split('\n');
    expect(lines).toEqual([expect.stringMatching(/^aim met +a\.met: 1\.10 ×, aim ≤ 1\.20 ×/), expect.stringMatching(/^AIM MISSED +a\.missed: 160 MB, aim < 150 MB/), 'aims: 1 met, 1 missed, 0 not measured']);
    expect(formatAims([met])).toMatch(/ALL AIMS MET$/);
    expect(formatAims([met, missed], false).split('\n')).toHaveLength(2);
  });
});

describe('the flags dockhand runs with', () => {
  it('are node’s flags of npm start, without the env file', () => {
    expect(startFlags('node --max-semi-space-size=8 --env-file-if-exists=.env dist/src/main.js')).toEqual(['--max-semi-space-size=8']);
    expect(startFlags('node dist/src/main.js')).toEqual([]);
    // The repository's own start script.
    expect(startFlags()).toContain('--max-semi-space-size=8');
  });
});
