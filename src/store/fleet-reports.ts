import type { DigestSection } from '../config/report-policy.js';
import type { DecodedEvent } from '../domain/trail/decode.js';
import type { TimeInterval } from '../domain/cost/estimate.js';
import { monthToDateWindow, yesterdayWindow } from '../domain/cost/report.js';
import { digestCostRows, fleetSummary, type ActiveOverride, type AlertedAnomaly, type DigestModel, type DigestSectionModel, type PendingApproval } from '../domain/digest.js';
import type { Environment } from '../domain/environments.js';
import { idleFindings, monthlyRunRate, orphanServices, type IdleFinding, type IdleRules, type OrphanService } from '../domain/idle.js';
import type { ServiceSnapshot } from '../domain/inventory.js';
import { changeCounts, trailGaps, type TrailGap, type TrailReadState } from '../domain/trail/changes.js';
import type { CostReports } from './cost-reports.js';
import type { Fleet } from './fleet.js';
import type { TrailLocation, TrailStore } from './trail-store.js';
import type { NoticesStore } from './notices-store.js';

const DAY_MS = 86_400_000;

/** Who a report is for: the environments they may see, and whether they see what belongs to none. */
export interface Audience {
  sees: (environment: string) => boolean;
  seesUnplaced: boolean;
}

/** What another feature contributes to the digest (approvals, overrides), for the given environments. */
export type DigestContribution<T> = (environments: readonly string[], now: Date) => T[] | Promise<T[]>;

export interface FleetReportsDeps {
  fleet: Pick<Fleet, 'environments'>;
  /** The inventory snapshot, for services that belong to no environment. */
  services: () => readonly ServiceSnapshot[];
  costs: CostReports;
  trail: TrailStore;
  store: NoticesStore;
  idleRules: IdleRules;
  /** Whether the environment's schedule wants it up at `at`; null when it has none. */
  isUp?: (environments: readonly Environment[]) => Promise<(environment: string, at: Date) => boolean | null>;
  /** Keys (domain/idle.ts ownerKey) of everyone active in the Slack workspace; undefined when unknown. */
  activeOwners?: () => Promise<ReadonlySet<string> | undefined>;
  /** Every location the CloudTrail ingest reads, named for people; without it, the ones read so far. */
  trailLocations?: ReadonlyArray<TrailLocation & { label: string }>;
  /** Reads that ended longer ago than this are stale: the ingest has stopped (default 30 minutes). */
  trailStaleMs?: number;
  pendingApprovals?: DigestContribution<PendingApproval>;
  activeOverrides?: DigestContribution<ActiveOverride>;
}

export interface IdleReport {
  findings: IdleFinding[];
  /** Null when the audience does not see services outside environments. */
  orphans: OrphanService[] | null;
}

/** Idle environments, changes and digests, as `/env idle`, `/env who`, `/env digest` and the digest job read them. */
export class FleetReports {
  constructor(private readonly deps: FleetReportsDeps) {}

  private visibleEnvironments(audience: Audience): Environment[] {
    return this.deps.fleet.environments().filter((env) => audience.sees(env.name));
  }

  async idle(now: Date, audience: Audience): Promise<IdleReport> {
    const { costs, trail, store, idleRules } = this.deps;
    const environments = this.visibleEnvironments(audience);
    const isUp = await this.deps.isUp?.(environments);
    // Only changes within the untouched horizon can clear the rule; older ones leave it flagged either way.
    const lastChanges = await trail.lastChanges(new Date(now.getTime() - Math.max(idleRules.untouchedDays, 1) * DAY_MS));
    const snoozes = await store.snoozes(now);
    const activeOwners = await this.deps.activeOwners?.();
    const findings = idleFindings({
      environments,
      now,
      rules: idleRules,
      monthlyCost: (env) => monthlyRunRate(env.services, costs.settings),
      lastChangeAt: (name) => lastChanges.get(name) ?? null,
      snoozedUntil: (name) => snoozes.get(name) ?? null,
      ...(isUp ? { isUp } : {}),
      ...(activeOwners ? { activeOwners } : {}),
    });
    return { findings, orphans: audience.seesUnplaced ? orphanServices(this.deps.services(), costs.settings) : null };
  }

