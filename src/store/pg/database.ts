import { AsyncScope } from '../../async-scope.js';
import type pg from 'pg';
import type { Database, OpenTransaction, Tables } from '../database.js';
import type { Db } from '../db.js';
import { openPostgres, type PgDb } from './db.js';
import * as schema from './schema.js';
import * as cost from './schema-cost.js';
import * as diagnosis from './schema-diagnosis.js';
import * as lease from './schema-lease.js';
import * as notices from './schema-notices.js';
import * as rollouts from './schema-rollouts.js';
import * as schedules from './schema-schedules.js';
import * as trail from './schema-trail.js';

/**
 * The pg twins under the SQLite tables' property names. Cast: drizzle has no dialect-neutral table type, so
 * the stores are typed on SQLite's; test/store/postgres-schema.test.ts proves the twins have the same
 * columns, and the store tests run against both dialects.
 */
export const pgTables = { ...schema, ...cost, ...diagnosis, ...lease, ...notices, ...rollouts, ...schedules, ...trail } as unknown as Tables;

/** Every query has a deadline: a statement that runs longer is cancelled by the server, a connection that does not come is given up. */
export const POSTGRES_TIMEOUTS = { statement_timeout: 15_000, query_timeout: 20_000, connectionTimeoutMillis: 10_000, idle_in_transaction_session_timeout: 30_000 } as const;

/**
 * A Postgres `Database` over a node-postgres pool. A transaction is drizzle's `db.transaction` (one pooled
 * connection); queries and transactions called inside it (found by the async call chain) run on that
 * connection, a nested transaction as a savepoint, so a unique violation inside it can be caught without
 * aborting the outer one.
 */
export function postgresDatabase(pgDb: PgDb): Database {
  const current = new AsyncScope<OpenTransaction>();
  // Typed as SQLite's drizzle database for the stores' query building (see pgTables).
  const db = pgDb as unknown as Db;
  let open = true;
  const inTransaction = () => {
    const store = current.getStore();
    return store?.open ? store : undefined;
  };
  type Tx = { transaction<T>(fn: (tx: unknown) => Promise<T>): Promise<T> };
  const within = async <T>(runner: Tx, fn: (tx: Db) => PromiseLike<T>): Promise<T> =>
    runner.transaction(async (tx) => {
      const state: OpenTransaction = { tx: tx as Db, open: true };
      try {
        return await current.run(state, () => fn(tx as Db));
      } finally {
        state.open = false;
      }
    });
  return {
    dialect: 'postgres',
    soleWriter: false,
    inTransaction: () => inTransaction() !== undefined,
    db,
    tables: pgTables,
    get open() {
      return open;
    },
    async run(fn) {
      return fn(inTransaction()?.tx ?? db);
    },
    prepared(name, build) {
      let pooled: ReturnType<ReturnType<typeof build>['prepare']> | undefined;
      return async (values) => {
        // A statement prepared on the pool would run outside the transaction: prepare it on the transaction's connection.
        const outer = inTransaction();
        return (outer ? build(outer.tx).prepare(name) : (pooled ??= build(db).prepare(name))).execute(values);
      };
    },
    async transaction(fn) {
      const outer = inTransaction();
      return within((outer?.tx ?? pgDb) as unknown as Tx, fn);
    },
    async isolated(tx, fn) {
      return within(tx as unknown as Tx, fn);
    },
    async close() {
      open = false;
      await pgDb.$client.end();
    },
  };
}

/** Connects (with the deadlines above), applies migrations/postgres, and returns the `Database`. */
export async function openPostgresDatabase(url: string, pool: pg.PoolConfig = {}, onDropped?: (error: Error) => void): Promise<Database> {
  return postgresDatabase(await openPostgres(url, { ...POSTGRES_TIMEOUTS, ...pool }, onDropped));
}

/** `postgres://…` or `postgresql://…`: a Postgres URL; anything else is a SQLite path. */
export function isPostgresUrl(value: string | undefined): value is string {
  return value !== undefined && /^postgres(ql)?:\/\//i.test(value);
}

/** The URL with its password replaced, for logs and errors. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}
