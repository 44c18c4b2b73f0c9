import { integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import type { FollowedService } from '../schema-rollouts.js';

/** The Postgres twin of `../schema-rollouts.ts`. */
export const rolloutFollows = pgTable('rollout_follows', {
  operationId: integer('operation_id').primaryKey(),
  verb: text('verb', { enum: ['restart', 'start', 'scale'] }).notNull(),
  channel: text('channel').notNull(),
  messageTs: text('message_ts').notNull(),
  since: text('since').notNull(),
  readAfter: text('read_after').notNull(),
  deadline: text('deadline').notNull(),
  services: jsonb('services').$type<FollowedService[]>().notNull(),
  shown: text('shown'),
});
