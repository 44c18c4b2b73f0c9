import { and, eq, lte, or, sql } from 'drizzle-orm';
import { affected, first, type Database, type Dialect } from './database.js';
import type { Db } from './db.js';

export const LEASE_NAME = 'dockhand';

export interface LeaseRow {
  holder: string;
  acquiredAt: number;
  heartbeatAt: number;
  expiresAt: number;
  /** Fencing token: +1 on every change of holder, kept on renew. */
  token: number;
}

/** A write made on the strength of a lease that has since changed hands: refused, its transaction rolled back. */
export class FencedOut extends Error {
  readonly code = 'FENCED_OUT';
  constructor(
    readonly token: number,
    readonly current: { holder: string; token: number } | null,
  ) {
    super(`lease token ${token} is stale (the lease is at ${current ? `${current.token}, held by ${current.holder}` : 'nothing'})`);
    this.name = 'FencedOut';
  }
}

export function isFencedOut(error: unknown): error is FencedOut {
  return (error as { code?: unknown } | null)?.code === 'FENCED_OUT';
}

/** The lease row and its compare-and-set updates; every method is one transaction. */
export class LeaseStore {
  constructor(private readonly database: Database) {}

  /** Postgres: replicas, each serving Slack, the lease gating only the jobs; SQLite: one instance in all. */
  get dialect(): Dialect {
    return this.database.dialect;
  }

  current(): Promise<LeaseRow | undefined> {
    const { instanceLease } = this.database.tables;
    return this.database.run((db) => first(db.select().from(instanceLease).where(eq(instanceLease.name, LEASE_NAME)).limit(1)));
  }

  /**
   * Takes the lease if nobody holds it, its holder let it expire, or `holder` already has it. Returns true
   * when `holder` holds it afterwards. IMMEDIATE on SQLite, so two processes racing serialize on its write lock.
   */
  take(holder: string, nowMs: number, leaseMs: number): Promise<boolean> {
    const { instanceLease } = this.database.tables;
    return this.database.transaction(async (tx) => {
      const inserted = await tx
        .insert(instanceLease)
        .values({ name: LEASE_NAME, holder, acquiredAt: nowMs, heartbeatAt: nowMs, expiresAt: nowMs + leaseMs })
        .onConflictDoNothing();
      if (affected(inserted) === 1) return true;
      const row = await first(tx.select().from(instanceLease).where(eq(instanceLease.name, LEASE_NAME)).limit(1));
      const mine = row?.holder === holder;
      // The token moves up in the statement itself, so it is the row's as the UPDATE finds it, not as read above;
      // it moves for a holder re-taking its own expired lease too: what it started before it lapsed is fenced.
      const updated = await tx
        .update(instanceLease)
        .set({
          holder,
          acquiredAt: mine ? row.acquiredAt : nowMs,
          heartbeatAt: nowMs,
          expiresAt: nowMs + leaseMs,
          token: sql`case when ${instanceLease.holder} = ${holder} and ${instanceLease.expiresAt} > ${nowMs} then ${instanceLease.token} else ${instanceLease.token} + 1 end`,
        })
        .where(and(eq(instanceLease.name, LEASE_NAME), or(eq(instanceLease.holder, holder), lte(instanceLease.expiresAt, nowMs))));
      return affected(updated) === 1;
    });
  }

  /**
   * Throws `FencedOut` (rolling back `tx`) unless `holder` still holds the lease with `token`. Call it inside
   * the transaction that journals a leader's action. On Postgres FOR SHARE keeps the row until that
   * transaction ends, so a takeover (an UPDATE of the row) waits for it; on SQLite the transaction holds the
   * write lock (BEGIN IMMEDIATE), so no takeover commits in between either way.
   */
  async checkFence(tx: Db, holder: string, token: number): Promise<void> {
    const { instanceLease } = this.database.tables;
    const query = tx.select({ holder: instanceLease.holder, token: instanceLease.token }).from(instanceLease).where(eq(instanceLease.name, LEASE_NAME));
    const rows = this.database.dialect === 'postgres' ? await (query as unknown as { for(strength: 'share'): PromiseLike<{ holder: string; token: number }[]> }).for('share') : await query;
    const current = rows[0] ?? null;
    if (!current || current.holder !== holder || current.token !== token) throw new FencedOut(token, current);
  }

  /** Extends `holder`'s lease; false when someone else holds it now (it expired and was taken over). */
  async renew(holder: string, nowMs: number, leaseMs: number): Promise<boolean> {
    const { instanceLease } = this.database.tables;
    const updated = await this.database.run((db) =>
      db
        .update(instanceLease)
        .set({ heartbeatAt: nowMs, expiresAt: nowMs + leaseMs })
        .where(and(eq(instanceLease.name, LEASE_NAME), eq(instanceLease.holder, holder))),
    );
    return affected(updated) === 1;
  }

  /** Lets the lease expire now, so a waiting instance takes over at its next attempt instead of after the expiry. */
  async release(holder: string, nowMs: number): Promise<void> {
    const { instanceLease } = this.database.tables;
    await this.database.run((db) =>
      db
        .update(instanceLease)
        .set({ expiresAt: nowMs })
        .where(and(eq(instanceLease.name, LEASE_NAME), eq(instanceLease.holder, holder))),
    );
  }

  /** A real write, for the readiness check: throws when the database no longer takes writes. */
  async probeWrite(nowMs: number): Promise<void> {
    const { healthProbe } = this.database.tables;
    await this.database.run((db) => db.insert(healthProbe).values({ id: 1, at: nowMs }).onConflictDoUpdate({ target: healthProbe.id, set: { at: nowMs } }));
  }
}
