import { AsyncScope } from '../async-scope.js';
import type { Db } from './db.js';
import * as schema from './schema.js';
import * as cost from './schema-cost.js';
import * as diagnosis from './schema-diagnosis.js';
import * as lease from './schema-lease.js';
import * as notices from './schema-notices.js';
import * as rollouts from './schema-rollouts.js';
import * as schedules from './schema-schedules.js';
import * as trail from './schema-trail.js';

export type Dialect = 'sqlite' | 'postgres';

/** Every table the stores use, by the property names both dialects' schemas share. */
export const sqliteTables = { ...schema, ...cost, ...diagnosis, ...lease, ...notices, ...rollouts, ...schedules, ...trail };
export type Tables = typeof sqliteTables;

/**
 * The one database of a dockhand process, whichever it is. Stores build their queries with drizzle's query
 * builder on `db` and `tables` and await them (drizzle queries are thenables on both drivers). Both are typed
 * as SQLite's: drizzle has no dialect-neutral table type. On Postgres they are node-postgres drizzle and the
 * pg tables of `src/store/pg/` with the same property names (cast there); the tests run against both.
 */
export interface Database {
  readonly dialect: Dialect;
  /**
   * No other process writes this database (SQLite, held by the instance lease): a store may keep what it read
   * and forget it when it writes. False on Postgres, where every replica writes.
   */
  readonly soleWriter: boolean;
  /** Whether this async call chain is inside a transaction (what it reads there may yet be rolled back). */
  inTransaction(): boolean;
  readonly db: Db;
  readonly tables: Tables;
  /** Every query outside `transaction` goes through here: on SQLite it waits while a transaction is open. */
  run<T>(fn: (db: Db) => PromiseLike<T>): Promise<T>;
  /**
   * A query built once and run with new values each time (`sql.placeholder` names them): building a query is
   * most of a short one's CPU. It waits and joins as `run` does; on Postgres, `name` names the prepared
   * statement, and within a transaction the query is prepared on that transaction's connection.
   */
  prepared<T>(name: string, build: (db: Db) => Preparable<T>): (values?: Record<string, unknown>) => Promise<T>;
  /** Commits what `fn` wrote, or rolls it back and rethrows. Called within a transaction, it joins that one. */
  transaction<T>(fn: (tx: Db) => PromiseLike<T>): Promise<T>;
  /**
   * Runs one write of a larger transaction so that its failure loses only it: on Postgres a failed statement
   * aborts the whole transaction unless it ran in a savepoint; on SQLite a failed statement undoes itself.
   */
  isolated<T>(tx: Db, fn: (tx: Db) => PromiseLike<T>): Promise<T>;
  /** False once `close` started. */
  readonly open: boolean;
  close(): Promise<void>;
}

/** A drizzle query that can be prepared (both dialects' builders can; Postgres's `prepare` takes a name). */
export interface Preparable<T> {
  prepare(name: string): { execute(values?: Record<string, unknown>): PromiseLike<T> };
}

/** One Slack click, one Postgres or SQLite unique index: the same error either way. */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505') return true;
  }
  return false;
}

/** The first row of a query's answer. */
export async function first<T>(rows: PromiseLike<T[]>): Promise<T | undefined> {
  return (await rows)[0];
}

/** The transaction the current async call chain is in (per database), while it is open. */
export interface OpenTransaction {
  tx: Db;
  open: boolean;
}

/**
 * First come, first served; one holder at a time. A free gate is taken without waiting for a turn of the
 * microtask queue, and a release hands it straight to the next waiter, so nobody can slip in between.
 */
export class Gate {
  private held = false;
  private readonly waiting: Array<() => void> = [];

  async hold<T>(fn: () => PromiseLike<T>): Promise<T> {
    if (this.held) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.held = true;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.held = false;
    }
  }
}

/**
 * A SQLite `Database` over one better-sqlite3 connection. better-sqlite3's drizzle transaction takes only a
 * synchronous callback, so a transaction here is `BEGIN IMMEDIATE` … `COMMIT` on the connection, held by a
 * gate; every other query waits at the same gate, because on the one connection it would otherwise run inside
 * whichever transaction is open at that moment. Queries and transactions called inside a transaction (found
 * by the async call chain) run in it directly. Connections to one file in one process share a gate: one's
 * open transaction would otherwise hold SQLite's write lock while the other's BEGIN IMMEDIATE blocks the
 * event loop in busy_timeout.
 */
export function sqliteDatabase(db: Db, gate: Gate = new Gate()): Database {
  const current = new AsyncScope<OpenTransaction>();
  let open = true;
  const inTransaction = () => {
    const store = current.getStore();
    return store?.open ? store : undefined;
  };
  const run = <T>(fn: (db: Db) => PromiseLike<T>): Promise<T> => {
    if (!inTransaction()) return gate.hold(() => fn(db));
    try {
      return Promise.resolve(fn(db));
    } catch (error) {
      return Promise.reject(error);
    }
  };
  return {
    dialect: 'sqlite',
    soleWriter: true,
    inTransaction: () => inTransaction() !== undefined,
    db,
    tables: sqliteTables,
    get open() {
      return open && db.$client.open;
    },
    run,
    prepared(name, build) {
      // One connection: the statement prepared once runs inside whichever transaction holds the gate, as `run` does.
      let query: ReturnType<ReturnType<typeof build>['prepare']> | undefined;
      return (values) => run(() => (query ??= build(db).prepare(name)).execute(values));
    },
    async transaction(fn) {
      if (inTransaction()) return fn(db);
      return gate.hold(async () => {
        const state: OpenTransaction = { tx: db, open: true };
        db.$client.exec('BEGIN IMMEDIATE');
        try {
          const result = await current.run(state, () => fn(db));
          db.$client.exec('COMMIT');
          return result;
        } catch (error) {
          if (db.$client.inTransaction) db.$client.exec('ROLLBACK');
          throw error;
        } finally {
          state.open = false;
        }
      });
    },
    async isolated(tx, fn) {
      return fn(tx);
    },
    async close() {
      open = false;
      await gate.hold(async () => db.$client.close());
    },
  };
}

/** Rows per multi-row insert: well under SQLite's 32,766 bound parameters and Postgres's 65,535 at ten columns. */
export const INSERT_CHUNK = 500;

export function chunks<T>(items: readonly T[], size: number = INSERT_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Rows a write changed: better-sqlite3 says `changes`, node-postgres `rowCount`. */
export function affected(result: unknown): number {
  const { changes, rowCount } = result as { changes?: number; rowCount?: number | null };
  return changes ?? rowCount ?? 0;
}
