import { rateFor, type FargateRateOverrides, type RateSource } from './fargate-rates.js';
import type { Capacity, ServiceSnapshot, TaskDefinitionInfo } from '../inventory.js';

/** AWS's own convention for a month of hours (365 × 24 / 12), used by its pricing pages and calculator. */
export const HOURS_PER_MONTH = 730;

const MS_PER_HOUR = 3_600_000;

/** What pricing a service needs: where it runs, on what capacity, and how big one task is. */
export interface PricedServiceShape {
  region: string;
  capacity: Capacity;
  taskDefinition: Pick<TaskDefinitionInfo, 'cpu' | 'memoryMiB' | 'architecture'> | null;
}

export interface CostOptions {
  overrides?: FargateRateOverrides;
  /**
   * Share of a `mixed` service's tasks that run on Fargate Spot, 0..1. Inventory only knows the strategy is
   * mixed, not the split, so the default assumes half and half; pass the strategy's weight share when known.
   */
  mixedSpotShare?: number;
}

export const DEFAULT_MIXED_SPOT_SHARE = 0.5;

/** `unpriced` when the task definition (and so the task size) is unknown: cost is then reported as 0. */
export type CostSource = RateSource | 'unpriced';

export interface HourlyRate {
  dollarsPerHour: number;
  source: CostSource;
}

/** Ordered from most to least trustworthy, so a total can carry the weakest label of its parts. */
const SOURCE_RANK: Record<CostSource, number> = { table: 0, override: 1, fallback: 2, unpriced: 3 };

export function weakestSource(sources: Iterable<CostSource>): CostSource {
  let weakest: CostSource = 'table';
  for (const source of sources) if (SOURCE_RANK[source] > SOURCE_RANK[weakest]) weakest = source;
  return weakest;
}

function perTaskDollarsPerHour(
  shape: PricedServiceShape & { taskDefinition: NonNullable<PricedServiceShape['taskDefinition']> },
  capacity: 'on-demand' | 'spot',
  overrides: FargateRateOverrides | undefined,
): HourlyRate {
  const { cpu, memoryMiB, architecture } = shape.taskDefinition;
  const rate = rateFor(shape.region, architecture, capacity, overrides);
  // Fargate bills vCPU as CPU units / 1024 and memory in GB as MiB / 1024.
  return { dollarsPerHour: (cpu / 1024) * rate.vcpuHour + (memoryMiB / 1024) * rate.gbHour, source: rate.source };
}

/** Dollars per hour for `tasks` running tasks of the service. */
export function hourlyRate(service: PricedServiceShape, tasks: number, options: CostOptions = {}): HourlyRate {
  const taskDefinition = service.taskDefinition;
  if (!taskDefinition) return { dollarsPerHour: 0, source: 'unpriced' };
  const shape = { ...service, taskDefinition };
  const count = Math.max(0, tasks);
  if (service.capacity !== 'mixed') {
    const perTask = perTaskDollarsPerHour(shape, service.capacity, options.overrides);
    return { dollarsPerHour: perTask.dollarsPerHour * count, source: perTask.source };
  }
  const spotShare = Math.min(Math.max(options.mixedSpotShare ?? DEFAULT_MIXED_SPOT_SHARE, 0), 1);
  const onDemand = perTaskDollarsPerHour(shape, 'on-demand', options.overrides);
  const spot = perTaskDollarsPerHour(shape, 'spot', options.overrides);
  const blended = (1 - spotShare) * onDemand.dollarsPerHour + spotShare * spot.dollarsPerHour;
  return { dollarsPerHour: blended * count, source: weakestSource([onDemand.source, spot.source]) };
}

export function monthlyCost(hourlyDollars: number): number {
  return hourlyDollars * HOURS_PER_MONTH;
}

export interface InventorySample {
  at: Date;
  running: number;
  /**
   * How long this sample may stand when no newer sample follows, instead of the window's maxSampleGapMs:
   * a stored run of identical observations is one sample that stands for all of them.
   */
  holdMs?: number;
}

export type CostedService = Pick<ServiceSnapshot, 'arn' | 'name' | 'cluster' | 'environment'> & PricedServiceShape;

/** A service's running-task samples; split a service into several series when its shape changed. */
export interface ServiceSamples {
  service: CostedService;
  samples: readonly InventorySample[];
}

