import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq, getTableName, gt, is, sql, type SQL } from 'drizzle-orm';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { getTableConfig as pgTableConfig, PgDialect, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, SQLiteSyncDialect, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/package.js';
import { openPostgres, PG_MIGRATIONS_FOLDER, type PgDb } from '../../src/store/pg/db.js';
import { anomalyAlerts, digestPosts } from '../../src/store/pg/schema-notices.js';
import { costExplorerAsks, costSeries } from '../../src/store/pg/schema-cost.js';
import { approvals, auditLog, awsRequests, handledRequests, operations, parkedServices, taskDefinitions } from '../../src/store/pg/schema.js';
import { trailEvents } from '../../src/store/pg/schema-trail.js';
import { testPostgres, type TestDatabase } from '../support/postgres.js';

/** Tables only Postgres has, and why. */
const POSTGRES_ONLY: Record<string, string> = { leader_leases: 'leader election among replicas: one SQLite process has none' };

const ATTEMPTS = 20;
const server = await testPostgres();

describe.skipIf(!server)('the Postgres schema (real server)', () => {
  let database: TestDatabase;
  let db: PgDb;

  beforeAll(async () => {
    database = await server!.createDatabase();
    // As many connections as racers, so the 20 attempts really run at once.
    db = await openPostgres(database.url, { max: ATTEMPTS });
  });

  afterAll(async () => {
    await db?.$client.end();
    await database?.drop();
  });

  const count = async (query: SQL): Promise<number> => Number((await db.execute<{ count: string }>(query)).rows[0]!.count);

  it('applies migrations/postgres with the node-postgres migrator, and again as a no-op; they build what the schemas declare', async () => {
    await migrate(db, { migrationsFolder: PG_MIGRATIONS_FOLDER });
    const applied = await db.execute<{ count: string }>(sql`select count(*) as count from drizzle.__drizzle_migrations`);
    expect(Number(applied.rows[0]!.count)).toBeGreaterThan(0);
    // A schema edited without `npm run db:generate:postgres` differs from what the migrations built.
    const columns = await db.execute<{ table: string; column: string }>(
      sql`select table_name as table, column_name as column from information_schema.columns where table_schema = 'public'`,
    );
    const indexes = await db.execute<{ name: string }>(sql`select indexname as name from pg_indexes where schemaname = 'public' and indexname not like '%_pkey' and indexname not like '%_pk'`);
    const declared = Object.values(await pgTables()).map((table) => pgTableConfig(table));
    expect(columns.rows.map((row) => `${row.table}.${row.column}`).sort()).toEqual(declared.flatMap((config) => config.columns.map((column) => `${config.name}.${column.name}`)).sort());
    const declaredIndexes = declared.flatMap((config) => [...config.indexes.map((index) => index.config.name ?? ''), ...config.columns.filter((column) => column.isUnique).map((column) => column.uniqueName ?? '')]);
    expect(indexes.rows.map((row) => row.name).sort()).toEqual(declaredIndexes.sort());
  });

  it('has every SQLite table with the same columns, types, keys and indexes (and the Postgres-only tables named)', async () => {
    const sqlite = await tablesOf('sqlite');
    const postgres = await tablesOf('pg');
    const names = new Set([...Object.keys(sqlite), ...Object.keys(postgres)]);
    for (const name of names) {
      if (name in POSTGRES_ONLY) {
        expect(sqlite[name], `${name} is Postgres-only`).toBeUndefined();
        continue;
      }
      expect(postgres[name], `table ${name} in Postgres`).toBeDefined();
      expect(sqlite[name], `table ${name} in SQLite`).toBeDefined();
      expect(postgres[name], `table ${name}`).toEqual(sqlite[name]);
    }
    expect(Object.keys(sqlite).length).toBeGreaterThan(20);
  });

  it('holds epoch milliseconds in bigint columns', async () => {
    for (const table of Object.values(await pgTables())) {
      const config = pgTableConfig(table);
      for (const column of config.columns) {
        const epochMs = (/_ms$/.test(column.name) && column.name !== 'duration_ms') || (['instance_lease', 'health_probe', 'leader_leases'].includes(config.name) && column.dataType === 'number' && column.name !== 'id');
        if (epochMs) expect(column.columnType, `${config.name}.${column.name}`).toBe('PgBigInt53');
      }
    }
  });

  it('handles a request once: of 20 concurrent claims of one key exactly one wins, and a plain second insert is rejected', async () => {
    const wins = await race(() => db.insert(handledRequests).values({ key: 'trigger-1', at: '2026-01-05T09:00:00.000Z' }).onConflictDoNothing().returning());
    expect(wins.filter((rows) => rows.length === 1)).toHaveLength(1);
    await expect(db.insert(handledRequests).values({ key: 'trigger-1', at: '2026-01-05T09:00:01.000Z' })).rejects.toMatchObject(uniqueViolation());
    expect(await count(sql`select count(*) from handled_requests`)).toBe(1);
  });

  it('runs one operation per environment: of 20 concurrent journal entries one is recorded, approved counts as unfinished, finished ones do not', async () => {
    const begin = (environment: string, status: 'approved' | 'running' = 'running') =>
      db
        .insert(operations)
        .values({ environment, verb: 'stop', params: {}, requestedBy: 'U1', status, channelId: 'C1', startedAt: '2026-01-05T09:00:00.000Z' })
        .returning();
    const results = await settle(() => begin('staging-3'));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toMatchObject(uniqueViolation('operations_one_unfinished_per_environment'));
    await expect(begin('staging-3', 'approved')).rejects.toMatchObject(uniqueViolation('operations_one_unfinished_per_environment'));
    await db.update(operations).set({ status: 'succeeded' }).where(eq(operations.environment, 'staging-3'));
    const [approved] = await begin('staging-3', 'approved');
    await expect(begin('staging-3')).rejects.toMatchObject(uniqueViolation());
    expect(approved?.status).toBe('approved');
    await begin('staging-4');
    expect(await count(sql`select count(*) from operations where status in ('approved', 'running')`)).toBe(2);
  });

  it('decides an approval once: of 20 concurrent compare-and-set decisions exactly one changes the row', async () => {
    const [request] = await db
      .insert(approvals)
      .values({ environment: 'prod', verb: 'restart', params: {}, requestedBy: 'U1', requestKey: 'restart prod', requestChannelId: 'C1', status: 'pending', createdAt: '2026-01-05T09:00:00.000Z', expiresAt: '2026-01-05T10:00:00.000Z' })
      .returning();
    const now = '2026-01-05T09:30:00.000Z';
    // The store's decide(): only a pending, unexpired request changes. Under READ COMMITTED the losers wait
    // for the winner's row lock, then re-check the condition on the row it committed, and change nothing.
    const results = await race((i) =>
      db
        .update(approvals)
        .set({ status: i % 2 === 0 ? 'approved' : 'denied', decidedBy: `U${i}`, decidedAt: now })
        .where(and(eq(approvals.id, request!.id), eq(approvals.status, 'pending'), gt(approvals.expiresAt, now)))
        .returning(),
    );
    expect(results.filter((rows) => rows.length === 1)).toHaveLength(1);
  });

  it('posts a digest once per channel and day: 20 concurrent claims, one wins; after a failure, one of 20 takes it over', async () => {
    const claim = () =>
      db
        .insert(digestPosts)
        .values({ channel: 'C1', localDate: '2026-01-05', status: 'claimed', claimedAt: '2026-01-05T09:00:00.000Z' })
        .onConflictDoUpdate({ target: [digestPosts.channel, digestPosts.localDate], set: { status: 'claimed', detail: null }, setWhere: sql`${digestPosts.status} = 'failed'` })
        .returning();
    expect((await race(claim)).filter((rows) => rows.length === 1)).toHaveLength(1);
    await db.update(digestPosts).set({ status: 'failed' });
    expect((await race(claim)).filter((rows) => rows.length === 1)).toHaveLength(1);
    await db.update(digestPosts).set({ status: 'posted' });
    expect((await race(claim)).filter((rows) => rows.length === 1)).toHaveLength(0);
    await expect(db.insert(digestPosts).values({ channel: 'C1', localDate: '2026-01-05', status: 'claimed', claimedAt: 'x' })).rejects.toMatchObject(uniqueViolation());
  });

  it('alerts an anomaly once per environment, window and channel', async () => {
    const alert = { environment: 'qa', windowStartMs: Date.UTC(2026, 0, 5), channel: 'C1', recentDollars: 9, baselineDollars: 3, at: '2026-01-05T09:00:00.000Z' };
    expect((await race(() => db.insert(anomalyAlerts).values(alert).onConflictDoNothing().returning())).filter((rows) => rows.length === 1)).toHaveLength(1);
    await expect(db.insert(anomalyAlerts).values(alert)).rejects.toMatchObject(uniqueViolation());
    await db.insert(anomalyAlerts).values({ ...alert, channel: 'C2' });
  });

  it('asks Cost Explorer once per account and day: one of 20 claims a day, one of 20 the next', async () => {
    const claim = (day: string) => () =>
      db
        .insert(costExplorerAsks)
        .values({ account: '111111111111', day, askedAt: `${day}T06:00:00.000Z`, pages: 0 })
        .onConflictDoUpdate({ target: costExplorerAsks.account, set: { day, pages: 0 }, setWhere: sql`${costExplorerAsks.day} < ${day}` })
        .returning();
    expect((await race(claim('2026-01-05'))).filter((rows) => rows.length === 1)).toHaveLength(1);
    expect((await race(claim('2026-01-05'))).filter((rows) => rows.length === 1)).toHaveLength(0);
    expect((await race(claim('2026-01-06'))).filter((rows) => rows.length === 1)).toHaveLength(1);
  });

  it('stores once what is keyed once: CloudTrail events, AWS request ids, task definitions, cost series, park records', async () => {
    const [entry] = await db.insert(auditLog).values({ at: '2026-01-05T09:00:00.000Z', actor: 'U1', verb: 'stop', params: {}, outcome: 'ok' }).returning();
    const event = { eventId: 'e-1', account: '1', region: 'us-east-1', atMs: Date.UTC(2026, 0, 5), environment: null, flagged: false, event: {} as never };
    const shape = { shapeKey: 'k', serviceArn: 'arn:s', account: '1', region: 'r', cluster: 'c', service: 's', capacity: 'on-demand' as const };
    const park = { serviceArn: 'arn:s', environment: 'qa', account: '1', region: 'r', cluster: 'c', service: 's', desired: 2, parkedAt: 'x', parkedBy: 'U1' };
    const once = [
      { table: trailEvents, insert: () => db.insert(trailEvents).values(event) },
      { table: awsRequests, insert: () => db.insert(awsRequests).values({ requestId: 'req-1', auditId: entry!.id }) },
      { table: taskDefinitions, insert: () => db.insert(taskDefinitions).values({ arn: 'arn:td:1', family: 'f', cpu: 256, memoryMiB: 512, architecture: 'x86' }) },
      { table: costSeries, insert: () => db.insert(costSeries).values(shape) },
      { table: parkedServices, insert: () => db.insert(parkedServices).values(park) },
    ];
    for (const { table, insert } of once) {
      const results = await settle(() => insert());
      expect(results.filter((result) => result.status === 'fulfilled'), getTableName(table)).toHaveLength(1);
      expect(await count(sql`select count(*) from ${table}`), getTableName(table)).toBe(1);
    }
  });
});

/** 20 attempts at once, each on its own pooled connection. */
function race<T>(attempt: (i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: ATTEMPTS }, (_, i) => attempt(i)));
}

