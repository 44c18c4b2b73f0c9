import { join } from 'node:path';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { packageRoot } from '../../package.js';

export type PgDb = NodePgDatabase & { $client: pg.Pool };
/** A transaction of `PgDb`, for writes that must commit together (a journal entry and its fence check). */
export type PgTx = Parameters<Parameters<PgDb['transaction']>[0]>[0];

export const PG_MIGRATIONS_FOLDER = join(packageRoot(), 'migrations', 'postgres');

/**
 * Connects a pool to `url` (`postgres://…`) and applies pending migrations; `end()` the pool to close.
 * `onDropped` hears a connection the server dropped (a failover, a restart, pg_terminate_backend): without a
 * listener node-postgres emits it as an unhandled 'error' and the process dies, idle or checked out (a query
 * in flight fails on its own and is answered as any failed query). The pool then opens a new connection.
 */
export async function openPostgres(url: string, pool: pg.PoolConfig = {}, onDropped: (error: Error) => void = () => undefined): Promise<PgDb> {
  const client = new pg.Pool({ connectionString: url, ...pool });
  client.on('error', onDropped);
  client.on('connect', (connection) => connection.on('error', onDropped));
  const db = drizzle({ client });
  try {
    await migrateAlone(client, () => migrate(db, { migrationsFolder: PG_MIGRATIONS_FOLDER }));
  } catch (error) {
    await db.$client.end();
    throw error;
  }
  return db;
}

/** Any number: the advisory lock every dockhand takes around its migrations. */
const MIGRATION_LOCK = 7_303_241;

/**
 * Replicas starting together on an empty database would both create drizzle's tables and fail on the
 * catalog's unique index: the migrator takes no lock, so each one migrates holding a session advisory lock
 * (the next one then finds nothing left to apply).
 */
async function migrateAlone(pool: pg.Pool, run: () => Promise<unknown>): Promise<void> {
  const lock = await pool.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await run();
    } finally {
      await lock.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    lock.release();
  }
}
