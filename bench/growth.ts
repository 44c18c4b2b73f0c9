/**
 * The scale curve's arithmetic (`--scale`): each size's figures, the growth per 100 services between 80 and
 * 500 environments, and the verdict on whether a figure grows faster than linearly. Pure.
 */
import { figure, type Figure } from './report.js';

export const SCALE_ENVIRONMENTS = [10, 80, 250, 500] as const;
export const SCALE_ACCOUNTS = [1, 2, 4] as const;
/** Growth is judged between these two sizes (environments). */
export const GROWTH_FROM = 80;
export const GROWTH_TO = 500;
/**
 * "Faster than linearly": the cost per service at 500 environments more than this many times the cost per
 * service at 80. A linear cost with a fixed part stays at or under 1; n·log n at about 1.3; n² at 6.25.
 */
export const SUPERLINEAR_FACTOR = 1.5;

export const SCALE_GROUP = 8;

/** One fleet size's measurements, by metric key; null where it was not measured. */
export interface ScalePoint {
  accounts: number;
  environments: number;
  services: number;
  values: Record<string, number | null>;
  /** Per metric: the calls by operation and other details for the JSON. */
  notes?: Record<string, string>;
}

export interface ScaleMetric {
  key: string;
  label: string;
  unit: string;
  /** Checked for growing faster than linearly. */
  linear: boolean;
  digits?: number;
}

export const SCALE_METRICS: readonly ScaleMetric[] = [
  { key: 'refresh.first.calls', label: 'AWS calls, first refresh', unit: 'calls', linear: true, digits: 0 },
  { key: 'refresh.first.minimum', label: 'fewest the APIs allow, first refresh', unit: 'calls', linear: false, digits: 0 },
  { key: 'refresh.first.wallMs', label: 'wall time, first refresh', unit: 'ms', linear: true, digits: 0 },
  { key: 'refresh.steady.calls', label: 'AWS calls, later refresh', unit: 'calls', linear: true, digits: 0 },
  { key: 'refresh.steady.minimum', label: 'fewest the APIs allow, later refresh', unit: 'calls', linear: false, digits: 0 },
  { key: 'refresh.steady.wallMs', label: 'wall time, later refresh', unit: 'ms', linear: true, digits: 0 },
  { key: 'unhealthy.first.calls', label: 'AWS calls, first refresh, 5% of services unhealthy', unit: 'calls', linear: true, digits: 0 },
  { key: 'unhealthy.first.minimum', label: 'fewest the APIs allow, first refresh, 5% unhealthy', unit: 'calls', linear: false, digits: 0 },
  { key: 'unhealthy.first.wallMs', label: 'wall time, first refresh, 5% unhealthy', unit: 'ms', linear: true, digits: 0 },
  { key: 'unhealthy.steady.calls', label: 'AWS calls, later refresh, 5% unhealthy', unit: 'calls', linear: true, digits: 0 },
  { key: 'unhealthy.steady.minimum', label: 'fewest the APIs allow, later refresh, 5% unhealthy', unit: 'calls', linear: false, digits: 0 },
  { key: 'unhealthy.steady.wallMs', label: 'wall time, later refresh, 5% unhealthy', unit: 'ms', linear: true, digits: 0 },
  { key: 'answer.list.p50', label: '/env list → its last message, p50', unit: 'ms', linear: true, digits: 1 },
  { key: 'answer.status.p50', label: '/env status → answer, p50', unit: 'ms', linear: true, digits: 1 },
  { key: 'cpu.list', label: 'dockhand CPU per /env list', unit: 'ms', linear: true, digits: 2 },
  { key: 'cpu.status', label: 'dockhand CPU per /env status', unit: 'ms', linear: true, digits: 2 },
  { key: 'scheduler.tick.cpuMs', label: 'scheduler tick CPU, nothing due', unit: 'ms', linear: true, digits: 3 },
  { key: 'memory.rssMB', label: 'dockhand RSS after a GC', unit: 'MB', linear: true, digits: 1 },
  { key: 'list.messages', label: '/env list: messages', unit: 'messages', linear: true, digits: 0 },
  { key: 'list.blocks', label: '/env list: blocks in all its messages', unit: 'blocks', linear: true, digits: 0 },
  { key: 'list.limitProblems', label: '/env list: breaches of Slack limits', unit: 'breaches', linear: false, digits: 0 },
];

