import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The one-instance lease: the row named `dockhand` says which process may run jobs and Slack. Taken and
 * renewed with a compare-and-set UPDATE, so two processes on one database never both hold it.
 */
export const instanceLease = sqliteTable('instance_lease', {
  name: text('name').primaryKey(),
  /** hostname, pid and a random suffix of the process holding it. */
  holder: text('holder').notNull(),
  /** Epoch milliseconds, by the holder's clock. */
  acquiredAt: integer('acquired_at').notNull(),
  heartbeatAt: integer('heartbeat_at').notNull(),
  /** Past this without a heartbeat, any instance may take the lease over. */
  expiresAt: integer('expires_at').notNull(),
  /** Fencing token: +1 each time the lease changes hands, kept on renew; a stale one is refused (`checkFence`). */
  token: integer('token').notNull().default(1),
});

/** One row every readiness check rewrites: proof that the database still takes writes. */
export const healthProbe = sqliteTable('health_probe', {
  id: integer('id').primaryKey(),
  at: integer('at').notNull(),
});
