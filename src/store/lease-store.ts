import { and, eq, lte, or } from 'drizzle-orm';
import { affected, first, type Database } from './database.js';

export const LEASE_NAME = 'dockhand';

export interface LeaseRow {
  holder: string;
  acquiredAt: number;
  heartbeatAt: number;
  expiresAt: number;
}

/** The lease row and its compare-and-set updates; every method is one transaction. */
export class LeaseStore {
  constructor(private readonly database: Database) {}

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
      const updated = await tx
        .update(instanceLease)
        .set({ holder, acquiredAt: mine ? row.acquiredAt : nowMs, heartbeatAt: nowMs, expiresAt: nowMs + leaseMs })
        .where(and(eq(instanceLease.name, LEASE_NAME), or(eq(instanceLease.holder, holder), lte(instanceLease.expiresAt, nowMs))));
      return affected(updated) === 1;
    });
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
