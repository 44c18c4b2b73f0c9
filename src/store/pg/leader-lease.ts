import { and, eq, lte, or, sql } from 'drizzle-orm';
import type { Clock } from '../../domain/clock.js';
import type { PgDb, PgTx } from './db.js';
import { leaderLeases } from './schema-leader.js';

/** A write made on the strength of a leadership that has since changed hands: refused, its transaction rolled back. */
export class FencedOut extends Error {
  constructor(
    readonly token: number,
    readonly current: number | null,
  ) {
    super(`leadership token ${token} is stale (the lease is at ${current ?? 'nothing'})`);
    this.name = 'FencedOut';
  }
}

export interface LeaderLeaseOptions {
  /** Which leadership: one row per name (e.g. `jobs`). */
  name: string;
  /** This replica, unique per process (hostname, pid and a random suffix). */
  holder: string;
  /** A lease not renewed for this long may be taken by another replica. */
  leaseMs: number;
  clock: Clock;
}

/**
 * Leader election among replicas on one Postgres: a lease row with a fencing token. Taking the lease from
 * someone else (or the first time) moves the token up by one; renewing keeps it. Expiry is by the clock of
 * the replica taking over, so clocks that disagree can make two replicas believe they lead for a moment:
 * what keeps that harmless is the fence, checked in the same transaction as the action's journal entry.
 */
export class LeaderLease {
  constructor(
    private readonly db: PgDb,
    private readonly options: LeaderLeaseOptions,
  ) {}

  /**
   * One attempt: takes the lease when it is free, expired, or already this holder's (then renewed). Returns
   * the fencing token while held, null when another holder has it. One statement, so of any number of
   * replicas racing for an expired lease exactly one gets it.
   */
  async acquire(): Promise<number | null> {
    const { name, holder, leaseMs, clock } = this.options;
    const now = clock.now().getTime();
    const rows = await this.db
      .insert(leaderLeases)
      .values({ name, holder, token: 1, acquiredAt: now, expiresAt: now + leaseMs })
      .onConflictDoUpdate({
        target: leaderLeases.name,
        set: {
          holder,
          token: sql`case when ${leaderLeases.holder} = excluded.holder then ${leaderLeases.token} else ${leaderLeases.token} + 1 end`,
          acquiredAt: sql`case when ${leaderLeases.holder} = excluded.holder then ${leaderLeases.acquiredAt} else excluded.acquired_at end`,
          expiresAt: now + leaseMs,
        },
        setWhere: or(eq(leaderLeases.holder, holder), lte(leaderLeases.expiresAt, now)),
      })
      .returning({ token: leaderLeases.token });
    return rows[0]?.token ?? null;
  }

  /** Extends the lease; false when it changed hands since `token` (this replica must stop leading). */
  async renew(token: number): Promise<boolean> {
    const now = this.options.clock.now().getTime();
    const rows = await this.db
      .update(leaderLeases)
      .set({ expiresAt: now + this.options.leaseMs })
      .where(this.heldWith(token))
      .returning({ token: leaderLeases.token });
    return rows.length === 1;
  }

  /** Lets the lease expire now, so another replica takes over at its next attempt rather than after the expiry. */
  async release(token: number): Promise<void> {
    await this.db.update(leaderLeases).set({ expiresAt: this.options.clock.now().getTime() }).where(this.heldWith(token));
  }

  /**
   * Throws `FencedOut` (rolling back `tx`) unless `token` is still the lease's. Call it inside the transaction
   * that writes the action's journal entry. FOR SHARE holds the row until that transaction ends, so a
   * takeover (an UPDATE of the row) waits for it: whatever commits after this check committed while the
   * token was current.
   */
  async checkFence(tx: PgTx, token: number): Promise<void> {
    const rows = await tx.select({ token: leaderLeases.token }).from(leaderLeases).where(eq(leaderLeases.name, this.options.name)).for('share');
    const current = rows[0]?.token ?? null;
    if (current !== token) throw new FencedOut(token, current);
  }

  /** Runs `action` in a transaction that first checks the fence: the action's writes commit only under `token`. */
  async fenced<T>(token: number, action: (tx: PgTx) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await this.checkFence(tx, token);
      return action(tx);
    });
  }

  private heldWith(token: number) {
    return and(eq(leaderLeases.name, this.options.name), eq(leaderLeases.holder, this.options.holder), eq(leaderLeases.token, token));
  }
}
