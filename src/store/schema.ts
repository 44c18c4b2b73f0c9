import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { Deployment, ServiceEvent, TaskDefinitionInfo } from '../domain/inventory.js';

/** The latest snapshot of every ECS service dockhand has seen; replaced per account and region on refresh. */
export const services = sqliteTable(
  'services',
  {
    arn: text('arn').primaryKey(),
    account: text('account').notNull(),
    region: text('region').notNull(),
    cluster: text('cluster').notNull(),
    name: text('name').notNull(),
    environment: text('environment'),
    status: text('status').notNull(),
    desired: integer('desired').notNull(),
    running: integer('running').notNull(),
    pending: integer('pending').notNull(),
    taskDefinitionArn: text('task_definition_arn'),
    capacity: text('capacity', { enum: ['on-demand', 'spot', 'mixed'] }).notNull(),
    deployments: text('deployments', { mode: 'json' }).$type<Deployment[]>().notNull(),
    events: text('events', { mode: 'json' }).$type<ServiceEvent[]>().notNull(),
    lastDeployAt: text('last_deploy_at'),
    tags: text('tags', { mode: 'json' }).$type<Record<string, string>>().notNull(),
    refreshedAt: text('refreshed_at').notNull(),
  },
  (table) => [index('services_location').on(table.account, table.region), index('services_environment').on(table.environment)],
);

/** Task definitions are immutable by ARN, so each is described once, ever. */
export const taskDefinitions = sqliteTable('task_definitions', {
  arn: text('arn').primaryKey(),
  family: text('family').notNull(),
  cpu: integer('cpu').notNull(),
  memoryMiB: integer('memory_mib').notNull(),
  architecture: text('architecture', { enum: ['x86', 'arm'] }).$type<TaskDefinitionInfo['architecture']>().notNull(),
});

export const inventoryRefreshes = sqliteTable('inventory_refreshes', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  startedAt: text('started_at').notNull(),
  finishedAt: text('finished_at').notNull(),
  trigger: text('trigger').notNull(),
  awsCalls: integer('aws_calls').notNull(),
  services: integer('services').notNull(),
  /** One line per account/region that failed; its previous snapshot is kept. */
  errors: text('errors', { mode: 'json' }).$type<string[]>().notNull(),
});

/** Every request dockhand receives and every action it takes, with who asked and what came of it. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: text('at').notNull(),
    actor: text('actor').notNull(),
    verb: text('verb').notNull(),
    environment: text('environment'),
    params: text('params', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    outcome: text('outcome', { enum: ['ok', 'denied', 'invalid', 'not-found', 'error'] }).notNull(),
    detail: text('detail'),
    durationMs: integer('duration_ms'),
  },
  (table) => [index('audit_environment_at').on(table.environment, table.at)],
);