function settle<T>(attempt: (i: number) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  return Promise.allSettled(Array.from({ length: ATTEMPTS }, (_, i) => attempt(i)));
}

/** Postgres' unique_violation, as drizzle rethrows it (the driver's error is the cause). */
function uniqueViolation(constraint?: string) {
  return { cause: expect.objectContaining({ code: '23505', ...(constraint ? { constraint } : {}) }) };
}

/** Table shapes by name, from drizzle's table config, for every schema file of a dialect. */
type TableShapes = Record<string, unknown>;

async function tablesOf(dialect: 'sqlite' | 'pg'): Promise<TableShapes> {
  const tables = dialect === 'pg' ? await pgTables() : await sqliteTables();
  return Object.fromEntries(Object.entries(tables).map(([name, table]) => [name, dialect === 'pg' ? pgShape(table as PgTable) : sqliteShape(table as SQLiteTable)]));
}

async function schemaExports(folder: string): Promise<unknown[]> {
  const dir = join(packageRoot(), folder);
  const files = readdirSync(dir).filter((file) => /^schema.*\.ts$/.test(file));
  const modules = await Promise.all(files.map((file) => import(join(dir, file)) as Promise<Record<string, unknown>>));
  return modules.flatMap((module) => Object.values(module));
}

async function pgTables(): Promise<Record<string, PgTable>> {
  return Object.fromEntries((await schemaExports('src/store/pg')).filter((value) => is(value, PgTable)).map((table) => [getTableName(table as PgTable), table as PgTable]));
}

