import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { Deployment, ServiceEvent, TaskDefinitionInfo } from '../domain/inventory.js';

/** An account and region a refresh could not read. */
export interface FailedLocation {
  account: string;
  accountName: string;
  region: string;
  error: string;
}

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
  /** The same failures by location, so `/env list` can say how old the snapshot it shows for each is. */
  failedLocations: text('failed_locations', { mode: 'json' })
    .$type<FailedLocation[]>()
    .notNull()
    .default(sql`'[]'`),
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
    outcome: text('outcome', { enum: ['ok', 'denied', 'invalid', 'not-found', 'error', 'requested', 'approved', 'rejected', 'expired', 'partial', 'busy'] }).notNull(),
    detail: text('detail'),
    durationMs: integer('duration_ms'),
  },
  // `at` alone for housekeeping's retention, which deletes by age.
  (table) => [index('audit_environment_at').on(table.environment, table.at), index('audit_at').on(table.at)],
);

/**
 * The request id AWS answered each of dockhand's audited calls with (one per HTTP attempt, retries
 * included): CloudTrail records the same id as `requestID`, which no other caller can make AWS give out, so
 * dockhand recognises its own calls by it. Rows go with their audit entry (audit retention covers them).
 */
export const awsRequests = sqliteTable(
  'aws_requests',
  {
    requestId: text('request_id').primaryKey(),
    auditId: integer('audit_id')
      .notNull()
      .references(() => auditLog.id, { onDelete: 'cascade' }),
  },
  (table) => [index('aws_requests_audit').on(table.auditId)],
);

/**
 * The operations journal: written before anything changes in AWS, a step per service, so a restart can
 * finish or report what was under way. At most one unfinished operation per environment (unique index).
 */
export const operations = sqliteTable(
  'operations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    environment: text('environment').notNull(),
    verb: text('verb', { enum: ['stop', 'start', 'restart', 'scale'] }).notNull(),
    params: text('params', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    requestedBy: text('requested_by').notNull(),
    approvedBy: text('approved_by'),
    /** `approved`: journaled with the approval that caused it, not started yet; resumed like `running`. */
    status: text('status', { enum: ['approved', 'running', 'succeeded', 'failed', 'partial', 'interrupted'] }).notNull(),
    channelId: text('channel_id').notNull(),
    messageTs: text('message_ts'),
    startedAt: text('started_at').notNull(),
    finishedAt: text('finished_at'),
    summary: text('summary'),
    /** The replica running it (lease holder id) and until when (epoch ms) its claim holds unless renewed; null when none runs it. */
    runner: text('runner'),
    runnerExpiresAt: integer('runner_expires_at'),
  },
  (table) => [uniqueIndex('operations_one_unfinished_per_environment').on(table.environment).where(sql`status in ('approved', 'running')`)],
);

export const operationSteps = sqliteTable(
  'operation_steps',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
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

/** What a service looked like before dockhand parked it; start restores exactly this, then deletes it. */
export const parkedServices = sqliteTable('parked_services', {
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

export const approvals = sqliteTable(
  'approvals',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    environment: text('environment').notNull(),
    verb: text('verb').notNull(),
    params: text('params', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    requestedBy: text('requested_by').notNull(),
    /** What makes two of one requester's requests the same (`requestKey` in domain/access/approvals.ts). */
    requestKey: text('request_key').notNull(),
    requestChannelId: text('request_channel_id').notNull(),
    /** `cancelled`: the requester no longer held the verb when someone clicked Approve. */
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

/** Time-boxed roles given with /env grant; they stop counting at expires_at without anyone cleaning up. */
export const grants = sqliteTable(
  'grants',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
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

/** Slack request keys already handled (a slash command's trigger_id), so a redelivery does nothing twice. */
export const handledRequests = sqliteTable('handled_requests', {
  key: text('key').primaryKey(),
  at: text('at').notNull(),
});