export interface EstimateWindow {
  from: Date;
  /** Exclusive. */
  to: Date;
  /**
   * How long a sample may stand for the running count when no newer sample follows. Past it the time is
   * uncovered and costs nothing: if the bot was down, the estimate must not invent hours it never saw.
   */
  maxSampleGapMs: number;
}

/** Two refresh intervals: one missed refresh is tolerated, a stopped bot is not. */
export function maxSampleGapFor(refreshIntervalMs: number): number {
  return 2 * refreshIntervalMs;
}

export interface CostTotals {
  taskHours: number;
  dollars: number;
}

export interface ServiceCostEstimate extends CostTotals {
  arn: string;
  name: string;
  cluster: string;
  environment: string | null;
  source: CostSource;
  /** Hours of the window some sample stood for; less than the window when the bot was not watching. */
  coveredHours: number;
}

export interface EnvironmentCostEstimate extends CostTotals {
  /** Null for services that belong to no environment. */
  environment: string | null;
  source: CostSource;
  services: ServiceCostEstimate[];
}

export interface CostEstimate extends CostTotals {
  from: Date;
  to: Date;
  /** Most expensive first. */
  services: ServiceCostEstimate[];
  /** Most expensive first. */
  environments: EnvironmentCostEstimate[];
}

interface Integrated {
  taskHours: number;
  coveredHours: number;
}

/** Step-function integral of running tasks over [from, to): each sample holds until the next or the max gap. */
export function integrateTaskHours(samples: readonly InventorySample[], window: EstimateWindow): Integrated {
  const from = window.from.getTime();
  const to = window.to.getTime();
  const ordered = [...samples].sort((a, b) => a.at.getTime() - b.at.getTime());
  let taskMs = 0;
  let coveredMs = 0;
  for (let i = 0; i < ordered.length; i++) {
    const sample = ordered[i]!;
    const start = sample.at.getTime();
    const next = ordered[i + 1]?.at.getTime() ?? Infinity;
    const end = Math.min(next, start + (sample.holdMs ?? window.maxSampleGapMs), to);
    const span = end - Math.max(start, from);
    if (span <= 0) continue;
    coveredMs += span;
    const running = Number.isFinite(sample.running) ? Math.max(0, sample.running) : 0;
    taskMs += running * span;
  }
  return { taskHours: taskMs / MS_PER_HOUR, coveredHours: coveredMs / MS_PER_HOUR };
}

/** Most expensive first; ties (often all zero) by name, with no name (no environment) last. */
function byDollarsThenName<T extends CostTotals>(name: (item: T) => string | null): (a: T, b: T) => number {
  return (a, b) => {
    const nameA = name(a);
    const nameB = name(b);
    if (b.dollars !== a.dollars) return b.dollars - a.dollars;
    if (nameA === nameB) return 0;
    if (nameA === null || nameB === null) return nameA === null ? 1 : -1;
    return nameA.localeCompare(nameB);
  };
}

/**
 * Estimated cost of each service and environment over the window, from inventory samples.
 * Series of the same service (same ARN) are summed, so a shape change mid-window prices each part right.
 */
export function estimateCost(series: readonly ServiceSamples[], window: EstimateWindow, options: CostOptions = {}): CostEstimate {
  const services = new Map<string, ServiceCostEstimate>();
  for (const { service, samples } of series) {
    const integrated = integrateTaskHours(samples, window);
    // Price one task-hour; linear in tasks, so task-hours × that is the integral of the rate.
    const perTaskHour = hourlyRate(service, 1, options);
    const dollars = integrated.taskHours * perTaskHour.dollarsPerHour;
    const existing = services.get(service.arn);
    if (existing) {
      existing.taskHours += integrated.taskHours;
      existing.dollars += dollars;
      existing.coveredHours += integrated.coveredHours;
      existing.source = weakestSource([existing.source, perTaskHour.source]);
      continue;
    }
    services.set(service.arn, {
      arn: service.arn,
      name: service.name,
      cluster: service.cluster,
      environment: service.environment,
      taskHours: integrated.taskHours,
      dollars,
      source: perTaskHour.source,
      coveredHours: integrated.coveredHours,
    });
  }

  const environments = new Map<string | null, EnvironmentCostEstimate>();
  for (const service of services.values()) {
    let environment = environments.get(service.environment);
    if (!environment) {
      environment = { environment: service.environment, taskHours: 0, dollars: 0, source: 'table', services: [] };
      environments.set(service.environment, environment);
    }
    environment.taskHours += service.taskHours;
    environment.dollars += service.dollars;
    environment.source = weakestSource([environment.source, service.source]);
    environment.services.push(service);
  }

  const serviceOrder = byDollarsThenName<ServiceCostEstimate>((s) => `${s.cluster}/${s.name}`);
  for (const environment of environments.values()) environment.services.sort(serviceOrder);
  const allServices = [...services.values()].sort(serviceOrder);
  return {
    from: window.from,
    to: window.to,
    taskHours: allServices.reduce((sum, s) => sum + s.taskHours, 0),
    dollars: allServices.reduce((sum, s) => sum + s.dollars, 0),
    services: allServices,
    environments: [...environments.values()].sort(byDollarsThenName((e) => e.environment)),
  };
}

