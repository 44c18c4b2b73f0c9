import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/database.js';
import type { Db } from '../../src/store/db.js';
import { FencedOut, LeaseStore } from '../../src/store/lease-store.js';
import { storeDialects, type OpenedDatabase } from '../support/databases.js';

const LEASE_MS = 30_000;
const T0 = Date.parse('2026-01-05T09:00:00.000Z');

// The one instance lease and its fencing token, on both dialects: the same guarantees the replicas rely on.
describe.each(await storeDialects())('the instance lease token and fence on $dialect', ({ dialect, open }) => {
  let opened: OpenedDatabase;
  let database: Database;
  let store: LeaseStore;

  beforeAll(async () => {
    opened = await open();
    database = opened.database;
    store = new LeaseStore(database);
  });
  afterAll(() => opened?.close());

  const auditLog = () => database.tables.auditLog;
  /** An action's journal entry: an audit row named after its writer. */
  const journal = (writer: string) => (tx: Db) => tx.insert(auditLog()).values({ at: new Date(T0).toISOString(), actor: writer, verb: 'stop', params: {}, outcome: 'ok' });
  const entries = async (writer: string) => (await database.run((db) => db.select().from(auditLog()).where(eq(auditLog().actor, writer)))).length;
  const fenced = (holder: string, token: number, writer: string) =>
    database.transaction(async (tx) => {
      await store.checkFence(tx, holder, token);
      await journal(writer)(tx);
    });

  it('a takeover moves the token up, a renew keeps it, and the old holder’s fenced write is refused and rolled back', async () => {
    expect(await store.take('replica-a', T0, LEASE_MS)).toBe(true);
    const tokenA = (await store.current())!.token;
    expect(await store.take('replica-b', T0 + 1, LEASE_MS)).toBe(false);
    expect(await store.renew('replica-a', T0 + LEASE_MS - 1, LEASE_MS)).toBe(true);
    expect(await store.take('replica-a', T0 + LEASE_MS, LEASE_MS)).toBe(true);
    expect((await store.current())!.token).toBe(tokenA);
    await fenced('replica-a', tokenA, 'a-before');
    expect(await entries('a-before')).toBe(1);

    // A stalls past its expiry; B takes over with the next token.
    expect(await store.take('replica-b', T0 + 3 * LEASE_MS, LEASE_MS)).toBe(true);
    const tokenB = (await store.current())!.token;
    expect(tokenB).toBe(tokenA + 1);

    // A wakes up believing it leads: refused, wherever in the transaction the check is.
    await expect(fenced('replica-a', tokenA, 'a-stale')).rejects.toBeInstanceOf(FencedOut);
    await expect(
      database.transaction(async (tx) => {
        await journal('a-stale')(tx);
        await store.checkFence(tx, 'replica-a', tokenA);
      }),
    ).rejects.toMatchObject({ code: 'FENCED_OUT', token: tokenA, current: { holder: 'replica-b', token: tokenB } });
    expect(await entries('a-stale')).toBe(0);
    expect(await store.renew('replica-a', T0 + 3 * LEASE_MS + 1, LEASE_MS)).toBe(false);
    await fenced('replica-b', tokenB, 'b');
    expect(await entries('b')).toBe(1);

    // Releasing hands over at once, with the next token.
    await store.release('replica-b', T0 + 3 * LEASE_MS + 2);
    expect(await store.take('replica-a', T0 + 3 * LEASE_MS + 2, LEASE_MS)).toBe(true);
    expect((await store.current())!.token).toBe(tokenB + 1);
  });

  it('a holder re-taking its own lapsed lease gets the next token: what it began before the lapse is fenced', async () => {
    const before = (await store.current())!;
    // Nobody took it while it lapsed (a paused process, a database that did not answer its renewals).
    expect(await store.take(before.holder, before.expiresAt, LEASE_MS)).toBe(true);
    const after = (await store.current())!;
    expect(after.holder).toBe(before.holder);
    expect(after.token).toBe(before.token + 1);
    await expect(fenced(before.holder, before.token, 'lapsed-stale')).rejects.toBeInstanceOf(FencedOut);
    expect(await entries('lapsed-stale')).toBe(0);
    // While it has not lapsed, taking it again is a renewal: the token stays.
    expect(await store.take(before.holder, after.expiresAt - 1, LEASE_MS)).toBe(true);
    expect((await store.current())!.token).toBe(after.token);
  });

  it('of 20 replicas racing for an expired lease exactly one takes it, and the token moves up by one', async () => {
    const before = (await store.current())!;
    const at = before.expiresAt;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.take(`racer-${i}`, at, LEASE_MS)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await store.current())!.token).toBe(before.token + 1);
  });

  it.runIf(dialect === 'postgres')('a takeover waits for a fenced transaction under way (FOR SHARE)', async () => {
    const current = (await store.current())!;
    let finish!: () => void;
    let checked!: () => void;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    const passedFence = new Promise<void>((resolve) => (checked = resolve));
    const write = database.transaction(async (tx) => {
      await store.checkFence(tx, current.holder, current.token);
      await journal('inflight')(tx);
      checked();
      await gate;
    });
    await passedFence;
    const takeover = store.take('replica-late', current.expiresAt, LEASE_MS);
    await waitFor(async () => (await waitingOnLocks()) === 1);
    finish();
    await write;
    expect(await takeover).toBe(true);
    expect(await entries('inflight')).toBe(1);
  });

  async function waitingOnLocks(): Promise<number> {
    const rows = (await database.run((db) => (db as unknown as { execute(q: unknown): Promise<{ rows: { count: string }[] }> }).execute(sql`select count(*) as count from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`))) as { rows: { count: string }[] };
    return Number(rows.rows[0]!.count);
  }
});

/** Polls a condition of the database (no timing is asserted; a condition never met fails after many tries). */
async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the condition was never met');
}
