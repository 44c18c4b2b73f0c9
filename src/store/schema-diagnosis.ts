import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { StoppedContainer } from '../domain/diagnosis.js';

/**
 * Stopped tasks of services that were not healthy, sampled during inventory refreshes, so `/env why` can
 * still say why after ECS has forgotten them (about an hour after they stop). Bounded: reasons clipped,
 * a few containers per task, the newest few tasks per service, none older than the retention.
 */
export const stoppedTasks = sqliteTable(
  'stopped_tasks',
  {
    taskArn: text('task_arn').primaryKey(),
    serviceArn: text('service_arn').notNull(),
    stoppedAt: text('stopped_at').notNull(),
    stopCode: text('stop_code'),
    stoppedReason: text('stopped_reason'),
    memoryMiB: integer('memory_mib'),
    containers: text('containers', { mode: 'json' }).$type<StoppedContainer[]>().notNull(),
  },
  (table) => [index('stopped_tasks_service').on(table.serviceArn, table.stoppedAt), index('stopped_tasks_at').on(table.stoppedAt)],
);

/** The last stopped-task sample of each service that was not healthy: a failed one is said in `/env why`, not taken for "none". */
export const stoppedTaskSamples = sqliteTable('stopped_task_samples', {
  serviceArn: text('service_arn').primaryKey(),
  at: text('at').notNull(),
  /** Why the sample could not be taken; null when it was. */
  error: text('error'),
});
