import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type { Deployment, ServiceEvent, TaskDefinitionInfo } from '../../domain/inventory.js';
import type { FailedLocation } from '../schema.js';

/**
 * The Postgres twin of `../schema.ts`: the same tables, columns, keys and indexes (test/store/postgres-schema.test.ts
 * compares them), so one set of queries serves both. Times stay ISO text; JSON is jsonb; ids are identities.
 */

export const services = pgTable(
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
    deployments: jsonb('deployments').$type<Deployment[]>().notNull(),
    events: jsonb('events').$type<ServiceEvent[]>().notNull(),
    lastDeployAt: text('last_deploy_at'),
    tags: jsonb('tags').$type<Record<string, string>>().notNull(),
    refreshedAt: text('refreshed_at').notNull(),
  },
  (table) => [index('services_location').on(table.account, table.region), index('services_environment').on(table.environment)],
);

export const taskDefinitions = pgTable('task_definitions', {
  arn: text('arn').primaryKey(),
  family: text('family').notNull(),
  cpu: integer('cpu').notNull(),
  memoryMiB: integer('memory_mib').notNull(),
  architecture: text('architecture', { enum: ['x86', 'arm'] }).$type<TaskDefinitionInfo['architecture']>().notNull(),
});

export const inventoryRefreshes = pgTable('inventory_refreshes', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  startedAt: text('started_at').notNull(),
  finishedAt: text('finished_at').notNull(),
  trigger: text('trigger').notNull(),
  awsCalls: integer('aws_calls').notNull(),
  services: integer('services').notNull(),
  errors: jsonb('errors').$type<string[]>().notNull(),
  failedLocations: jsonb('failed_locations')
    .$type<FailedLocation[]>()
    .notNull()
    .default(sql`'[]'::jsonb`),
});

export const auditLog = pgTable(
  'audit_log',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    at: text('at').notNull(),
    actor: text('actor').notNull(),
    verb: text('verb').notNull(),
    environment: text('environment'),
    params: jsonb('params').$type<Record<string, unknown>>().notNull(),
    outcome: text('outcome', { enum: ['ok', 'denied', 'invalid', 'not-found', 'error', 'requested', 'approved', 'rejected', 'expired', 'partial', 'busy'] }).notNull(),
    detail: text('detail'),
    durationMs: integer('duration_ms'),
  },
  (table) => [index('audit_environment_at').on(table.environment, table.at), index('audit_at').on(table.at)],
);

export const awsRequests = pgTable(
  'aws_requests',
  {
    requestId: text('request_id').primaryKey(),
    auditId: integer('audit_id')
      .notNull()
      .references(() => auditLog.id, { onDelete: 'cascade' }),
  },
  (table) => [index('aws_requests_audit').on(table.auditId)],
);

/** At most one unfinished operation per environment: the partial unique index is the lock, as in SQLite. */
export const operations = pgTable(
  'operations',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    environment: text('environment').notNull(),
    verb: text('verb', { enum: ['stop', 'start', 'restart', 'scale'] }).notNull(),
    params: jsonb('params').$type<Record<string, unknown>>().notNull(),
    requestedBy: text('requested_by').notNull(),
    approvedBy: text('approved_by'),
    status: text('status', { enum: ['approved', 'running', 'succeeded', 'failed', 'partial', 'interrupted'] }).notNull(),
    channelId: text('channel_id').notNull(),
    messageTs: text('message_ts'),
    startedAt: text('started_at').notNull(),
    finishedAt: text('finished_at'),
    summary: text('summary'),
    runner: text('runner'),
    runnerExpiresAt: bigint('runner_expires_at', { mode: 'number' }),
  },
  (table) => [uniqueIndex('operations_one_unfinished_per_environment').on(table.environment).where(sql`status in ('approved', 'running')`)],
);

export const operationSteps = pgTable(
  'operation_steps',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    operationId: integer('operation_id')
      .notNull()
      .references(() => operations.id),
    serviceArn: text('service_arn').notNull(),
    account: text('account').notNull(),
    region: text('region').notNull(),
    cluster: text('cluster').notNull(),
    service: text('service').notNull(),
    status: text('status', { enum: ['pending', 'running', 'done', 'failed', 'skipped'] }).notNull(),
    detail: text('detail'),
    startedAt: text('started_at'),
    finishedAt: text('finished_at'),
  },
  (table) => [index('operation_steps_operation').on(table.operationId)],
);

export const parkedServices = pgTable('parked_services', {
  serviceArn: text('service_arn').primaryKey(),
  environment: text('environment').notNull(),
  account: text('account').notNull(),
  region: text('region').notNull(),
  cluster: text('cluster').notNull(),
  service: text('service').notNull(),
  desired: integer('desired').notNull(),
  minCapacity: integer('min_capacity'),
  maxCapacity: integer('max_capacity'),
  parkedAt: text('parked_at').notNull(),
  parkedBy: text('parked_by').notNull(),
});

export const approvals = pgTable(
  'approvals',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    environment: text('environment').notNull(),
    verb: text('verb').notNull(),
    params: jsonb('params').$type<Record<string, unknown>>().notNull(),
    requestedBy: text('requested_by').notNull(),
    /** What makes two of one requester's requests the same (`requestKey` in domain/access/approvals.ts). */
    requestKey: text('request_key').notNull(),
    requestChannelId: text('request_channel_id').notNull(),
    status: text('status', { enum: ['pending', 'approved', 'denied', 'expired', 'cancelled'] }).notNull(),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at').notNull(),
    decidedBy: text('decided_by'),
    decidedAt: text('decided_at'),
    reason: text('reason'),
    approvalChannelId: text('approval_channel_id'),
    approvalMessageTs: text('approval_message_ts'),
    operationId: integer('operation_id'),
  },
  (table) => [
    index('approvals_status_expires').on(table.status, table.expiresAt),
    // One pending request per requester and request key (an extension is the same whatever its end): asking again is answered with it.
    uniqueIndex('approvals_pending_once').on(table.requestedBy, table.requestKey).where(sql`status = 'pending'`),
  ],
);

export const grants = pgTable(
  'grants',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    userId: text('user_id').notNull(),
    role: text('role').notNull(),
    environments: text('environments').notNull(),
    grantedBy: text('granted_by').notNull(),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at').notNull(),
    revokedBy: text('revoked_by'),
    revokedAt: text('revoked_at'),
  },
  (table) => [index('grants_user').on(table.userId)],
);

/** A Slack request key is claimed once: the primary key rejects the second insert. */
export const handledRequests = pgTable('handled_requests', {
  key: text('key').primaryKey(),
  at: text('at').notNull(),
});