async function sqliteTables(): Promise<Record<string, SQLiteTable>> {
  return Object.fromEntries((await schemaExports('src/store')).filter((value) => is(value, SQLiteTable)).map((table) => [getTableName(table as SQLiteTable), table as SQLiteTable]));
}

/** What both dialects must agree on; types as the queries see them (bigint read as a number is an integer). */
const LOGICAL_TYPE: Record<string, string> = {
  SQLiteText: 'text',
  SQLiteTextJson: 'json',
  SQLiteInteger: 'integer',
  SQLiteBoolean: 'boolean',
  SQLiteReal: 'real',
  PgText: 'text',
  PgJsonb: 'json',
  PgInteger: 'integer',
  PgBigInt53: 'integer',
  PgBoolean: 'boolean',
  PgDoublePrecision: 'real',
};

interface ColumnLike {
  name: string;
  columnType: string;
  notNull: boolean;
  primary: boolean;
  isUnique: boolean;
  hasDefault: boolean;
  enumValues?: string[] | undefined;
}

function columnShape(column: ColumnLike, generatedId: boolean) {
  // SQLite's INTEGER PRIMARY KEY is the rowid and so always "has a default"; without AUTOINCREMENT dockhand
  // never relies on it (those tables are written with id 1), so it is not compared as one.
  const rowid = column.columnType === 'SQLiteInteger' && column.primary && !generatedId;
  return {
    type: LOGICAL_TYPE[column.columnType] ?? `unmapped ${column.columnType}`,
    notNull: column.notNull,
    primary: column.primary,
    unique: column.isUnique,
    // An identity (Postgres) or AUTOINCREMENT (SQLite) id is a generated default, not a declared one.
    default: generatedId ? 'generated id' : column.hasDefault && !rowid,
    enum: column.enumValues ?? null,
  };
}

