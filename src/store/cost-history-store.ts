import { and, asc, desc, eq, gte, isNotNull, lt, lte, notExists, sql } from 'drizzle-orm';
import type { TimeInterval } from '../domain/cost/estimate.js';
import type { SampleRun, ServiceHistory } from '../domain/cost/history.js';
import type { ServiceSnapshot } from '../domain/inventory.js';
import { affected, first, type Database, type Tables } from './database.js';
import type { Db } from './db.js';
import type { costSeries } from './schema-cost.js';

/** One refresh's view of a service, and the desired count recorded if dockhand has it parked. */
export interface SampleObservation {
  service: ServiceSnapshot;
  parkedDesired: number | null;
}

/** A service as CloudTrail names it; a null account matches any. */
export interface ServiceLocation {
  accountId: string | null;
  region: string;
  cluster: string;
  service: string;
}

interface OpenRun {
  id: number;
  toMs: number;
  running: number;
  desired: number;
  parkedDesired: number | null;
}

type SeriesRow = typeof costSeries.$inferSelect;

function shapeOf(service: ServiceSnapshot): Omit<SeriesRow, 'id'> {
  const td = service.taskDefinition;
  const shape = {
    serviceArn: service.arn,
    account: service.account,
    region: service.region,
    cluster: service.cluster,
    service: service.name,
    environment: service.environment,
    capacity: service.capacity,
    cpu: td?.cpu ?? null,
    memoryMiB: td?.memoryMiB ?? null,
    architecture: td?.architecture ?? null,
  };
  const shapeKey = [shape.serviceArn, shape.environment, shape.capacity, shape.cpu, shape.memoryMiB, shape.architecture].map((v) => v ?? '').join('|');
  return { shapeKey, ...shape };
}

function historyService(row: SeriesRow): ServiceHistory['service'] {
  const { cpu, memoryMiB, architecture } = row;
  return {
    arn: row.serviceArn,
    account: row.account,
    region: row.region,
    cluster: row.cluster,
    name: row.service,
    environment: row.environment,
    capacity: row.capacity,
    taskDefinition: cpu !== null && memoryMiB !== null && architecture !== null ? { cpu, memoryMiB, architecture } : null,
  };
}

function locationIs(costSeries: Tables['costSeries'], location: ServiceLocation) {
  return and(
    location.accountId === null ? undefined : eq(costSeries.account, location.accountId),
    eq(costSeries.region, location.region),
    eq(costSeries.cluster, location.cluster),
    eq(costSeries.service, location.service),
  );
}

/** Inventory samples as runs of identical observations; what cost estimates, savings and anomalies read. */
export class CostHistoryStore {
  private readonly seriesIds = new Map<string, number>();
  private readonly openRuns = new Map<number, OpenRun | null>();

  constructor(private readonly database: Database) {}

  private async seriesId(db: Db, shape: Omit<SeriesRow, 'id'>): Promise<number> {
    const cached = this.seriesIds.get(shape.shapeKey);
    if (cached !== undefined) return cached;
    const { costSeries } = this.database.tables;
    await db.insert(costSeries).values(shape).onConflictDoNothing();
    const row = await first(db.select({ id: costSeries.id }).from(costSeries).where(eq(costSeries.shapeKey, shape.shapeKey)).limit(1));
    if (!row) throw new Error(`cost series ${shape.shapeKey} vanished while being recorded`);
    this.seriesIds.set(shape.shapeKey, row.id);
    return row.id;
  }

  private async openRun(db: Db, seriesId: number): Promise<OpenRun | null> {
    if (!this.openRuns.has(seriesId)) {
      const { sampleRuns } = this.database.tables;
      const row = await first(db.select().from(sampleRuns).where(eq(sampleRuns.seriesId, seriesId)).orderBy(desc(sampleRuns.fromMs)).limit(1));
      this.openRuns.set(seriesId, row ? { id: row.id, toMs: row.toMs, running: row.running, desired: row.desired, parkedDesired: row.parkedDesired } : null);
    }
    return this.openRuns.get(seriesId) ?? null;
  }

