import { and, eq, lte, or } from 'drizzle-orm';
import type { Db } from './db.js';
import { healthProbe, instanceLease } from './schema-lease.js';

export const LEASE_NAME = 'dockhand';

export interface LeaseRow {
  holder: string;
  acquiredAt: number;
  heartbeatAt: number;
  expiresAt: number;
}

/** The lease row and its compare-and-set updates; every method is one SQLite transaction. */
export class LeaseStore {
  constructor(private readonly db: Db) {}

  current(): LeaseRow | undefined {
    return this.db.select().from(instanceLease).where(eq(instanceLease.name, LEASE_NAME)).get();
  }

  /**
   * Takes the lease if nobody holds it, its holder let it expire, or `holder` already has it. Returns true
   * when `holder` holds it afterwards. IMMEDIATE, so two processes racing serialize on SQLite's write lock.
   */
  take(holder: string, nowMs: number, leaseMs: number): boolean {
    return this.db.$client
      .transaction(() => {
        const inserted = this.db
          .insert(instanceLease)
          .values({ name: LEASE_NAME, holder, acquiredAt: nowMs, heartbeatAt: nowMs, expiresAt: nowMs + leaseMs })
          .onConflictDoNothing()
          .run();
        if (inserted.changes === 1) return true;
        const row = this.current();
        const mine = row?.holder === holder;
        const updated = this.db
          .update(instanceLease)
          .set({ holder, acquiredAt: mine ? row.acquiredAt : nowMs, heartbeatAt: nowMs, expiresAt: nowMs + leaseMs })
          .where(and(eq(instanceLease.name, LEASE_NAME), or(eq(instanceLease.holder, holder), lte(instanceLease.expiresAt, nowMs))))
          .run();
        return updated.changes === 1;
      })
      .immediate();
  }

  /** Extends `holder`'s lease; false when someone else holds it now (it expired and was taken over). */
  renew(holder: string, nowMs: number, leaseMs: number): boolean {
    const updated = this.db
      .update(instanceLease)
      .set({ heartbeatAt: nowMs, expiresAt: nowMs + leaseMs })
      .where(and(eq(instanceLease.name, LEASE_NAME), eq(instanceLease.holder, holder)))
      .run();
    return updated.changes === 1;
  }

  /** Lets the lease expire now, so a waiting instance takes over at its next attempt instead of after the expiry. */
  release(holder: string, nowMs: number): void {
    this.db
      .update(instanceLease)
      .set({ expiresAt: nowMs })
      .where(and(eq(instanceLease.name, LEASE_NAME), eq(instanceLease.holder, holder)))
      .run();
  }

  /** A real write, for the readiness check: throws when the database no longer takes writes. */
  probeWrite(nowMs: number): void {
    this.db.insert(healthProbe).values({ id: 1, at: nowMs }).onConflictDoUpdate({ target: healthProbe.id, set: { at: nowMs } }).run();
  }
}
