import { join } from 'node:path';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { packageRoot } from '../../package.js';

export type PgDb = NodePgDatabase & { $client: pg.Pool };
/** A transaction of `PgDb`, for writes that must commit together (a journal entry and its fence check). */
export type PgTx = Parameters<Parameters<PgDb['transaction']>[0]>[0];

export const PG_MIGRATIONS_FOLDER = join(packageRoot(), 'migrations', 'postgres');

/** Connects a pool to `url` (`postgres://…`) and applies pending migrations; `end()` the pool to close. */
export async function openPostgres(url: string, pool: pg.PoolConfig = {}): Promise<PgDb> {
  const db = drizzle({ client: new pg.Pool({ connectionString: url, ...pool }) });
  try {
    await migrate(db, { migrationsFolder: PG_MIGRATIONS_FOLDER });
  } catch (error) {
    await db.$client.end();
    throw error;
  }
  return db;
}
