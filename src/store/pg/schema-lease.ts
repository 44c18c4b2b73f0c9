import { bigint, integer, pgTable, text } from 'drizzle-orm/pg-core';

/** The Postgres twin of `../schema-lease.ts`. Epoch milliseconds are bigint, read as numbers. */
export const instanceLease = pgTable('instance_lease', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  acquiredAt: bigint('acquired_at', { mode: 'number' }).notNull(),
  heartbeatAt: bigint('heartbeat_at', { mode: 'number' }).notNull(),
  expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
  token: bigint('token', { mode: 'number' }).notNull().default(1),
});

export const healthProbe = pgTable('health_probe', {
  id: integer('id').primaryKey(),
  at: bigint('at', { mode: 'number' }).notNull(),
});
