import { bigint, pgTable, text } from 'drizzle-orm/pg-core';

/**
 * Postgres only (no SQLite twin: one SQLite process needs no fencing). Who leads the jobs among the replicas,
 * and the fencing token of that leadership: it grows by one each time the lease changes hands, so a write
 * made on a stale decision can be refused in its own transaction (`LeaderLease.checkFence`).
 */
export const leaderLeases = pgTable('leader_leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  token: bigint('token', { mode: 'number' }).notNull(),
  /** Epoch milliseconds, by the holder's clock. */
  acquiredAt: bigint('acquired_at', { mode: 'number' }).notNull(),
  expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
});
