import { index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** What dockhand told channels, so it tells them once: anomaly alerts, digest posts, idle snoozes. Times are epoch ms unless named `…_at` ISO text. */

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

/**
 * One live alert per identity and channel (a failed deployment by service ARN and deployment id, a degradation
 * by environment and since when, a CloudTrail event by its id): claimed before posting, given back if it fails.
 */
export const liveAlerts = sqliteTable(
  'live_alerts',
  {
    alertKey: text('alert_key').notNull(),
    channel: text('channel').notNull(),
    environment: text('environment'),
    atMs: integer('at_ms').notNull(),
  },
  (table) => [primaryKey({ columns: [table.alertKey, table.channel] }), index('live_alerts_at').on(table.atMs)],
);

/** When each environment was first seen short of its desired tasks, so a restart neither resets nor repeats its alert. */
export const degradedEnvironments = sqliteTable('degraded_environments', {
  environment: text('environment').primaryKey(),
  since: text('since').notNull(),
});
