import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database, Dialect } from '../../src/store/database.js';
import { openSqlite } from '../../src/store/db.js';
import { openPostgresDatabase } from '../../src/store/pg/database.js';
import { testPostgres } from './postgres.js';

export interface OpenedDatabase {
  database: Database;
  close(): Promise<void>;
}

export interface DialectCase {
  dialect: Dialect;
  /** A fresh, migrated database of this dialect, for one test or one file. */
  open(): Promise<OpenedDatabase>;
}

/**
 * Both stores, for `describe.each`: SQLite in a temp file, and Postgres on the test server of this process
 * (test/support/postgres.ts), a database of its own each time. Call at the top level of a test file: outside
 * CI, a machine where no Postgres can start gets the SQLite case alone (postgres.ts says why); in CI that fails.
 */
export async function storeDialects(): Promise<DialectCase[]> {
  const sqlite: DialectCase = {
    dialect: 'sqlite',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'dockhand-store-'));
      const database = openSqlite(join(dir, 'dockhand.db'));
      return {
        database,
        async close() {
          await database.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  };
  const server = await testPostgres();
  if (!server) return [sqlite];
  const postgres: DialectCase = {
    dialect: 'postgres',
    async open() {
      const created = await server.createDatabase();
      const database = await openPostgresDatabase(created.url, { max: 10 });
      return {
        database,
        async close() {
          await database.close();
          await created.drop();
        },
      };
    },
  };
  return [sqlite, postgres];
}
