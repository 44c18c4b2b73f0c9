import { index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import type { StoppedContainer } from '../../domain/diagnosis.js';

/** The Postgres twin of `../schema-diagnosis.ts`. */
export const stoppedTasks = pgTable(
  'stopped_tasks',
  {
    taskArn: text('task_arn').primaryKey(),
    serviceArn: text('service_arn').notNull(),
    stoppedAt: text('stopped_at').notNull(),
    stopCode: text('stop_code'),
    stoppedReason: text('stopped_reason'),
    memoryMiB: integer('memory_mib'),
    containers: jsonb('containers').$type<StoppedContainer[]>().notNull(),
  },
  (table) => [index('stopped_tasks_service').on(table.serviceArn, table.stoppedAt), index('stopped_tasks_at').on(table.stoppedAt)],
);

/** The Postgres twin of `stoppedTaskSamples`. */
export const stoppedTaskSamples = pgTable('stopped_task_samples', {
  serviceArn: text('service_arn').primaryKey(),
  at: text('at').notNull(),
  error: text('error'),
});
