import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { drizzle as sqliteDrizzle } from 'drizzle-orm/better-sqlite3';
import { migrate as sqliteMigrate } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as pgDrizzle } from 'drizzle-orm/node-postgres';
import { migrate as pgMigrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApprovalsStore, type Filed, type NewApproval } from '../../src/store/approvals-store.js';
import type { Database } from '../../src/store/database.js';
import { MIGRATIONS_FOLDER, openSqlite } from '../../src/store/db.js';
import { openPostgresDatabase } from '../../src/store/pg/database.js';
import { PG_MIGRATIONS_FOLDER } from '../../src/store/pg/db.js';
import { storeDialects, type OpenedDatabase } from '../support/databases.js';
import { testPostgres } from '../support/postgres.js';

const AT = '2026-12-02T10:00:00.000Z';
const LIMIT = 5;
const cases = await storeDialects();
const server = await testPostgres();

const request = (verb: string, params: Record<string, unknown>, over: Partial<NewApproval> = {}): NewApproval => ({
  environment: 'prod',
  verb,
  params,
  requestedBy: 'U0DEV',
  requestChannelId: 'C0DEV',
  createdAt: AT,
  expiresAt: '2026-12-02T10:30:00.000Z',
  ...over,
});

const until = (minute: number) => ({ until: `2026-12-02T21:${String(minute).padStart(2, '0')}:00.000Z` });
const kinds = (results: Filed[]) => results.map((r) => r.kind).sort();

describe.each(cases)('approvals_pending_once on $dialect', ({ open }) => {
  let opened: OpenedDatabase;
  let store: ApprovalsStore;
  beforeAll(async () => {
    opened = await open();
    store = new ApprovalsStore(opened.database);
  });
  afterAll(() => opened?.close());

  it('holds one pending request per requester and key: an extension whatever its end, other verbs by their parameters', async () => {
    const first = await store.create(request('stop', { service: null, count: null }));
    await expect(store.create(request('stop', { service: null, count: null }))).rejects.toThrow();
    await store.create(request('stop', { service: 'api', count: null }));
    await store.create(request('extend', until(0), { environment: 'qa-1' }));
    await expect(store.create(request('extend', until(30), { environment: 'qa-1' }))).rejects.toThrow();
    await store.create(request('extend', until(30), { environment: 'qa-2' }));
    // Another requester's is their own; a decided one no longer holds the key.
    await store.create(request('stop', { service: null, count: null }, { requestedBy: 'U0KIM' }));
    expect(await store.withdraw(first.id, AT, 'test')).toBe(true);
    expect((await store.create(request('stop', { service: null, count: null }))).status).toBe('pending');
    expect((await store.pendingBy('U0DEV', AT)).map((r) => r.requestKey)).toEqual(['stop prod service=api', 'extend qa-1', 'extend qa-2', 'stop prod']);
  });

  it('files one of 20 extensions of one environment with distinct ends at once; the others get it back', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.file(request('extend', until(i), { environment: 'qa-3', requestedBy: 'U0EVE' }), LIMIT, AT)));
    expect(kinds(results)).toEqual(['filed', ...Array<string>(19).fill('same')]);
    const filed = results.find((r) => r.kind === 'filed')!;
    for (const r of results) expect(r).toMatchObject({ row: { id: (filed as Extract<Filed, { kind: 'filed' }>).row.id } });
    expect(await store.pendingBy('U0EVE', AT)).toHaveLength(1);
  });

  it('files at most five of 12 distinct requests of one person at once (the count and the insert are one step)', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => store.file(request('scale', { service: 'api', count: i + 2 }, { requestedBy: 'U0MAX' }), LIMIT, AT)));
    expect(kinds(results)).toEqual([...Array<string>(5).fill('filed'), ...Array<string>(7).fill('too-many')]);
    expect(await store.pendingBy('U0MAX', AT)).toHaveLength(LIMIT);
    // At the limit, the same request again is still answered with the one waiting.
    expect(await store.file(request('scale', { service: 'api', count: 2 }, { requestedBy: 'U0MAX' }), LIMIT, AT)).toMatchObject({ kind: 'same' });
    // Expired in time (not yet marked), a request no longer counts towards the limit.
    expect(await store.file(request('scale', { service: 'api', count: 20 }, { requestedBy: 'U0MAX' }), LIMIT, '2026-12-02T10:30:00.000Z')).toMatchObject({ kind: 'filed' });
  });
});

describe.skipIf(!server)('two replicas filing for one person on one Postgres', () => {
  it('file at most five of 12 distinct requests between them, and one of 10 extensions with distinct ends', async () => {
    const created = await server!.createDatabase();
    // One after the other: the second finds the migrations applied.
    const replicas = [await openPostgresDatabase(created.url, { max: 6 }), await openPostgresDatabase(created.url, { max: 6 })];
    try {
      const stores = replicas.map((database) => new ApprovalsStore(database));
      const on = (i: number) => stores[i % 2]!;
      const scales = await Promise.all(Array.from({ length: 12 }, (_, i) => on(i).file(request('scale', { service: 'api', count: i + 2 }), LIMIT, AT)));
      expect(kinds(scales)).toEqual([...Array<string>(5).fill('filed'), ...Array<string>(7).fill('too-many')]);
      const extensions = await Promise.all(Array.from({ length: 10 }, (_, i) => on(i).file(request('extend', until(i), { environment: 'qa-1', requestedBy: 'U0EVE' }), LIMIT, AT)));
      expect(kinds(extensions)).toEqual(['filed', ...Array<string>(9).fill('same')]);
    } finally {
      await Promise.all(replicas.map((database) => database.close()));
      await created.drop();
    }
  });
});

