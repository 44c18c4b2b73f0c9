/**
 * The benchmark's figures, the JSON it writes (schema version 1, documented in bench/README.md) and the
 * table it prints. Pure: no I/O here beyond what the caller does with the strings.
 */
import { median, round } from './stats.js';

/**
 * 2: adds `mode` (`normal` or `scale`), the CPU ratio figure `ack.ratio.cpu` (group 1) and the scale curve's
 * figures (group 8, `--scale` only). Figures of version 1 keep their ids and meanings.
 */
export const SCHEMA_VERSION = 3;

/** What a figure should be: `value op target`, e.g. ≤ 1.2; `between` is `min ≤ value ≤ target`. */
export interface Aim {
  op: '<=' | '<' | '==' | 'between';
  target: number;
  /** The least a `between` aim accepts: fewer AWS calls than the APIs allow means the work never happened. */
  min?: number;
  /** Where the aim comes from, e.g. "issue 6". */
  source: string;
}

export interface Figure {
  /** Stable key to compare runs by, e.g. `ack.ratio.p50`. Never renamed within a schema version. */
  id: string;
  /** 1–7, the figure group of issue 6. */
  group: number;
  label: string;
  unit: string;
  /** Median over `runs`; null when not available. */
  value: number | null;
  /** The value of each run the median is taken over (one entry for figures measured once). */
  runs: number[];
  aim: Aim | null;
  /** null when there is no aim or no value. */
  pass: boolean | null;
  /** `measured`, or `not available: <why>` (never a made-up number). */
  status: string;
  note?: string;
}

export interface Machine {
  node: string;
  platform: string;
  arch: string;
  cpuCount: number;
  cpuModel: string;
  totalMemoryMB: number;
}

export interface BenchParams {
  environments: number;
  servicesPerEnvironment: number;
  accounts: number;
  latencyMs: number;
  runs: number;
  ackRequests: number;
  ackConcurrency: number;
  ackWarmup: number;
  answerRequests: number;
  memoryEnvironments: number;
  schedulerEnvironments: number;
  /** How dockhand and the bare Bolt app ran: `compiled` (node on tsc's output, like npm start) or `tsx`. */
  childRuntime: 'compiled' | 'tsx';
}

export interface BenchReport {
  schemaVersion: typeof SCHEMA_VERSION;
  mode: 'normal' | 'scale';
  startedAt: string;
  finishedAt: string;
  wallTimeSeconds: number;
  command: string;
  machine: Machine;
  params: BenchParams;
  figures: Figure[];
  summary: { figures: number; withAim: number; passed: number; failed: number; notAvailable: number };
}

export function meets(value: number, aim: Aim): boolean {
  switch (aim.op) {
    case '<=':
      return value <= aim.target;
    case '<':
      return value < aim.target;
    case '==':
      return value === aim.target;
    case 'between':
      return value >= (aim.min ?? -Infinity) && value <= aim.target;
  }
}

export interface FigureInput {
  id: string;
  group: number;
  label: string;
  unit: string;
  runs: readonly number[];
  aim?: Aim | null;
  note?: string;
  /** Decimals kept in the JSON (default 2). */
  digits?: number;
}

/** A measured figure: the median of its runs, judged against its aim. */
export function figure(input: FigureInput): Figure {
  const digits = input.digits ?? 2;
  const runs = input.runs.map((v) => round(v, digits) as number);
  const value = round(median(input.runs), digits);
  const aim = input.aim ?? null;
  return {
    id: input.id,
    group: input.group,
    label: input.label,
    unit: input.unit,
    value,
    runs,
    aim,
    pass: aim && value !== null ? meets(value, aim) : null,
    status: value === null ? 'not available: no runs' : 'measured',
    ...(input.note ? { note: input.note } : {}),
  };
}

/** A figure that could not be measured, with the reason; it has no value and no verdict. */
export function unavailable(input: Omit<FigureInput, 'runs' | 'digits'>, reason: string): Figure {
  return {
    id: input.id,
    group: input.group,
    label: input.label,
    unit: input.unit,
    value: null,
    runs: [],
    aim: input.aim ?? null,
    pass: null,
    status: `not available: ${reason}`,
    ...(input.note ? { note: input.note } : {}),
  };
}

export function summarize(figures: readonly Figure[]): BenchReport['summary'] {
  return {
    figures: figures.length,
    withAim: figures.filter((f) => f.aim !== null).length,
    passed: figures.filter((f) => f.pass === true).length,
    failed: figures.filter((f) => f.pass === false).length,
    notAvailable: figures.filter((f) => f.status !== 'measured').length,
  };
}

