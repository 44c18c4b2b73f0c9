import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { DecodedEvent } from '../domain/trail/decode.js';

/** Who changed what: CloudTrail events decoded at ingest, read cursors and failures. Times are epoch ms. */

/** CloudTrail events, decoded once at ingest. */
export const trailEvents = sqliteTable(
  'trail_events',
  {
    eventId: text('event_id').primaryKey(),
    account: text('account').notNull(),
    region: text('region').notNull(),
    atMs: integer('at_ms').notNull(),
    environment: text('environment'),
    flagged: integer('flagged', { mode: 'boolean' }).notNull(),
    event: text('event', { mode: 'json' }).$type<DecodedEvent>().notNull(),
  },
  (table) => [index('trail_events_at').on(table.atMs), index('trail_events_environment_at').on(table.environment, table.atMs)],
);

/** Where the last LookupEvents run of an account, region and event source ended. */
export const trailCursors = sqliteTable(
  'trail_cursors',
  {
    account: text('account').notNull(),
    region: text('region').notNull(),
    eventSource: text('event_source').notNull(),
    endMs: integer('end_ms').notNull(),
    /** Where the first run began: nothing before it was read, so "no changes" cannot be said for it. */
    startMs: integer('start_ms'),
    /** Requests the last run made, for /env who's footer and for checking the request budget. */
    requests: integer('requests').notNull(),
    events: integer('events').notNull(),
  },
  (table) => [primaryKey({ columns: [table.account, table.region, table.eventSource] })],
);

/** The last failed LookupEvents run of a location, until a run succeeds: "who changed what" says so. */
export const trailFailures = sqliteTable(
  'trail_failures',
  {
    account: text('account').notNull(),
    region: text('region').notNull(),
    eventSource: text('event_source').notNull(),
    atMs: integer('at_ms').notNull(),
    /** The error as a person reads it, capped in length. */
    error: text('error').notNull(),
  },
  (table) => [primaryKey({ columns: [table.account, table.region, table.eventSource] })],
);