  /** Newest first: one environment's (the caller checked the audience may see it), or all the audience sees. */
  async changes(window: TimeInterval, audience: Audience, environment?: string): Promise<DecodedEvent[]> {
    if (environment !== undefined) return this.deps.trail.events({ ...window, environments: [environment], includeUnplaced: false });
    return (await this.deps.trail.events({ ...window, environments: null, includeUnplaced: audience.seesUnplaced }))
      .filter((event) => event.what.environment === null || audience.sees(event.what.environment));
  }

  /** Why "no changes" cannot be said for the window; empty when CloudTrail was read for all of it. */
  async trailGaps(window: TimeInterval): Promise<TrailGap[]> {
    const { trail } = this.deps;
    const key = (l: TrailLocation) => `${l.account}/${l.region}/${l.eventSource}`;
    const cursors = new Map((await trail.cursors()).map((c) => [key(c), c]));
    const failures = new Map((await trail.failures()).map((f) => [key(f), f]));
    const locations =
      this.deps.trailLocations ??
      [...new Map([...cursors.values(), ...failures.values()].map((l) => [key(l), { ...l, label: `${l.account} ${l.region} ${l.eventSource}` }])).values()];
    const states = locations.map((location): TrailReadState => {
      const cursor = cursors.get(key(location));
      const failure = failures.get(key(location));
      return { label: location.label, fromMs: cursor?.startMs ?? null, toMs: cursor?.endMs ?? null, failure: failure ? { atMs: failure.atMs, error: failure.error } : null };
    });
    if (states.length === 0) return [{ label: 'CloudTrail', kind: 'never-read' }];
    return trailGaps(states, window, this.deps.trailStaleMs ?? 30 * 60_000);
  }

  private async anomalies(since: Date, audience: Audience): Promise<AlertedAnomaly[]> {
    const seen = new Map<string, AlertedAnomaly>();
    for (const row of await this.deps.store.anomalyAlertsSince(since)) {
      if (!audience.sees(row.environment)) continue;
      seen.set(`${row.environment}/${row.windowStartMs}`, {
        environment: row.environment,
        windowStart: new Date(row.windowStartMs),
        recentDollars: row.recentDollars,
        baselineDollars: row.baselineDollars,
      });
    }
    return [...seen.values()].sort((a, b) => b.windowStart.getTime() - a.windowStart.getTime());
  }

  private async section(kind: DigestSection, now: Date, audience: Audience, environments: readonly Environment[]): Promise<DigestSectionModel | null> {
    const names = environments.map((env) => env.name);
    const lastDay = { from: new Date(now.getTime() - DAY_MS), to: now };
    switch (kind) {
      case 'fleet':
        return { kind, summary: fleetSummary(environments) };
      case 'idle': {
        const idle = await this.idle(now, audience);
        return { kind, findings: idle.findings, orphans: idle.orphans ?? [] };
      }
      case 'cost': {
        const yesterday = await this.deps.costs.table({ window: yesterdayWindow(now), include: audience.sees });
        const monthToDate = await this.deps.costs.table({ window: monthToDateWindow(now), include: audience.sees });
        return { kind, rows: digestCostRows(yesterday.rows, monthToDate.rows) };
      }
      case 'changes': {
        const events = await this.changes(lastDay, audience);
        return { kind, counts: changeCounts(events), flagged: events.filter((event) => event.flags.length > 0), gaps: await this.trailGaps(lastDay), now };
      }
      case 'anomalies':
        return { kind, alerts: await this.anomalies(lastDay.from, audience) };
      case 'approvals':
        return this.deps.pendingApprovals ? { kind, pending: await this.deps.pendingApprovals(names, now) } : null;
      case 'overrides':
        return this.deps.activeOverrides ? { kind, overrides: await this.deps.activeOverrides(names, now) } : null;
    }
  }

  /** The digest's content for an audience; sections another feature has not supplied yet are left out. */
  async digest(spec: { sections: readonly DigestSection[]; timeZone: string; localDate: string }, now: Date, audience: Audience): Promise<DigestModel> {
    const environments = this.visibleEnvironments(audience);
    const sections: DigestSectionModel[] = [];
    for (const kind of spec.sections) {
      const section = await this.section(kind, now, audience, environments);
      if (section) sections.push(section);
    }
    return { localDate: spec.localDate, timeZone: spec.timeZone, environments: environments.length, sections };
  }
}
