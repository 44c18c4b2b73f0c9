import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import type { DecodedEvent } from '../../domain/trail/decode.js';

/** The Postgres twin of `../schema-trail.ts`. Epoch milliseconds are bigint, read as numbers. */

export const trailEvents = pgTable(
  'trail_events',
  {
    eventId: text('event_id').primaryKey(),
    account: text('account').notNull(),
    region: text('region').notNull(),
    atMs: bigint('at_ms', { mode: 'number' }).notNull(),
    environment: text('environment'),
    flagged: boolean('flagged').notNull(),
    event: jsonb('event').$type<DecodedEvent>().notNull(),
  },
  (table) => [index('trail_events_at').on(table.atMs), index('trail_events_environment_at').on(table.environment, table.atMs)],
);

export const trailCursors = pgTable(
  'trail_cursors',
  {
    account: text('account').notNull(),
    region: text('region').notNull(),
    eventSource: text('event_source').notNull(),
    endMs: bigint('end_ms', { mode: 'number' }).notNull(),
    startMs: bigint('start_ms', { mode: 'number' }),
    requests: integer('requests').notNull(),
    events: integer('events').notNull(),
  },
  (table) => [primaryKey({ columns: [table.account, table.region, table.eventSource] })],
);

export const trailFailures = pgTable(
  'trail_failures',
  {
    account: text('account').notNull(),
    region: text('region').notNull(),
    eventSource: text('event_source').notNull(),
    atMs: bigint('at_ms', { mode: 'number' }).notNull(),
    error: text('error').notNull(),
  },
  (table) => [primaryKey({ columns: [table.account, table.region, table.eventSource] })],
);
