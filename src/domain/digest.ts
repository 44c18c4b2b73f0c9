import { DateTime } from 'luxon';
import type { DecodedEvent } from './trail/decode.js';
import type { CostRow } from './cost/report.js';
import type { Environment } from './environments.js';
import type { IdleFinding, OrphanService } from './idle.js';
import type { ChangeCount, TrailGap } from './trail/changes.js';
import { utcDay } from './time-format.js';
import type { Override } from './schedules/decide.js';

/** The digest as data: what each section says, before anyone decides how it looks in Slack. */

/** The calendar date at `now` in the zone: a digest is posted once per channel and local date. */
export function localDateOf(now: Date, timeZone: string): string {
  return DateTime.fromJSDate(now, { zone: timeZone }).toISODate() ?? utcDay(now);
}

export interface FleetSummary {
  total: number;
  running: number;
  /** Every service at zero (parked by dockhand or scaled down). */
  parked: number;
  degraded: number;
  /** Partial or in transition. */
  other: number;
  degradedNames: string[];
}

export function fleetSummary(environments: readonly Environment[]): FleetSummary {
  const count = (predicate: (env: Environment) => boolean) => environments.filter(predicate).length;
  const running = count((e) => e.state === 'running');
  const parked = count((e) => e.state === 'stopped');
  const degradedNames = environments.filter((e) => e.state === 'degraded').map((e) => e.name);
  return {
    total: environments.length,
    running,
    parked,
    degraded: degradedNames.length,
    other: environments.length - running - parked - degradedNames.length,
    degradedNames,
  };
}

export interface DigestCostRow {
  environment: string;
  yesterday: CostRow | null;
  monthToDate: CostRow | null;
}

/** Yesterday's and the month's rows side by side, ordered by month-to-date spend. */
export function digestCostRows(yesterday: readonly CostRow[], monthToDate: readonly CostRow[]): DigestCostRow[] {
  const byName = new Map<string, DigestCostRow>();
  for (const row of monthToDate) byName.set(row.environment, { environment: row.environment, yesterday: null, monthToDate: row });
  for (const row of yesterday) {
    const entry = byName.get(row.environment) ?? { environment: row.environment, yesterday: null, monthToDate: null };
    entry.yesterday = row;
    byName.set(row.environment, entry);
  }
  return [...byName.values()].sort((a, b) => (b.monthToDate?.estimate ?? 0) - (a.monthToDate?.estimate ?? 0) || a.environment.localeCompare(b.environment));
}

/** An anomaly dockhand alerted about: the estimate over the window against the baseline for the same hours. */
export interface AlertedAnomaly {
  environment: string;
  windowStart: Date;
  recentDollars: number;
  baselineDollars: number;
}

/** A request waiting for a second person (the part of an approval the digest names). */
export interface PendingApproval {
  id: number;
  verb: string;
  environment: string;
  params: Record<string, unknown>;
  requestedBy: string;
}

/** An environment the schedule leaves alone for now: extended, or started or stopped by a person. */
export interface ActiveOverride {
  environment: string;
  override: Override;
}

export type DigestSectionModel =
  | { kind: 'fleet'; summary: FleetSummary }
  | { kind: 'idle'; findings: IdleFinding[]; orphans: OrphanService[] }
  | { kind: 'cost'; rows: DigestCostRow[] }
  | { kind: 'changes'; counts: ChangeCount[]; flagged: DecodedEvent[]; gaps: TrailGap[]; now: Date }
  | { kind: 'anomalies'; alerts: AlertedAnomaly[] }
  | { kind: 'approvals'; pending: PendingApproval[] }
  | { kind: 'overrides'; overrides: ActiveOverride[] };

export interface DigestModel {
  /** The local date the digest is for, in its time zone. */
  localDate: string;
  timeZone: string;
  environments: number;
  sections: DigestSectionModel[];
}
