import { bigint, doublePrecision, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

/** The Postgres twin of `../schema-notices.ts`: the claims that make alerts and digests post once. */

export const idleSnoozes = pgTable('idle_snoozes', {
  environment: text('environment').primaryKey(),
  until: text('until').notNull(),
  by: text('by').notNull(),
  at: text('at').notNull(),
});

/** One alert per environment, anomaly window and channel: the primary key. */
export const anomalyAlerts = pgTable(
  'anomaly_alerts',
  {
    environment: text('environment').notNull(),
    windowStartMs: bigint('window_start_ms', { mode: 'number' }).notNull(),
    channel: text('channel').notNull(),
    recentDollars: doublePrecision('recent_dollars').notNull(),
    baselineDollars: doublePrecision('baseline_dollars').notNull(),
    at: text('at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.environment, table.windowStartMs, table.channel] }), index('anomaly_alerts_window').on(table.windowStartMs)],
);

/** One digest per channel and local day: the primary key; a failed claim is taken over by a conditional upsert. */
export const digestPosts = pgTable(
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

/** The Postgres twin of `liveAlerts`: one alert per identity and channel, the primary key. */
export const liveAlerts = pgTable(
  'live_alerts',
  {
    alertKey: text('alert_key').notNull(),
    channel: text('channel').notNull(),
    environment: text('environment'),
    atMs: bigint('at_ms', { mode: 'number' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.alertKey, table.channel] }), index('live_alerts_at').on(table.atMs)],
);

export const degradedEnvironments = pgTable('degraded_environments', {
  environment: text('environment').primaryKey(),
  since: text('since').notNull(),
});
