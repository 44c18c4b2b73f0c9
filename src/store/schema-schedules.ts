import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** A schedule set with `/env schedule`; wins over tags and the policy's defaults. `off` means none. */
export const environmentSchedules = sqliteTable('environment_schedules', {
  environment: text('environment').primaryKey(),
  schedule: text('schedule').notNull(),
  setBy: text('set_by').notNull(),
  setAt: text('set_at').notNull(),
});

/** Overrides of the schedule: extensions, manual starts and stops, starts from outside dockhand. */
export const scheduleOverrides = sqliteTable(
  'schedule_overrides',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    environment: text('environment').notNull(),
    kind: text('kind', { enum: ['up', 'down'] }).notNull(),
    until: text('until').notNull(),
    reason: text('reason', { enum: ['extend', 'manual', 'external'] }).notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull(),
    endedAt: text('ended_at'),
  },
  (table) => [index('schedule_overrides_environment').on(table.environment, table.endedAt)],
);

/** What the scheduler remembers per environment between ticks. */
export const schedulerEnvironments = sqliteTable('scheduler_environments', {
  environment: text('environment').primaryKey(),
  graceUntil: text('grace_until'),
  warnedFor: text('warned_for'),
});

/** The last tick, so a restarted scheduler catches up on the edges it missed. */
export const schedulerTicks = sqliteTable('scheduler_ticks', {
  id: integer('id').primaryKey(),
  lastTickAt: text('last_tick_at').notNull(),
});
