import {
  estimateCost,
  hourlyRate,
  savedBySchedule,
  unionHours,
  type CostEstimate,
  type CostOptions,
  type CostedService,
  type InventorySample,
  type ScheduleSavings,
  type TimeInterval,
} from './estimate.js';

/**
 * Inventory history as stored: runs of identical observations. A run stands from its first refresh until
 * `maxSampleGapMs` after its last (or until the next run), exactly as its samples would have one by one.
 */
export interface SampleRun {
  from: Date;
  /** The last refresh that saw these counts. */
  to: Date;
  running: number;
  desired: number;
  /** The desired count dockhand recorded when it parked the service; null while not parked. */
  parkedDesired: number | null;
}

/** One priced shape of one service and its runs, oldest first. */
export interface ServiceHistory {
  service: CostedService & { account: string };
  runs: readonly SampleRun[];
}

export interface HistorySettings extends CostOptions {
  /** How long one observation stands without a newer one (two refresh intervals). */
  maxSampleGapMs: number;
}

/** Where each run stops standing: the next run's start, or maxSampleGapMs after its last observation. */
function runSpans(runs: readonly SampleRun[], maxSampleGapMs: number): { run: SampleRun; interval: TimeInterval }[] {
  return runs.map((run, i) => {
    const next = runs[i + 1]?.from.getTime() ?? Infinity;
    const end = Math.min(next, run.to.getTime() + maxSampleGapMs);
    return { run, interval: { from: run.from, to: new Date(Math.max(end, run.from.getTime())) } };
  });
}

/** The runs as inventory samples, each standing for the whole run. */
export function samplesOf(runs: readonly SampleRun[], maxSampleGapMs: number): InventorySample[] {
  return runs.map((run) => ({ at: run.from, running: run.running, holdMs: run.to.getTime() - run.from.getTime() + maxSampleGapMs }));
}

export function estimateHistory(histories: readonly ServiceHistory[], window: TimeInterval, settings: HistorySettings): CostEstimate {
  const series = histories.map((history) => ({ service: history.service, samples: samplesOf(history.runs, settings.maxSampleGapMs) }));
  return estimateCost(series, { ...window, maxSampleGapMs: settings.maxSampleGapMs }, settings);
}

/** Hours of the window in which dockhand was watching at all (any service sampled): how much the figures cover. */
export function watchedHours(histories: readonly ServiceHistory[], window: TimeInterval, maxSampleGapMs: number): number {
  const intervals = histories.flatMap((history) => runSpans(history.runs, maxSampleGapMs).map((span) => span.interval));
  return unionHours(intervals, window);
}

/**
 * Watched hours per environment: a region whose refreshes fail is not sampled, so its environments have a
 * gap even while the rest of the fleet is watched, and their estimates cover less of the window.
 */
export function watchedHoursByEnvironment(histories: readonly ServiceHistory[], window: TimeInterval, maxSampleGapMs: number): Map<string, number> {
  const byEnvironment = new Map<string, ServiceHistory[]>();
  for (const history of histories) {
    const environment = history.service.environment;
    if (environment !== null) byEnvironment.set(environment, [...(byEnvironment.get(environment) ?? []), history]);
  }
  return new Map([...byEnvironment].map(([environment, own]) => [environment, watchedHours(own, window, maxSampleGapMs)]));
}

/**
 * Saved by schedule per environment: hours dockhand had it parked × what it costs an hour while running,
 * priced with the desired counts recorded at parking (the count it would otherwise have run).
 */
export function savingsByEnvironment(
  histories: readonly ServiceHistory[],
  window: TimeInterval,
  settings: HistorySettings,
): Map<string, ScheduleSavings> {
  const parked = new Map<string, { intervals: TimeInterval[]; rates: Map<string, number> }>();
  for (const history of histories) {
    const environment = history.service.environment;
    if (environment === null) continue;
    for (const { run, interval } of runSpans(history.runs, settings.maxSampleGapMs)) {
      if (run.parkedDesired === null) continue;
      const entry = parked.get(environment) ?? { intervals: [], rates: new Map<string, number>() };
      entry.intervals.push(interval);
      // Runs are oldest first, so the latest parking of each service sets its rate.
      entry.rates.set(history.service.arn, hourlyRate(history.service, run.parkedDesired, settings).dollarsPerHour);
      parked.set(environment, entry);
    }
  }
  const savings = new Map<string, ScheduleSavings>();
  for (const [environment, { intervals, rates }] of parked) {
    const ratePerHour = [...rates.values()].reduce((sum, rate) => sum + rate, 0);
    savings.set(environment, savedBySchedule(intervals, ratePerHour, window));
  }
  return savings;
}
