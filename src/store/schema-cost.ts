import { index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Cost: priced inventory samples and billed spend from Cost Explorer. Times are epoch ms unless named `…_at` ISO text. */

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
