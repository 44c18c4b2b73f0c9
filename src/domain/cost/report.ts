import { utcDay } from '../time-format.js';
import { weakestSource, type CostEstimate, type CostSource, type ScheduleSavings, type TimeInterval } from './estimate.js';

/** Reporting periods for `/env cost`, in UTC days because Cost Explorer's days are UTC days. */
export const COST_PERIODS = ['7d', '30d', 'mtd'] as const;
export type CostPeriod = (typeof COST_PERIODS)[number];
export const DEFAULT_COST_PERIOD: CostPeriod = '7d';

const DAY_MS = 86_400_000;

/** Cost Explorer's label for spend without the environment tag, and what people are shown instead. */
export const UNTAGGED = 'untagged';

export interface DayRange {
  /** YYYY-MM-DD, inclusive. */
  first: string;
  last: string;
}

export interface PeriodWindows {
  period: CostPeriod;
  current: TimeInterval;
  /** The period before, of the same length, for the trend. */
  previous: TimeInterval;
}

export function startOfUtcDay(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

/** The UTC days an interval touches (its end is exclusive). */
export function daysOf(interval: TimeInterval): DayRange {
  return { first: utcDay(interval.from), last: utcDay(new Date(Math.max(interval.from.getTime(), interval.to.getTime() - 1))) };
}

/** `7d` and `30d` end now and start at a UTC midnight, so they cover whole billed days plus today so far. */
export function periodWindows(period: CostPeriod, now: Date): PeriodWindows {
  const today = startOfUtcDay(now).getTime();
  if (period === 'mtd') {
    const from = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
    const previousFrom = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1);
    // The same elapsed time into the previous month, never past its end.
    const previousTo = Math.min(previousFrom + (now.getTime() - from), from);
    return { period, current: { from: new Date(from), to: now }, previous: { from: new Date(previousFrom), to: new Date(previousTo) } };
  }
  const days = period === '7d' ? 7 : 30;
  const from = today - (days - 1) * DAY_MS;
  const length = days * DAY_MS;
  return {
    period,
    current: { from: new Date(from), to: now },
    previous: { from: new Date(from - length), to: new Date(now.getTime() - length) },
  };
}

/** Yesterday as a whole UTC day. */
export function yesterdayWindow(now: Date): TimeInterval {
  const today = startOfUtcDay(now);
  return { from: new Date(today.getTime() - DAY_MS), to: today };
}

export function monthToDateWindow(now: Date): TimeInterval {
  return { from: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)), to: now };
}

export interface BilledTotal {
  dollars: number;
  /** Some of the days are still being billed. */
  estimated: boolean;
}

/** Percent change from the previous figure; null when there is nothing to compare with. */
export function trendPercent(current: number, previous: number | null): number | null {
  if (previous === null || previous <= 0) return null;
  return ((current - previous) / previous) * 100;
}

export interface CostRow {
  environment: string;
  estimate: number;
  source: CostSource;
  /** Null when dockhand was not watching enough of the previous period to compare. */
  previousEstimate: number | null;
  trend: number | null;
  billed: BilledTotal | null;
  saved: ScheduleSavings | null;
  /** Hours of the window the environment's services were sampled; null when not known. */
  watchedHours: number | null;
}

export interface CostRowsInput {
  current: CostEstimate;
  /** Null when the previous period is not covered by samples. */
  previous: CostEstimate | null;
  billed: ReadonlyMap<string, BilledTotal>;
  savings: ReadonlyMap<string, ScheduleSavings>;
  /** Hours each environment was sampled in the window. */
  watched?: ReadonlyMap<string, number>;
  /** Which environments to show: those the asker (or the digest's channel) may see. */
  include: (environment: string) => boolean;
}

/** One row per environment, estimate and billed side by side, most expensive first. */
export function costRows(input: CostRowsInput): CostRow[] {
  const estimates = new Map(input.current.environments.flatMap((e) => (e.environment === null ? [] : [[e.environment, e] as const])));
  const previous = new Map(input.previous?.environments.flatMap((e) => (e.environment === null ? [] : [[e.environment, e.dollars] as const])) ?? []);
  const names = new Set([...estimates.keys(), ...[...input.billed.keys()].filter((name) => name !== UNTAGGED), ...input.savings.keys()]);
  return [...names]
    .filter(input.include)
    .map((environment): CostRow => {
      const estimate = estimates.get(environment)?.dollars ?? 0;
      const previousEstimate = input.previous ? (previous.get(environment) ?? 0) : null;
      return {
        environment,
        estimate,
        source: estimates.get(environment)?.source ?? 'table',
        previousEstimate,
        trend: trendPercent(estimate, previousEstimate),
        billed: input.billed.get(environment) ?? null,
        saved: input.savings.get(environment) ?? null,
        watchedHours: input.watched ? (input.watched.get(environment) ?? 0) : null,
      };
    })
    .sort((a, b) => b.estimate - a.estimate || (b.billed?.dollars ?? 0) - (a.billed?.dollars ?? 0) || a.environment.localeCompare(b.environment));
}

export interface CostTotalsRow {
  estimate: number;
  billed: BilledTotal | null;
  saved: number;
  source: CostSource;
}

export function totalsOf(rows: readonly CostRow[]): CostTotalsRow {
  const billedRows = rows.flatMap((row) => (row.billed ? [row.billed] : []));
  return {
    estimate: rows.reduce((sum, row) => sum + row.estimate, 0),
    billed: billedRows.length === 0 ? null : { dollars: billedRows.reduce((sum, b) => sum + b.dollars, 0), estimated: billedRows.some((b) => b.estimated) },
    saved: rows.reduce((sum, row) => sum + (row.saved?.dollars ?? 0), 0),
    source: weakestSource(rows.map((row) => row.source)),
  };
}