  /**
   * Records each service as seen at its `refreshedAt`. The same counts within `maxSampleGapMs` of the last
   * observation extend its run; anything else starts a new one. A snapshot already recorded (a location whose
   * refresh failed keeps its old snapshot) is skipped, so nothing is counted twice or invented.
   */
  async record(observations: readonly SampleObservation[], maxSampleGapMs: number): Promise<{ started: number; extended: number; skipped: number }> {
    const counts = { started: 0, extended: 0, skipped: 0 };
    const { sampleRuns } = this.database.tables;
    try {
      await this.database.transaction(async (tx) => {
        for (const { service, parkedDesired } of observations) {
          const at = Date.parse(service.refreshedAt);
          const seriesId = await this.seriesId(tx, shapeOf(service));
          const open = await this.openRun(tx, seriesId);
          if (open && at <= open.toMs) {
            counts.skipped += 1;
            continue;
          }
          const same = open && open.running === service.running && open.desired === service.desired && open.parkedDesired === parkedDesired;
          if (open && same && at - open.toMs <= maxSampleGapMs) {
            await tx.update(sampleRuns).set({ toMs: at }).where(eq(sampleRuns.id, open.id));
            open.toMs = at;
            counts.extended += 1;
            continue;
          }
          const values = { seriesId, fromMs: at, toMs: at, running: service.running, desired: service.desired, parkedDesired };
          const [{ id }] = (await tx.insert(sampleRuns).values(values).returning({ id: sampleRuns.id })) as [{ id: number }];
          this.openRuns.set(seriesId, { id, ...values });
          counts.started += 1;
        }
      });
    } catch (error) {
      // Rolled back: what the caches learned inside the transaction may not be in the database.
      this.seriesIds.clear();
      this.openRuns.clear();
      throw error;
    }
    return counts;
  }

  /** Every series with a run that stands somewhere in the window, runs oldest first. */
  async histories(window: TimeInterval, maxSampleGapMs: number, environment?: string): Promise<ServiceHistory[]> {
    const { costSeries, sampleRuns } = this.database.tables;
    const rows = await this.database.run((db) =>
      db
        .select({ series: costSeries, run: sampleRuns })
        .from(sampleRuns)
        .innerJoin(costSeries, eq(sampleRuns.seriesId, costSeries.id))
        .where(
          and(
            gte(sampleRuns.toMs, window.from.getTime() - maxSampleGapMs),
            lt(sampleRuns.fromMs, window.to.getTime()),
            environment === undefined ? undefined : eq(costSeries.environment, environment),
          ),
        )
        .orderBy(asc(sampleRuns.seriesId), asc(sampleRuns.fromMs)),
    );
    const histories = new Map<number, { service: ServiceHistory['service']; runs: SampleRun[] }>();
    for (const { series, run } of rows) {
      let history = histories.get(series.id);
      if (!history) {
        history = { service: historyService(series), runs: [] };
        histories.set(series.id, history);
      }
      history.runs.push({ from: new Date(run.fromMs), to: new Date(run.toMs), running: run.running, desired: run.desired, parkedDesired: run.parkedDesired });
    }
    return [...histories.values()];
  }

  /** The desired count last seen before `before`, for "2 → 0" in who-changed-what. */
  async desiredBefore(location: ServiceLocation, before: Date): Promise<number | null> {
    const { costSeries, sampleRuns } = this.database.tables;
    const row = await this.database.run((db) =>
      first(
        db
          .select({ desired: sampleRuns.desired })
          .from(sampleRuns)
          .innerJoin(costSeries, eq(sampleRuns.seriesId, costSeries.id))
          .where(and(locationIs(costSeries, location), lt(sampleRuns.fromMs, before.getTime())))
          .orderBy(desc(sampleRuns.fromMs))
          .limit(1),
      ),
    );
    return row?.desired ?? null;
  }

  /** Whether a run of the service standing at `at` had it parked by dockhand. */
  async parkedAt(location: ServiceLocation, at: Date, maxSampleGapMs: number): Promise<boolean> {
    const { costSeries, sampleRuns } = this.database.tables;
    const row = await this.database.run((db) =>
      first(
        db
          .select({ id: sampleRuns.id })
          .from(sampleRuns)
          .innerJoin(costSeries, eq(sampleRuns.seriesId, costSeries.id))
          .where(
            and(
              locationIs(costSeries, location),
              isNotNull(sampleRuns.parkedDesired),
              lte(sampleRuns.fromMs, at.getTime()),
              gte(sampleRuns.toMs, at.getTime() - maxSampleGapMs),
            ),
          )
          .limit(1),
      ),
    );
    return row !== undefined;
  }

  /** Drops runs that ended before `before`, and series left without runs. */
  async prune(before: Date): Promise<number> {
    const { costSeries, sampleRuns } = this.database.tables;
    const removed = await this.database.transaction(async (tx) => {
      const runs = affected(await tx.delete(sampleRuns).where(lt(sampleRuns.toMs, before.getTime())));
      await tx.delete(costSeries).where(notExists(tx.select({ one: sql`1` }).from(sampleRuns).where(eq(sampleRuns.seriesId, costSeries.id))));
      return runs;
    });
    this.seriesIds.clear();
    this.openRuns.clear();
    return removed;
  }

  /** Rows kept, for figures and tests. */
  async runCount(): Promise<number> {
    const { sampleRuns } = this.database.tables;
    const row = await this.database.run((db) => first(db.select({ n: sql<number>`count(*)` }).from(sampleRuns)));
    return Number(row?.n ?? 0);
  }
}