/** The parts of a table config both dialects have, as drizzle's getTableConfig gives them. */
interface ConfigLike {
  columns: ColumnLike[];
  primaryKeys: { columns: { name: string }[] }[];
  uniqueConstraints: { columns: { name: string }[] }[];
  indexes: { config: { name?: string; columns: unknown[]; unique: boolean; where?: SQL | undefined } }[];
  foreignKeys: { getName(): string; onDelete?: string | undefined }[];
}

function shapeOf(config: ConfigLike, render: (where: SQL) => string, generatedId: (column: ColumnLike) => boolean) {
  return {
    columns: Object.fromEntries(config.columns.map((column) => [column.name, columnShape(column, generatedId(column))])),
    primaryKey: config.primaryKeys.map((key) => key.columns.map((column) => column.name)),
    unique: config.uniqueConstraints.map((unique) => unique.columns.map((column) => column.name)),
    indexes: config.indexes
      .map(({ config: index }) => ({ name: index.name ?? '', columns: index.columns.map((column) => (column as { name: string }).name), unique: index.unique, where: index.where ? render(index.where) : null }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    // Both dialects' default is NO ACTION; Postgres names it, SQLite leaves it unset.
    foreignKeys: config.foreignKeys.map((key) => ({ name: key.getName(), onDelete: key.onDelete ?? 'no action' })).sort((a, b) => a.name.localeCompare(b.name)),
  };
}

function sqliteShape(table: SQLiteTable) {
  const dialect = new SQLiteSyncDialect();
  return shapeOf(sqliteTableConfig(table), (where) => dialect.sqlToQuery(where).sql, (column) => (column as { autoIncrement?: boolean }).autoIncrement === true);
}

function pgShape(table: PgTable) {
  const dialect = new PgDialect();
  return shapeOf(pgTableConfig(table), (where) => dialect.sqlToQuery(where).sql, (column) => (column as { generatedIdentity?: unknown }).generatedIdentity !== undefined);
}