export interface TimeInterval {
  from: Date;
  to: Date;
}

export interface ScheduleSavings {
  parkedHours: number;
  dollars: number;
}

/** Hours covered by the union of the intervals (overlaps count once), clamped to `within` when given. */
export function unionHours(intervals: readonly TimeInterval[], within?: TimeInterval): number {
  const clampFrom = within?.from.getTime() ?? -Infinity;
  const clampTo = within?.to.getTime() ?? Infinity;
  const spans = intervals
    .map((interval) => [Math.max(interval.from.getTime(), clampFrom), Math.min(interval.to.getTime(), clampTo)] as const)
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0]);
  let coveredMs = 0;
  let coveredUntil = -Infinity;
  for (const [start, end] of spans) {
    if (end <= coveredUntil) continue;
    coveredMs += end - Math.max(start, coveredUntil);
    coveredUntil = end;
  }
  return coveredMs / MS_PER_HOUR;
}

/**
 * Hours parked × what the environment costs per hour while running. Overlapping intervals count once;
 * `within` clamps to a reporting period (e.g. month to date).
 */
export function savedBySchedule(
  parkedIntervals: readonly TimeInterval[],
  hourlyRateWhileRunning: number,
  within?: TimeInterval,
): ScheduleSavings {
  const parkedHours = unionHours(parkedIntervals, within);
  return { parkedHours, dollars: parkedHours * Math.max(0, hourlyRateWhileRunning) };
}

export const DEFAULT_ANOMALY_DOLLAR_THRESHOLD = 5;
export const DEFAULT_ANOMALY_PERCENT_THRESHOLD = 50;

export interface SpendIncrease {
  dollars: number;
  /** Null when the baseline is zero: any increase over nothing is an unbounded percentage. */
  percent: number | null;
}

export function spendIncrease(recentSpend: number, baselineSpend: number): SpendIncrease {
  const dollars = recentSpend - baselineSpend;
  return { dollars, percent: baselineSpend > 0 ? (dollars / baselineSpend) * 100 : null };
}

export interface CostAnomalyInput {
  /** Estimated spend over the recent hours. */
  recentSpend: number;
  /** The same hours' spend in the 7-day baseline (averaged by the caller). */
  baselineSpend: number;
  dollarThreshold?: number;
  /** In percent: 50 means "half again the baseline". */
  percentThreshold?: number;
}

/**
 * True only when recent spend exceeds the baseline by at least the dollar threshold AND at least the
 * percentage threshold: the dollar floor silences big relative jumps on tiny environments, the percentage
 * silences small wobbles on big ones. A zero baseline (a new or previously parked environment) makes any
 * increase infinitely large in percent, so the dollar threshold alone decides. Non-finite or negative
 * inputs are never anomalies.
 */
export function isCostAnomaly(input: CostAnomalyInput): boolean {
  const { recentSpend, baselineSpend } = input;
  const dollarThreshold = input.dollarThreshold ?? DEFAULT_ANOMALY_DOLLAR_THRESHOLD;
  const percentThreshold = input.percentThreshold ?? DEFAULT_ANOMALY_PERCENT_THRESHOLD;
  if (![recentSpend, baselineSpend, dollarThreshold, percentThreshold].every(Number.isFinite)) return false;
  if (recentSpend < 0 || baselineSpend < 0 || recentSpend <= baselineSpend) return false;
  const increase = spendIncrease(recentSpend, baselineSpend);
  return increase.dollars >= dollarThreshold && (increase.percent === null || increase.percent >= percentThreshold);
}
