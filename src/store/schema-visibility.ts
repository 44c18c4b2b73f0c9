import { index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { DecodedEvent } from '../domain/cloudtrail.js';

/** Tables for cost, idle environments, who-changed-what and digests (issue 5). Times are epoch ms unless named `…_at` ISO text. */

/**
 * One priced shape of a service: what a run of samples is priced with. A service whose task size,
 * capacity or environment changes starts a new series, so each part of its history is priced right.
 */
export const costSeries = sqliteTable(
  'cost_series',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Everything below joined: one row per distinct shape. */
    shapeKey: text('shape_key').notNull().unique(),
    serviceArn: text('service_arn').notNull(),
    account: text('account').notNull(),
    region: text('region').notNull(),
    cluster: text('cluster').notNull(),
    service: text('service').notNull(),
    environment: text('environment'),
    capacity: text('capacity', { enum: ['on-demand', 'spot', 'mixed'] }).notNull(),
    /** Null when the task definition is unknown: the series is then unpriced. */
    cpu: integer('cpu'),
    memoryMiB: integer('memory_mib'),
    architecture: text('architecture', { enum: ['x86', 'arm'] }),
  },
  (table) => [index('cost_series_service').on(table.account, table.region, table.cluster, table.service)],
);

/**
 * Inventory samples, run-length encoded: consecutive refreshes that saw the same counts extend one row
 * (`to_ms`), so a steady service costs a row per change rather than a row per refresh.
 */
export const sampleRuns = sqliteTable(
  'sample_runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    seriesId: integer('series_id')
      .notNull()
      .references(() => costSeries.id, { onDelete: 'cascade' }),
    /** The first and last refresh that saw these counts. */
    fromMs: integer('from_ms').notNull(),
    toMs: integer('to_ms').notNull(),
    running: integer('running').notNull(),
    desired: integer('desired').notNull(),
    /** The desired count recorded when dockhand parked the service; null while it is not parked. */
    parkedDesired: integer('parked_desired'),
  },
  (table) => [index('sample_runs_series_from').on(table.seriesId, table.fromMs), index('sample_runs_to').on(table.toMs)],
);

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

/** Cost Explorer's daily spend per account, UTC day and environment tag value ("untagged" for `environment$`). */
export const costActuals = sqliteTable(
  'cost_actuals',
  {
    account: text('account').notNull(),
    day: text('day').notNull(),
    environment: text('environment').notNull(),
    dollars: real('dollars').notNull(),
    /** Still being billed: Cost Explorer said Estimated, or the day is too recent to be final. */
    estimated: integer('estimated', { mode: 'boolean' }).notNull(),
    fetchedAt: text('fetched_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.account, table.day, table.environment] }), index('cost_actuals_day').on(table.day)],
);

/** The one Cost Explorer run an account gets per UTC day; claimed before the first request is sent. */
export const costExplorerAsks = sqliteTable('cost_explorer_asks', {
  account: text('account').primaryKey(),
  day: text('day').notNull(),
  askedAt: text('asked_at').notNull(),
  /** Pages requested by that run: each is billed at $0.01. */
  pages: integer('pages').notNull(),
  /** Days up to this one (YYYY-MM-DD) are final and never asked for again. */
  finalThrough: text('final_through'),
});

export const idleSnoozes = sqliteTable('idle_snoozes', {
  environment: text('environment').primaryKey(),
  until: text('until').notNull(),
  by: text('by').notNull(),
  at: text('at').notNull(),
});

/** One alert per environment, anomaly window and channel: claimed before posting. */
export const anomalyAlerts = sqliteTable(
  'anomaly_alerts',
  {
    environment: text('environment').notNull(),
    windowStartMs: integer('window_start_ms').notNull(),
    channel: text('channel').notNull(),
    recentDollars: real('recent_dollars').notNull(),
    baselineDollars: real('baseline_dollars').notNull(),
    at: text('at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.environment, table.windowStartMs, table.channel] }), index('anomaly_alerts_window').on(table.windowStartMs)],
);

/** One digest per channel and local day: the row is claimed before posting, so restarts and races post once. */
export const digestPosts = sqliteTable(
  'digest_posts',
  {
    channel: text('channel').notNull(),
    localDate: text('local_date').notNull(),
    status: text('status', { enum: ['claimed', 'posted', 'failed'] }).notNull(),
    claimedAt: text('claimed_at').notNull(),
    ts: text('ts'),
    messages: integer('messages'),
    detail: text('detail'),
  },
  (table) => [primaryKey({ columns: [table.channel, table.localDate] })],
);
