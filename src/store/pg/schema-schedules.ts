import { index, integer, pgTable, text } from 'drizzle-orm/pg-core';

/** The Postgres twin of `../schema-schedules.ts`. */

export const environmentSchedules = pgTable('environment_schedules', {
  environment: text('environment').primaryKey(),
  schedule: text('schedule').notNull(),
  setBy: text('set_by').notNull(),
  setAt: text('set_at').notNull(),
});

export const scheduleOverrides = pgTable(
  'schedule_overrides',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
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

export const schedulerEnvironments = pgTable('scheduler_environments', {
  environment: text('environment').primaryKey(),
  graceUntil: text('grace_until'),
  warnedFor: text('warned_for'),
});

export const schedulerTicks = pgTable('scheduler_ticks', {
  id: integer('id').primaryKey(),
  lastTickAt: text('last_tick_at').notNull(),
});
