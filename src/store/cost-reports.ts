import type { WatchedEstimate } from '../domain/cost/anomaly.js';
import type { CostEstimate, EnvironmentCostEstimate, TimeInterval } from '../domain/cost/estimate.js';
import { estimateHistory, savingsByEnvironment, watchedHours, watchedHoursByEnvironment, type HistorySettings } from '../domain/cost/history.js';
import { costPerDay, type CostPerDay } from '../domain/cost/daily.js';
import { utcDay } from '../domain/time-format.js';
import { costRows, daysOf, periodWindows, totalsOf, UNTAGGED, type BilledTotal, type CostPeriod, type CostRow, type CostTotalsRow, type PeriodWindows } from '../domain/cost/report.js';
import type { CostActualsStore } from './cost-actuals-store.js';
import type { CostHistoryStore } from './cost-history-store.js';

/** The previous period is compared only when dockhand watched at least this share of it. */
const MIN_PREVIOUS_WATCHED_SHARE = 0.5;
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

export interface CostTable {
  rows: CostRow[];
  totals: CostTotalsRow;
  /** Spend outside any environment: services without one, and billed spend without the tag. */
  unassigned: { estimate: number; billed: BilledTotal | null };
  /** Hours of the window dockhand was sampling; less than the window when it was not running. */
  watchedHours: number;
  windowHours: number;
}

export interface CostReport extends CostTable {
  windows: PeriodWindows;
  /** Per service, for a report on one environment. */
  services: EnvironmentCostEstimate['services'];
}

export interface CostTableRequest {
  window: TimeInterval;
  /** The period to compare with, if any. */
  previous?: TimeInterval;
  include: (environment: string) => boolean;
  /** Narrows the history read to one environment. */
  environment?: string;
}

function hoursOf(window: TimeInterval): number {
  return (window.to.getTime() - window.from.getTime()) / MS_PER_HOUR;
}

/** Estimates from inventory samples next to Cost Explorer's figures, as `/env cost` and the digest show them. */
export class CostReports {
  constructor(
    private readonly history: CostHistoryStore,
    private readonly actuals: CostActualsStore,
    readonly settings: HistorySettings,
  ) {}

  /** Several windows from one read of the history: the anomaly check compares eight. */
  async estimates(windows: readonly TimeInterval[]): Promise<WatchedEstimate[]> {
    if (windows.length === 0) return [];
    const span = {
      from: new Date(Math.min(...windows.map((w) => w.from.getTime()))),
      to: new Date(Math.max(...windows.map((w) => w.to.getTime()))),
    };
    const histories = await this.history.histories(span, this.settings.maxSampleGapMs);
    return windows.map((window) => ({
      estimate: estimateHistory(histories, window, this.settings),
      watchedHours: watchedHours(histories, window, this.settings.maxSampleGapMs),
    }));
  }

  async table(request: CostTableRequest): Promise<CostTable & { current: CostEstimate }> {
    const { window, previous } = request;
    const readFrom = previous && previous.from < window.from ? previous.from : window.from;
    const histories = await this.history.histories({ from: readFrom, to: window.to }, this.settings.maxSampleGapMs, request.environment);
    const gap = this.settings.maxSampleGapMs;
    const current = estimateHistory(histories, window, this.settings);
    const previousWatched = previous ? watchedHours(histories, previous, gap) : 0;
    const comparable = previous !== undefined && previousWatched >= hoursOf(previous) * MIN_PREVIOUS_WATCHED_SHARE;
    const billed = await this.actuals.billed(daysOf(window));
    const rows = costRows({
      current,
      previous: comparable ? estimateHistory(histories, previous, this.settings) : null,
      billed,
      savings: savingsByEnvironment(histories, window, this.settings),
      watched: watchedHoursByEnvironment(histories, window, gap),
      include: request.include,
    });
    return {
      current,
      rows,
      totals: totalsOf(rows),
      unassigned: { estimate: current.environments.find((e) => e.environment === null)?.dollars ?? 0, billed: billed.get(UNTAGGED) ?? null },
      watchedHours: watchedHours(histories, window, gap),
      windowHours: hoursOf(window),
    };
  }

  /** `/env cost`: the period against the one before; for one environment, its services too. */
  async report(period: CostPeriod, now: Date, include: (environment: string) => boolean, environment?: string): Promise<CostReport> {
    const windows = periodWindows(period, now);
    const { current, ...table } = await this.table({
      window: windows.current,
      previous: windows.previous,
      include,
      ...(environment === undefined ? {} : { environment }),
    });
    const services = environment === undefined ? [] : (current.environments.find((e) => e.environment === environment)?.services ?? []);
    return { ...table, windows, services };
  }

  /**
   * The period's cost per UTC day by environment (estimate, billed, parked), from one read of the history:
   * what the chart of `/env cost` and the digest draws. The last day ends at `now` when it is today.
   */
  async daily(period: CostPeriod, now: Date, include: (environment: string) => boolean, environment?: string): Promise<CostPerDay> {
    const { current } = periodWindows(period, now);
    const gap = this.settings.maxSampleGapMs;
    const histories = await this.history.histories(current, gap, environment);
    const billed = await this.actuals.billedByDay(daysOf(current));
    const days = [];
    for (let from = current.from.getTime(); from < current.to.getTime(); from += MS_PER_DAY) {
      const window = { from: new Date(from), to: new Date(Math.min(from + MS_PER_DAY, current.to.getTime())) };
      const day = utcDay(window.from);
      days.push({ day, estimate: estimateHistory(histories, window, this.settings), savings: savingsByEnvironment(histories, window, this.settings), billed: billed.get(day) ?? new Map() });
    }
    const last = days.at(-1)?.day;
    const partialDay = last !== undefined && now.getTime() < Date.parse(`${last}T00:00:00Z`) + MS_PER_DAY ? last : null;
    return costPerDay({ days, include, partialDay });
  }
}