export interface Growth {
  metric: string;
  accounts: number;
  /** (value at 500 − value at 80) per 100 more services. */
  per100: number | null;
  /** Cost per service at 500 ÷ cost per service at 80; null when it cannot be judged (no value, or 0 at 80). */
  perServiceRatio: number | null;
}

function pointAt(points: readonly ScalePoint[], accounts: number, environments: number): ScalePoint | undefined {
  return points.find((p) => p.accounts === accounts && p.environments === environments);
}

export function growthOf(points: readonly ScalePoint[], metric: string, accounts: number, from = GROWTH_FROM, to = GROWTH_TO): Growth {
  const a = pointAt(points, accounts, from);
  const b = pointAt(points, accounts, to);
  const va = a?.values[metric];
  const vb = b?.values[metric];
  if (!a || !b || va === null || va === undefined || vb === null || vb === undefined || b.services === a.services) return { metric, accounts, per100: null, perServiceRatio: null };
  const per100 = (vb - va) / ((b.services - a.services) / 100);
  const perServiceRatio = va > 0 ? vb / b.services / (va / a.services) : null;
  return { metric, accounts, per100, perServiceRatio };
}

const aimSource = `bench: cost per service at ${GROWTH_TO} environments ≤ ${SUPERLINEAR_FACTOR}× that at ${GROWTH_FROM}`;

/** Every point's figures, then each checked metric's growth with its aim, then the calls and Slack limits aims. */
export function scaleFigures(points: readonly ScalePoint[], metrics: readonly ScaleMetric[] = SCALE_METRICS): Figure[] {
  const figures: Figure[] = [];
  const byAccounts = [...new Set(points.map((p) => p.accounts))].sort((x, y) => x - y);
  for (const point of points) {
    const where = `${point.environments} env × ${point.services / point.environments} svc, ${point.accounts} acct`;
    for (const metric of metrics) {
      const value = point.values[metric.key];
      if (value === null || value === undefined) continue;
      const aim = aimFor(point, metric.key);
      const note = point.notes?.[metric.key];
      figures.push(
        figure({ id: `scale.${point.accounts}a.${point.environments}e.${metric.key}`, group: SCALE_GROUP, label: `${where}: ${metric.label}`, unit: metric.unit, runs: [value], aim, digits: metric.digits ?? 2, ...(note ? { note } : {}) }),
      );
    }
  }
  for (const accounts of byAccounts) {
    for (const metric of metrics.filter((m) => m.linear)) {
      const g = growthOf(points, metric.key, accounts);
      if (g.per100 === null) continue;
      figures.push(figure({ id: `scale.${accounts}a.growth.${metric.key}.per100`, group: SCALE_GROUP, label: `${accounts} acct: ${metric.label}, growth per 100 services (${GROWTH_FROM}→${GROWTH_TO} env)`, unit: `${metric.unit}`, runs: [g.per100], digits: 3 }));
      if (g.perServiceRatio === null) continue;
      figures.push(
        figure({
          id: `scale.${accounts}a.growth.${metric.key}.perServiceRatio`,
          group: SCALE_GROUP,
          label: `${accounts} acct: ${metric.label}, per-service cost at ${GROWTH_TO} ÷ at ${GROWTH_FROM} env`,
          unit: '×',
          runs: [g.perServiceRatio],
          aim: { op: '<=', target: SUPERLINEAR_FACTOR, source: aimSource },
          digits: 2,
        }),
      );
    }
  }
  return figures;
}

/** The aims a single point carries: refresh calls near the minimum, /env list within Slack's limits. */
function aimFor(point: ScalePoint, key: string): Figure['aim'] {
  const calls = /^(refresh|unhealthy)\.(first|steady)\.calls$/.exec(key);
  if (calls) {
    const minimum = point.values[`${calls[1]}.${calls[2]}.minimum`];
    // At least the minimum too: a refresh that failed or never ran makes fewer calls than the APIs allow.
    return minimum === null || minimum === undefined ? null : { op: 'between', min: minimum, target: minimum + 2, source: 'issue 6: minimum … minimum + 2' };
  }
  if (key === 'list.messages') return { op: '<=', target: 5, source: 'Slack: a response_url takes five messages' };
  if (key === 'list.limitProblems') return { op: '==', target: 0, source: 'Slack: block and text limits' };
  return null;
}

