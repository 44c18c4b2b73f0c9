import { bigint, boolean, doublePrecision, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

/** The Postgres twin of `../schema-cost.ts`. Epoch milliseconds are bigint (read as numbers); `…_at` are ISO text. */

export const costSeries = pgTable(
  'cost_series',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    shapeKey: text('shape_key').notNull().unique(),
    serviceArn: text('service_arn').notNull(),
    account: text('account').notNull(),
    region: text('region').notNull(),
    cluster: text('cluster').notNull(),
    service: text('service').notNull(),
    environment: text('environment'),
    capacity: text('capacity', { enum: ['on-demand', 'spot', 'mixed'] }).notNull(),
    cpu: integer('cpu'),
    memoryMiB: integer('memory_mib'),
    architecture: text('architecture', { enum: ['x86', 'arm'] }),
  },
  (table) => [index('cost_series_service').on(table.account, table.region, table.cluster, table.service)],
);

export const sampleRuns = pgTable(
  'sample_runs',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    seriesId: integer('series_id')
      .notNull()
      .references(() => costSeries.id, { onDelete: 'cascade' }),
    fromMs: bigint('from_ms', { mode: 'number' }).notNull(),
    toMs: bigint('to_ms', { mode: 'number' }).notNull(),
    running: integer('running').notNull(),
    desired: integer('desired').notNull(),
    parkedDesired: integer('parked_desired'),
  },
  (table) => [index('sample_runs_series_from').on(table.seriesId, table.fromMs), index('sample_runs_to').on(table.toMs)],
);

export const costActuals = pgTable(
  'cost_actuals',
  {
    account: text('account').notNull(),
    day: text('day').notNull(),
    environment: text('environment').notNull(),
    dollars: doublePrecision('dollars').notNull(),
    estimated: boolean('estimated').notNull(),
    fetchedAt: text('fetched_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.account, table.day, table.environment] }), index('cost_actuals_day').on(table.day)],
);

/** One Cost Explorer run per account and UTC day: the primary key plus the claim's conditional upsert (`day < excluded.day`). */
export const costExplorerAsks = pgTable('cost_explorer_asks', {
  account: text('account').primaryKey(),
  day: text('day').notNull(),
  askedAt: text('asked_at').notNull(),
  pages: integer('pages').notNull(),
  finalThrough: text('final_through'),
});
