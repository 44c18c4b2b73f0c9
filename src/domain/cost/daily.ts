import type { CostEstimate, ScheduleSavings } from './estimate.js';
import { UNTAGGED, type BilledTotal } from './report.js';

/** Beyond this many environments a chart's legend stops being readable: the cheapest are drawn as one. */
export const MAX_CHARTED_ENVIRONMENTS = 8;

/** One environment on one UTC day: what dockhand estimated, what Cost Explorer billed, and what parking saved. */
export interface DailyCost {
  /** YYYY-MM-DD (UTC, as Cost Explorer's days). */
  day: string;
  /** The environment, or the `other (N)` group of the cheapest. */
  environment: string;
  estimate: number;
  /** Null when Cost Explorer has no figure for the environment that day. */
  billed: number | null;
  /** Hours the environment's services were parked that day (a union: two services parked at once count once). */
  parkedHours: number;
  /** What those parked hours would have cost running. */
  saved: number;
}

/** Cost per day by environment over a period: what the chart of `/env cost` and the digest draws. */
export interface CostPerDay {
  /** Every day of the period, oldest first. */
  days: string[];
  /** The last day when it is still going on (today), so its bar is read as "so far". */
  partialDay: string | null;
  /** In legend order: the most expensive first, the `other` group last. */
  environments: string[];
  points: DailyCost[];
  /** Some billed figures are still being billed (the last day or two). */
  billedEstimated: boolean;
  /** Whether Cost Explorer had any figure for the days shown. */
  hasBilled: boolean;
}

/** What one day of the period holds, read from the cost history and Cost Explorer's figures. */
export interface CostDayInput {
  day: string;
  estimate: CostEstimate;
  savings: ReadonlyMap<string, ScheduleSavings>;
  billed: ReadonlyMap<string, BilledTotal>;
}

export interface CostPerDayInput {
  days: readonly CostDayInput[];
  /** Which environments to show: those the asker (or the digest's channel) may see. */
  include: (environment: string) => boolean;
  partialDay: string | null;
  maxEnvironments?: number;
}

function otherLabel(count: number): string {
  return `other (${count})`;
}

/** Each shown environment's figures per day; the environments past the legend's limit summed into one group. */
export function costPerDay(input: CostPerDayInput): CostPerDay {
  const max = Math.max(2, input.maxEnvironments ?? MAX_CHARTED_ENVIRONMENTS);
  const raw: DailyCost[] = [];
  let billedEstimated = false;
  let hasBilled = false;
  for (const { day, estimate, savings, billed } of input.days) {
    const estimates = new Map(estimate.environments.flatMap((e) => (e.environment === null ? [] : [[e.environment, e.dollars] as const])));
    const names = new Set([...estimates.keys(), ...savings.keys(), ...[...billed.keys()].filter((name) => name !== UNTAGGED)]);
    for (const environment of [...names].filter(input.include)) {
      const bill = billed.get(environment) ?? null;
      if (bill) {
        hasBilled = true;
        billedEstimated ||= bill.estimated;
      }
      const saved = savings.get(environment);
      raw.push({ day, environment, estimate: estimates.get(environment) ?? 0, billed: bill?.dollars ?? null, parkedHours: saved?.parkedHours ?? 0, saved: saved?.dollars ?? 0 });
    }
  }
  const totals = new Map<string, number>();
  for (const point of raw) totals.set(point.environment, (totals.get(point.environment) ?? 0) + Math.max(point.estimate, point.billed ?? 0) + point.saved);
  const ranked = [...totals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([name]) => name);
  const kept = ranked.length <= max ? ranked : ranked.slice(0, max - 1);
  const grouped = ranked.length - kept.length;
  const keep = new Set(kept);
  const points = raw.filter((point) => keep.has(point.environment));
  if (grouped > 0) points.push(...groupOthers(raw.filter((point) => !keep.has(point.environment)), otherLabel(grouped)));
  return {
    days: input.days.map((d) => d.day),
    partialDay: input.partialDay,
    environments: grouped > 0 ? [...kept, otherLabel(grouped)] : kept,
    points,
    billedEstimated,
    hasBilled,
  };
}

/** The environments past the legend's limit as one per day; billed stays null only when none of them was billed. */
function groupOthers(points: readonly DailyCost[], label: string): DailyCost[] {
  const byDay = new Map<string, DailyCost>();
  for (const point of points) {
    const sum = byDay.get(point.day) ?? { day: point.day, environment: label, estimate: 0, billed: null, parkedHours: 0, saved: 0 };
    sum.estimate += point.estimate;
    if (point.billed !== null) sum.billed = (sum.billed ?? 0) + point.billed;
    // Parked hours of several environments add up (environment-hours), as the savings do.
    sum.parkedHours += point.parkedHours;
    sum.saved += point.saved;
    byDay.set(point.day, sum);
  }
  return [...byDay.values()];
}

/** Whether there is anything to draw: a chart of nothing would say less than the table it goes with. */
export function hasCostToChart(data: CostPerDay): boolean {
  return data.points.some((point) => point.estimate > 0 || (point.billed ?? 0) > 0 || point.saved > 0);
}