export const GROUP_TITLES: Record<number, string> = {
  1: 'Ack latency under load',
  2: 'Time to answer',
  3: 'Inventory refresh',
  4: 'Stop / start one environment',
  5: 'Scheduler tick',
  6: 'CloudTrail and Cost Explorer',
  7: 'Memory',
  8: 'Scale curve (--scale)',
};

const OP_TEXT: Record<Aim['op'], string> = { '<=': '≤', '<': '<', '==': '=', between: '' };

export function formatNumber(value: number | null): string {
  if (value === null) return '—';
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function aimText(aim: Aim | null, unit: string): string {
  if (!aim) return '';
  if (aim.op === 'between') return `${formatNumber(aim.min ?? null)}–${formatNumber(aim.target)} ${unit}`.trim();
  return `${OP_TEXT[aim.op]} ${formatNumber(aim.target)} ${unit}`.trim();
}

function verdict(f: Figure): string {
  if (f.status !== 'measured') return f.status;
  return f.pass === null ? '' : f.pass ? 'pass' : 'FAIL';
}

/** A plain-text table, one section per figure group; fixed-width columns so runs diff cleanly. */
export function formatTable(figures: readonly Figure[]): string {
  const rows: string[][] = [];
  const groups = [...new Set(figures.map((f) => f.group))].sort((a, b) => a - b);
  for (const group of groups) {
    rows.push([`${group}. ${GROUP_TITLES[group] ?? ''}`, '', '', '', '']);
    for (const f of figures.filter((x) => x.group === group)) {
      const runs = f.runs.length > 1 ? f.runs.map(formatNumber).join(' / ') : '';
      rows.push([`   ${f.label}`, f.value === null ? '—' : `${formatNumber(f.value)} ${f.unit}`.trim(), aimText(f.aim, f.unit), verdict(f), runs]);
    }
  }
  const header = ['figure', 'median', 'aim', 'result', 'runs'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (i === 3 && r[i]!.length > 40 ? 0 : r[i]!.length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The few lines under the table: machine, parameters, verdicts. */
export function formatHeader(report: Pick<BenchReport, 'machine' | 'params' | 'command'>): string {
  const { machine: m, params: p } = report;
  return [
    `dockhand bench — ${report.command}`,
    `Node ${m.node} on ${m.platform}/${m.arch}, ${m.cpuCount} × ${m.cpuModel}, ${m.totalMemoryMB} MB`,
    `fleet ${p.environments} environments × ${p.servicesPerEnvironment} services over ${p.accounts} account(s), AWS latency ${p.latencyMs} ms, ${p.runs} runs (medians), dockhand runs ${p.childRuntime === 'compiled' ? 'compiled JavaScript' : 'under tsx'}`,
  ].join('\n');
}

export function formatSummary(report: Pick<BenchReport, 'summary' | 'wallTimeSeconds'>): string {
  const s = report.summary;
  return `${s.figures} figures: ${s.passed} pass, ${s.failed} fail, ${s.withAim - s.passed - s.failed} aimed but not measured, ${s.notAvailable} not available; wall time ${report.wallTimeSeconds.toFixed(1)} s`;
}

/**
 * Every aim's verdict on a line of its own, so a reader (or grep) can read them off: `AIM MISSED` for each one
 * missed, `AIM NOT MEASURED` for one without a value, `aim met` for the others (left out with `metToo` false).
 */
export function formatAims(figures: readonly Figure[], metToo = true): string {
  const aimed = figures.filter((f) => f.aim !== null);
  const text = (f: Figure) => `${f.id}: ${f.value === null ? '—' : `${formatNumber(f.value)} ${f.unit}`.trim()}, aim ${aimText(f.aim, f.unit)} — ${f.label}`;
  const missed = aimed.filter((f) => f.pass === false);
  const unmeasured = aimed.filter((f) => f.pass === null);
  const met = aimed.filter((f) => f.pass === true);
  return [
    ...(metToo ? met.map((f) => `aim met           ${text(f)}`) : []),
    ...unmeasured.map((f) => `AIM NOT MEASURED  ${text(f)} (${f.status})`),
    ...missed.map((f) => `AIM MISSED        ${text(f)}`),
    `aims: ${met.length} met, ${missed.length} missed, ${unmeasured.length} not measured${missed.length === 0 && unmeasured.length === 0 ? ' — ALL AIMS MET' : ''}`,
  ].join('\n');
}
