import { and, desc, eq, gte, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { DecodedEvent } from '../domain/trail/decode.js';
import { affected, first, type Database } from './database.js';
import type { trailCursors, trailEvents, trailFailures } from './schema-trail.js';

export interface TrailLocation {
  account: string;
  region: string;
  eventSource: string;
}

export type TrailCursor = typeof trailCursors.$inferSelect;
export type TrailFailure = typeof trailFailures.$inferSelect;

const ERROR_KEPT = 300;

export interface EventQuery {
  from: Date;
  /** Inclusive: "up to now" includes what happened now. */
  to: Date;
  /** Environments to include; null for every one. */
  environments: readonly string[] | null;
  /** Also events that belong to no environment. */
  includeUnplaced: boolean;
  limit?: number;
}

/** JSON keeps dates as strings; the event's time is read back from its own column. */
function revive(row: typeof trailEvents.$inferSelect): DecodedEvent {
  return { ...row.event, at: new Date(row.atMs) };
}

/** Decoded CloudTrail events (unique by event id) and where each account, region and source was last read to. */
export class TrailStore {
  constructor(private readonly database: Database) {}

  private get t() {
    return this.database.tables;
  }

  cursor(location: TrailLocation): Promise<TrailCursor | undefined> {
    const { trailCursors } = this.t;
    return this.database.run((db) =>
      first(
        db
          .select()
          .from(trailCursors)
          .where(and(eq(trailCursors.account, location.account), eq(trailCursors.region, location.region), eq(trailCursors.eventSource, location.eventSource)))
          .limit(1),
      ),
    );
  }

  cursors(): Promise<TrailCursor[]> {
    const { trailCursors } = this.t;
    return this.database.run((db) => db.select().from(trailCursors));
  }

  failures(): Promise<TrailFailure[]> {
    const { trailFailures } = this.t;
    return this.database.run((db) => db.select().from(trailFailures));
  }

  /** A run that failed: kept until the next one of the location succeeds. */
  async recordFailure(location: TrailLocation, at: Date, error: string): Promise<void> {
    const { trailFailures } = this.t;
    const row = { ...location, atMs: at.getTime(), error: error.slice(0, ERROR_KEPT) };
    await this.database.run((db) =>
      db
        .insert(trailFailures)
        .values(row)
        .onConflictDoUpdate({ target: [trailFailures.account, trailFailures.region, trailFailures.eventSource], set: { atMs: row.atMs, error: row.error } }),
    );
  }

  /**
   * Stores the events not stored yet and moves the cursor, in one transaction; returns how many were new.
   * The first run's start is kept (later runs continue from the cursor), and a stored failure is cleared.
   */
  save(location: TrailLocation, events: readonly DecodedEvent[], cursor: { startMs: number; endMs: number; requests: number; events: number }): Promise<number> {
    const { trailCursors, trailEvents, trailFailures } = this.t;
    return this.database.transaction(async (tx) => {
      let added = 0;
      for (const event of events) {
        const inserted = await tx
          .insert(trailEvents)
          .values({
            eventId: event.eventId,
            account: event.accountId ?? location.account,
            region: event.region,
            atMs: event.at.getTime(),
            environment: event.what.environment,
            flagged: event.flags.length > 0,
            event,
          })
          .onConflictDoNothing();
        added += affected(inserted);
      }
      const { startMs, ...moved } = cursor;
      await tx
        .insert(trailCursors)
        .values({ ...location, ...cursor })
        .onConflictDoUpdate({
          target: [trailCursors.account, trailCursors.region, trailCursors.eventSource],
          set: { ...moved, startMs: sql`coalesce(${trailCursors.startMs}, ${startMs})` },
        });
      await tx
        .delete(trailFailures)
        .where(and(eq(trailFailures.account, location.account), eq(trailFailures.region, location.region), eq(trailFailures.eventSource, location.eventSource)));
      return added;
    });
  }

  /** Flagged events that happened at or after `from`, oldest first, at most `limit`: what live alerts tell. */
  async flaggedSince(from: Date, limit = 1000): Promise<DecodedEvent[]> {
    const { trailEvents } = this.t;
    const rows = await this.database.run((db) =>
      db
        .select()
        .from(trailEvents)
        .where(and(gte(trailEvents.atMs, from.getTime()), eq(trailEvents.flagged, true)))
        .orderBy(trailEvents.atMs)
        .limit(limit),
    );
    return rows.map(revive);
  }

  /** Newest first. */
  async events(query: EventQuery): Promise<DecodedEvent[]> {
    const { trailEvents } = this.t;
    const placed = query.environments === null ? sql`1 = 1` : query.environments.length > 0 ? inArray(trailEvents.environment, [...query.environments]) : sql`1 = 0`;
    const where = and(
      gte(trailEvents.atMs, query.from.getTime()),
      lte(trailEvents.atMs, query.to.getTime()),
      query.includeUnplaced ? or(placed, isNull(trailEvents.environment)) : and(placed, sql`${trailEvents.environment} is not null`),
    );
    const rows = await this.database.run((db) => db.select().from(trailEvents).where(where).orderBy(desc(trailEvents.atMs)).limit(query.limit ?? 10_000));
    return rows.map(revive);
  }

  /** The latest successful change since `since` per environment, by anyone but an AWS service: when someone last touched it. */
  async lastChanges(since: Date): Promise<Map<string, Date>> {
    const { trailEvents } = this.t;
    // JSON paths are the one place the dialects differ: SQLite's json_extract, Postgres's jsonb operators.
    const byPerson =
      this.database.dialect === 'sqlite'
        ? sql`json_extract(${trailEvents.event}, '$.failed') = 0 and json_extract(${trailEvents.event}, '$.who.kind') != 'aws-service'`
        : sql`(${trailEvents.event}->>'failed') = 'false' and (${trailEvents.event}->'who'->>'kind') != 'aws-service'`;
    const rows = await this.database.run((db) =>
      db
        .select({ environment: trailEvents.environment, atMs: sql<number>`max(${trailEvents.atMs})` })
        .from(trailEvents)
        .where(sql`${trailEvents.atMs} >= ${since.getTime()} and ${trailEvents.environment} is not null and ${byPerson}`)
        .groupBy(trailEvents.environment),
    );
    return new Map(rows.flatMap((row) => (row.environment === null ? [] : [[row.environment, new Date(Number(row.atMs))] as const])));
  }

  async prune(before: Date): Promise<number> {
    const { trailEvents } = this.t;
    return affected(await this.database.run((db) => db.delete(trailEvents).where(lt(trailEvents.atMs, before.getTime()))));
  }
}
