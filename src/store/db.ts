import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { packageRoot } from '../package.js';
import { Gate, sqliteDatabase, type Database } from './database.js';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: SQLite.Database };

export const MIGRATIONS_FOLDER = join(packageRoot(), 'migrations', 'sqlite');

/**
 * `wal` on a local disk: readers never block the writer. `delete` (a rollback journal) on a network file
 * system such as EFS: WAL keeps its index in shared memory (the -shm file, mmap'd), which NFS does not share
 * coherently, so it is unsafe there; a rollback journal needs only the POSIX byte-range locks NFSv4 provides.
 */
export type JournalMode = 'wal' | 'delete';

/** Opens (creating if needed) the SQLite database with the given journal (WAL by default) and applies pending migrations. */
export function openDb(path: string, journal: JournalMode = 'wal'): Db {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new SQLite(path);
  sqlite.pragma(`journal_mode = ${journal === 'wal' ? 'WAL' : 'DELETE'}`);
  // WAL is durable enough with NORMAL; a rollback journal needs FULL to survive a crash mid-commit.
  sqlite.pragma(`synchronous = ${journal === 'wal' ? 'NORMAL' : 'FULL'}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  reusePreparedStatements(sqlite);
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  return db;
}

/** Statements kept per connection, and the longest SQL kept: the hot queries are short, bulk inserts are not. */
const STATEMENTS_KEPT = 200;
const LONGEST_KEPT = 2000;

/**
 * drizzle prepares every query it runs again; compiling the SQL was a sixth of a command's database time.
 * Statements of the same SQL are reused instead (at most `STATEMENTS_KEPT`, oldest dropped first). drizzle
 * switches a statement to raw rows for some reads and never back, so a reused reader is switched back first.
 */
function reusePreparedStatements(sqlite: SQLite.Database): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const kept = new Map<string, SQLite.Statement>();
  sqlite.prepare = ((source: string) => {
    if (source.length > LONGEST_KEPT) return prepare(source);
    let statement = kept.get(source);
    if (statement) {
      if (statement.reader) statement.pluck(false).expand(false).raw(false);
      return statement;
    }
    statement = prepare(source);
    if (kept.size >= STATEMENTS_KEPT) kept.delete(kept.keys().next().value!);
    kept.set(source, statement);
    return statement;
  }) as typeof sqlite.prepare;
}

/** One gate per database file in this process (see sqliteDatabase). */
const gates = new Map<string, Gate>();

/** The SQLite `Database` the stores take (see database.ts), opened as `openDb` does. */
export function openSqlite(path: string, journal: JournalMode = 'wal'): Database {
  const db = openDb(path, journal);
  if (path === ':memory:') return sqliteDatabase(db);
  const file = resolve(path);
  let gate = gates.get(file);
  if (!gate) gates.set(file, (gate = new Gate()));
  return sqliteDatabase(db, gate);
}
export type { Database } from './database.js';
