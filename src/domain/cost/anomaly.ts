import { isCostAnomaly, spendIncrease, type CostEstimate, type SpendIncrease, type TimeInterval } from './estimate.js';
import type { Tier } from '../inventory.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** A window counts only when dockhand watched at least this share of it; less would compare guesses. */
const MIN_WATCHED_SHARE = 0.5;

export interface Thresholds {
  dollars: number;
  percent: number;
}

export interface AnomalyWindows {
  recent: TimeInterval;
  /** The same hours on each of the days before, most recent first. */
  baselines: TimeInterval[];
}

export function anomalyWindows(now: Date, hours: number, baselineDays: number): AnomalyWindows {
  const length = hours * HOUR_MS;
  const end = now.getTime();
  return {
    recent: { from: new Date(end - length), to: now },
    baselines: Array.from({ length: baselineDays }, (_, i) => {
      const to = end - (i + 1) * DAY_MS;
      return { from: new Date(to - length), to: new Date(to) };
    }),
  };
}

/** Alerts are de-duplicated per environment and window: fixed `hours`-long slots of the epoch. */
export function anomalyWindowStart(now: Date, hours: number): Date {
  const length = hours * HOUR_MS;
  return new Date(Math.floor(now.getTime() / length) * length);
}

export interface WatchedEstimate {
  estimate: CostEstimate;
  /** Hours of the window dockhand was sampling the fleet at all. */
  watchedHours: number;
}

export interface AnomalyInput {
  hours: number;
  recent: WatchedEstimate;
  baselines: readonly WatchedEstimate[];
  tierOf: (environment: string) => Tier;
  thresholds: Readonly<Record<Tier, Thresholds>>;
}

export interface CostAnomaly {
  environment: string;
  tier: Tier;
  recentDollars: number;
  /** The average of the watched baseline days for the same hours. */
  baselineDollars: number;
  baselineDays: number;
  increase: SpendIncrease;
}

function dollarsByEnvironment(estimate: CostEstimate): Map<string, number> {
  return new Map(estimate.environments.flatMap((e) => (e.environment === null ? [] : [[e.environment, e.dollars] as const])));
}

/**
 * Environments whose estimated spend over the recent hours beats their own baseline for the same hours by
 * both thresholds of their tier. Days dockhand did not watch are left out of the baseline rather than
 * counted as zero spend, and with no watched day at all there is no baseline and so no anomaly.
 */
export function findAnomalies(input: AnomalyInput): CostAnomaly[] {
  const enough = input.hours * MIN_WATCHED_SHARE;
  if (input.recent.watchedHours < enough) return [];
  const baselines = input.baselines.filter((b) => b.watchedHours >= enough).map((b) => dollarsByEnvironment(b.estimate));
  if (baselines.length === 0) return [];
  const anomalies: CostAnomaly[] = [];
  for (const [environment, recentDollars] of dollarsByEnvironment(input.recent.estimate)) {
    const baselineDollars = baselines.reduce((sum, day) => sum + (day.get(environment) ?? 0), 0) / baselines.length;
    const tier = input.tierOf(environment);
    const thresholds = input.thresholds[tier];
    if (!isCostAnomaly({ recentSpend: recentDollars, baselineSpend: baselineDollars, dollarThreshold: thresholds.dollars, percentThreshold: thresholds.percent })) continue;
    anomalies.push({ environment, tier, recentDollars, baselineDollars, baselineDays: baselines.length, increase: spendIncrease(recentDollars, baselineDollars) });
  }
  return anomalies.sort((a, b) => b.increase.dollars - a.increase.dollars);
}
