import { and, desc, eq, gte, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { DecodedEvent } from '../domain/trail/decode.js';
import type { Db } from './db.js';
import { trailCursors, trailEvents, trailFailures } from './schema-trail.js';

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
  constructor(private readonly db: Db) {}

  cursor(location: TrailLocation): TrailCursor | undefined {
    return this.db
      .select()
      .from(trailCursors)
      .where(and(eq(trailCursors.account, location.account), eq(trailCursors.region, location.region), eq(trailCursors.eventSource, location.eventSource)))
      .get();
  }

  cursors(): TrailCursor[] {
    return this.db.select().from(trailCursors).all();
  }

  failures(): TrailFailure[] {
    return this.db.select().from(trailFailures).all();
  }

  /** A run that failed: kept until the next one of the location succeeds. */
  recordFailure(location: TrailLocation, at: Date, error: string): void {
    const row = { ...location, atMs: at.getTime(), error: error.slice(0, ERROR_KEPT) };
    this.db
      .insert(trailFailures)
      .values(row)
      .onConflictDoUpdate({ target: [trailFailures.account, trailFailures.region, trailFailures.eventSource], set: { atMs: row.atMs, error: row.error } })
      .run();
  }

  /**
   * Stores the events not stored yet and moves the cursor, in one transaction; returns how many were new.
   * The first run's start is kept (later runs continue from the cursor), and a stored failure is cleared.
   */
  save(location: TrailLocation, events: readonly DecodedEvent[], cursor: { startMs: number; endMs: number; requests: number; events: number }): number {
    return this.db.transaction((tx) => {
      let added = 0;
      for (const event of events) {
        added += tx
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
          .onConflictDoNothing()
          .run().changes;
      }
      const { startMs, ...moved } = cursor;
      tx.insert(trailCursors)
        .values({ ...location, ...cursor })
        .onConflictDoUpdate({
          target: [trailCursors.account, trailCursors.region, trailCursors.eventSource],
          set: { ...moved, startMs: sql`coalesce(${trailCursors.startMs}, ${startMs})` },
        })
        .run();
      tx.delete(trailFailures)
        .where(and(eq(trailFailures.account, location.account), eq(trailFailures.region, location.region), eq(trailFailures.eventSource, location.eventSource)))
        .run();
      return added;
    });
  }

  /** Flagged events that happened at or after `from`, oldest first, at most `limit`: what live alerts tell. */
  flaggedSince(from: Date, limit = 1000): DecodedEvent[] {
    const rows = this.db
      .select()
      .from(trailEvents)
      .where(and(gte(trailEvents.atMs, from.getTime()), eq(trailEvents.flagged, true)))
      .orderBy(trailEvents.atMs)
      .limit(limit)
      .all();
    return rows.map(revive);
  }

  /** Newest first. */
  events(query: EventQuery): DecodedEvent[] {
    const placed = query.environments === null ? sql`1 = 1` : query.environments.length > 0 ? inArray(trailEvents.environment, [...query.environments]) : sql`1 = 0`;
    const where = and(
      gte(trailEvents.atMs, query.from.getTime()),
      lte(trailEvents.atMs, query.to.getTime()),
      query.includeUnplaced ? or(placed, isNull(trailEvents.environment)) : and(placed, sql`${trailEvents.environment} is not null`),
    );
    const rows = this.db.select().from(trailEvents).where(where).orderBy(desc(trailEvents.atMs)).limit(query.limit ?? 10_000).all();
    return rows.map(revive);
  }

  /** The latest successful change since `since` per environment, by anyone but an AWS service: when someone last touched it. */
  lastChanges(since: Date): Map<string, Date> {
    const rows = this.db
      .select({ environment: trailEvents.environment, atMs: sql<number>`max(${trailEvents.atMs})` })
      .from(trailEvents)
      .where(sql`${trailEvents.atMs} >= ${since.getTime()} and ${trailEvents.environment} is not null and json_extract(${trailEvents.event}, '$.failed') = 0 and json_extract(${trailEvents.event}, '$.who.kind') != 'aws-service'`)
      .groupBy(trailEvents.environment)
      .all();
    return new Map(rows.flatMap((row) => (row.environment === null ? [] : [[row.environment, new Date(row.atMs)] as const])));
  }

  prune(before: Date): number {
    return this.db.delete(trailEvents).where(lt(trailEvents.atMs, before.getTime())).run().changes;
  }
}