/** The curve as a table: one row per size and accounts, one column per metric (its short key). */
export function formatScaleTable(points: readonly ScalePoint[], columns: readonly { key: string; title: string; digits?: number }[]): string {
  const header = ['acct', 'env', 'svc', ...columns.map((c) => c.title)];
  const rows = points.map((p) => [String(p.accounts), String(p.environments), String(p.services), ...columns.map((c) => cell(p.values[c.key], c.digits ?? 0))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function cell(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined ? '—' : value.toFixed(digits);
}

/** The columns `--scale` prints, by metric key. */
export const SCALE_COLUMNS: readonly { key: string; title: string; digits?: number }[] = [
  { key: 'refresh.first.calls', title: '1st' },
  { key: 'refresh.first.minimum', title: 'min' },
  { key: 'refresh.first.wallMs', title: '1st ms' },
  { key: 'refresh.steady.calls', title: 'later' },
  { key: 'refresh.steady.minimum', title: 'min' },
  { key: 'refresh.steady.wallMs', title: 'later ms' },
  { key: 'unhealthy.first.calls', title: '5%:1st' },
  { key: 'unhealthy.first.minimum', title: 'min' },
  { key: 'unhealthy.first.wallMs', title: 'ms' },
  { key: 'unhealthy.steady.calls', title: '5%:later' },
  { key: 'unhealthy.steady.minimum', title: 'min' },
  { key: 'unhealthy.steady.wallMs', title: 'ms' },
  { key: 'answer.list.p50', title: 'list ms', digits: 1 },
  { key: 'answer.status.p50', title: 'status ms', digits: 1 },
  { key: 'cpu.list', title: 'list CPU', digits: 2 },
  { key: 'cpu.status', title: 'status CPU', digits: 2 },
  { key: 'scheduler.tick.cpuMs', title: 'tick CPU', digits: 2 },
  { key: 'memory.rssMB', title: 'RSS MB', digits: 1 },
  { key: 'list.messages', title: 'msgs' },
  { key: 'list.blocks', title: 'blocks' },
];

export const SCALE_LEGEND = [
  'AWS calls of a first and a later /env refresh against the fewest the APIs allow (min), and their wall time;',
  '"5%": the same fleet with every 20th service failing (1 account only; stopped tasks sampled for each);',
  'list/status ms: request → last answer at the response URL (p50 of 8, after 30 warm-ups); CPU: dockhand process CPU',
  'per command, one at a time (no burst to share a commit or a turn of the event loop with, unlike figure 1);',
  'tick CPU: one scheduler tick over the fleet, nothing due (ms); RSS after a GC; /env list messages and blocks.',
].join('\n');

/** Growth per 100 services between 80 and 500 environments, and the per-service cost ratio, per accounts. */
export function formatGrowth(figures: readonly Figure[]): string {
  const growth = figures.filter((f) => f.id.includes('.growth.'));
  const byMetric = new Map<string, Figure[]>();
  for (const f of growth) {
    const metric = /\.growth\.(.+)\.(per100|perServiceRatio)$/.exec(f.id)?.[1];
    if (metric) byMetric.set(metric, [...(byMetric.get(metric) ?? []), f]);
  }
  const lines = [`growth from ${GROWTH_FROM} to ${GROWTH_TO} environments: per 100 more services (per-service cost at ${GROWTH_TO} ÷ at ${GROWTH_FROM}; over ${SUPERLINEAR_FACTOR}× is faster than linear)`];
  for (const [metric, list] of byMetric) {
    const accounts = [...new Set(list.map((f) => /^scale\.(\d+)a\./.exec(f.id)?.[1]))];
    const parts = accounts.map((a) => {
      const per100 = list.find((f) => f.id === `scale.${a}a.growth.${metric}.per100`);
      const ratio = list.find((f) => f.id === `scale.${a}a.growth.${metric}.perServiceRatio`);
      const verdict = ratio?.pass === false ? ' FASTER THAN LINEAR' : '';
      return `${a} acct ${per100?.value === null || per100 === undefined ? '—' : `${per100.value >= 0 ? '+' : ''}${per100.value}`}${ratio?.value !== null && ratio !== undefined ? ` (${ratio.value}×)` : ''}${verdict}`;
    });
    lines.push(`  ${metric.padEnd(24)} ${list[0]!.unit.padEnd(8)} ${parts.join('   ')}`);
  }
  return lines.join('\n');
}
