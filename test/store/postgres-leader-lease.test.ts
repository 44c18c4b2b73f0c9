import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { openPostgres, type PgDb, type PgTx } from '../../src/store/pg/db.js';
import { FencedOut, LeaderLease } from '../../src/store/pg/leader-lease.js';
import { auditLog } from '../../src/store/pg/schema.js';
import { testPostgres, type TestDatabase } from '../support/postgres.js';

const LEASE_MS = 30_000;
const server = await testPostgres();

describe.skipIf(!server)('the leader lease on Postgres (real server, two clients)', () => {
  let database: TestDatabase;
  // Two replicas: each its own connection pool, as two processes would have.
  let first: PgDb;
  let second: PgDb;
  const clock = new ManualClock('2026-01-05T09:00:00.000Z');

  beforeAll(async () => {
    database = await server!.createDatabase();
    first = await openPostgres(database.url);
    second = await openPostgres(database.url, { max: 20 });
  });

  afterAll(async () => {
    await first?.$client.end();
    await second?.$client.end();
    await database?.drop();
  });

  const lease = (db: PgDb, holder: string, name = 'jobs') => new LeaderLease(db, { name, holder, leaseMs: LEASE_MS, clock });
  /** An action's journal entry, written under the fence: an audit row named after its writer. */
  const journal = (writer: string) => (tx: PgTx) =>
    tx.insert(auditLog).values({ at: clock.now().toISOString(), actor: writer, verb: 'stop', params: {}, outcome: 'ok' }).returning();
  const entries = async (writer: string) => (await first.select().from(auditLog).where(eq(auditLog.actor, writer))).length;

  it('a leader that lost its lease after expiry cannot renew, and its fenced journal write is refused and rolled back', async () => {
    const a = lease(first, 'replica-a');
    const b = lease(second, 'replica-b');
    const tokenA = await a.acquire();
    expect(tokenA).toBe(1);
    expect(await b.acquire()).toBeNull();
    await a.fenced(tokenA!, journal('a-before'));
    expect(await entries('a-before')).toBe(1);

    // A stalls: its lease runs out by the clock, and B takes over with the next token.
    clock.advance(LEASE_MS - 1);
    expect(await b.acquire()).toBeNull();
    clock.advance(1);
    const tokenB = await b.acquire();
    expect(tokenB).toBe(2);

    // A wakes up still believing it leads, and acts on its stale decision.
    await expect(a.fenced(tokenA!, journal('a-stale'))).rejects.toBeInstanceOf(FencedOut);
    // The fence is checked in the write's own transaction, wherever in it: a write before the check goes too.
    await expect(
      first.transaction(async (tx) => {
        await journal('a-stale')(tx);
        await a.checkFence(tx, tokenA!);
      }),
    ).rejects.toMatchObject({ token: 1, current: 2 });
    expect(await entries('a-stale')).toBe(0);
    expect(await a.renew(tokenA!)).toBe(false);
    expect(await a.acquire()).toBeNull();

    await b.fenced(tokenB!, journal('b'));
    expect(await entries('b')).toBe(1);
    expect(await b.renew(tokenB!)).toBe(true);
  });

  it('renewing keeps the token; releasing hands the lease over at once, with the next token', async () => {
    const a = lease(first, 'replica-a', 'release');
    const b = lease(second, 'replica-b', 'release');
    const token = await a.acquire();
    clock.advance(LEASE_MS - 1);
    expect(await a.renew(token!)).toBe(true);
    clock.advance(LEASE_MS - 1);
    expect(await b.acquire()).toBeNull();
    expect(await a.acquire()).toBe(token);
    await a.release(token!);
    expect(await b.acquire()).toBe(token! + 1);
  });

  it('of 20 replicas racing for an expired lease exactly one takes it, and the token moves up by one', async () => {
    const holder = lease(first, 'replica-a', 'race');
    const before = await holder.acquire();
    clock.advance(LEASE_MS);
    const racers = Array.from({ length: 20 }, (_, i) => lease(second, `replica-${i}`, 'race'));
    const tokens = await Promise.all(racers.map((racer) => racer.acquire()));
    expect(tokens.filter((token) => token !== null)).toEqual([before! + 1]);
  });

  it('a takeover waits for a fenced transaction under way, so what that transaction commits was written under a current token', async () => {
    const a = lease(first, 'replica-a', 'inflight');
    const b = lease(second, 'replica-b', 'inflight');
    const tokenA = await a.acquire();
    let finish!: () => void;
    let checked!: () => void;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    const passedFence = new Promise<void>((resolve) => (checked = resolve));
    const write = a.fenced(tokenA!, async (tx) => {
      await journal('a-inflight')(tx);
      checked();
      await gate;
    });
    // A's transaction is past its fence check (and holds the lease row FOR SHARE) when the lease expires.
    await passedFence;
    clock.advance(LEASE_MS);
    const takeover = b.acquire();
    await waitFor(async () => (await waitingOnLocks()) === 1);
    finish();
    await write;
    expect(await takeover).toBe(tokenA! + 1);
    expect(await entries('a-inflight')).toBe(1);
  });

  async function waitingOnLocks(): Promise<number> {
    const rows = await first.execute<{ count: string }>(sql`select count(*) as count from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
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
