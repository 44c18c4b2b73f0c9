import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { RolloutLine } from '../domain/rollouts.js';

/** A service whose rollout is followed; `line` once it has ended (completed, failed, gone). */
export interface FollowedService {
  arn: string;
  account: string;
  region: string;
  name: string;
  line: RolloutLine | null;
}

/**
 * Rollouts followed to their end after a restart, start or scale, so a restarted dockhand goes on updating
 * the same progress message. A row lives from the operation's end until every service ended or the limit
 * passed; the services are those of one operation (bounded by its steps).
 */
export const rolloutFollows = sqliteTable('rollout_follows', {
  operationId: integer('operation_id').primaryKey(),
  verb: text('verb', { enum: ['restart', 'start', 'scale'] }).notNull(),
  channel: text('channel').notNull(),
  messageTs: text('message_ts').notNull(),
  /** When the operation started: deployments made since are its own. */
  since: text('since').notNull(),
  /** Snapshots read before this (the operation's end) cannot show its effect yet. */
  readAfter: text('read_after').notNull(),
  deadline: text('deadline').notNull(),
  services: text('services', { mode: 'json' }).$type<FollowedService[]>().notNull(),
  /** What the message last showed, so a refresh that changed nothing updates nothing. */
  shown: text('shown'),
});