/** A copy of a migrations folder whose journal stops before `tag`: the schema as a dockhand before it left it. */
function migrationsBefore(folder: string, tag: string): { folder: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'dockhand-migrations-'));
  cpSync(folder, dir, { recursive: true });
  const journalPath = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ tag: string }> };
  const at = journal.entries.findIndex((entry) => entry.tag === tag);
  expect(at, tag).toBeGreaterThan(0);
  writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
  return { folder: dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Requests filed before the key: two extensions of qa-1 with different ends waiting at once, among others. */
const OLD_ROWS: Array<[verb: string, environment: string, params: string, requestedBy: string, status: string]> = [
  ['stop', 'prod', '{"service":null,"count":null}', 'U0DEV', 'pending'],
  ['scale', 'prod', '{"service":"api","count":5}', 'U0DEV', 'pending'],
  ['restart', 'prod', '{"service":"api","count":null}', 'U0DEV', 'pending'],
  ['extend', 'qa-1', '{"until":"2026-12-02T21:00:00.000Z"}', 'U0DEV', 'pending'],
  ['extend', 'qa-1', '{"until":"2026-12-02T22:00:00.000Z"}', 'U0DEV', 'pending'],
  ['extend', 'qa-1', '{"until":"2026-12-02T20:00:00.000Z"}', 'U0DEV', 'approved'],
  ['extend', 'qa-1', '{"until":"2026-12-02T21:00:00.000Z"}', 'U0KIM', 'pending'],
];

/** After the migration: each row's key, and the later extension cancelled as a duplicate. */
const MIGRATED = [
  'stop prod pending',
  'scale prod service=api count=5 pending',
  'restart prod service=api pending',
  'extend qa-1 pending',
  'extend qa-1 cancelled',
  'extend qa-1 approved',
  'extend qa-1 pending',
];

async function expectMigrated(database: Database): Promise<void> {
  const store = new ApprovalsStore(database);
  const rows = await Promise.all(OLD_ROWS.map((_, i) => store.get(i + 1)));
  expect(rows.map((row) => `${row?.requestKey} ${row?.status}`)).toEqual(MIGRATED);
  expect(rows[4]?.reason).toBe('a duplicate of an earlier pending request');
  // The keys the migration computed are the ones new requests get: asking again finds each waiting one.
  for (const [verb, environment, params] of OLD_ROWS.slice(0, 3)) {
    expect(await store.file(request(verb, JSON.parse(params) as Record<string, unknown>, { environment }), LIMIT, AT)).toMatchObject({ kind: 'same' });
  }
  expect(await store.file(request('extend', until(45), { environment: 'qa-1' }), LIMIT, AT)).toMatchObject({ kind: 'same', row: { id: 4 } });
}

describe('the request key migration', () => {
  it('keys the rows SQLite held before it, and keeps the oldest of two extensions waiting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockhand-store-'));
    const before = migrationsBefore(MIGRATIONS_FOLDER, '0013_approval_request_key');
    try {
      const file = join(dir, 'dockhand.db');
      const old = new SQLite(file);
      sqliteMigrate(sqliteDrizzle(old), { migrationsFolder: before.folder });
      const insert = old.prepare('insert into approvals (environment, verb, params, requested_by, request_channel_id, status, created_at, expires_at) values (?, ?, ?, ?, ?, ?, ?, ?)');
      for (const [verb, environment, params, requestedBy, status] of OLD_ROWS) insert.run(environment, verb, params, requestedBy, 'C0DEV', status, AT, '2026-12-02T10:30:00.000Z');
      old.close();
      const database = openSqlite(file);
      await expectMigrated(database);
      await database.close();
    } finally {
      before.remove();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!server)('keys the rows Postgres held before it, and keeps the oldest of two extensions waiting', async () => {
    const created = await server!.createDatabase();
    const before = migrationsBefore(PG_MIGRATIONS_FOLDER, '0004_approval_request_key');
    const pool = new pg.Pool({ connectionString: created.url, max: 1 });
    try {
      await pgMigrate(pgDrizzle({ client: pool }), { migrationsFolder: before.folder });
      for (const [verb, environment, params, requestedBy, status] of OLD_ROWS) {
        await pool.query('insert into approvals (environment, verb, params, requested_by, request_channel_id, status, created_at, expires_at) values ($1, $2, $3, $4, $5, $6, $7, $8)', [environment, verb, params, requestedBy, 'C0DEV', status, AT, '2026-12-02T10:30:00.000Z']);
      }
      await pool.end();
      const database = await openPostgresDatabase(created.url);
      await expectMigrated(database);
      await database.close();
    } finally {
      before.remove();
      await created.drop();
    }
  });
});
