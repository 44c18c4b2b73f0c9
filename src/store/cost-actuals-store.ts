import { and, eq, gte, lte, sql } from 'drizzle-orm';
import type { BilledTotal, DayRange } from '../domain/cost/report.js';
import type { Db } from './db.js';
import { costActuals, costExplorerAsks } from './schema-cost.js';

export interface ActualDay {
  day: string;
  environment: string;
  dollars: number;
  estimated: boolean;
}

export interface CostExplorerClaim {
  account: string;
  day: string;
  /** Days after this one are the ones to ask for; null when nothing is final yet. */
  finalThrough: string | null;
  /** What the row said before the claim, to put back if the run fails before anything was billed. */
  previous: typeof costExplorerAsks.$inferSelect | undefined;
}

/** Cost Explorer's daily spend per environment, and the one run per account and day that fetches it. */
export class CostActualsStore {
  constructor(private readonly db: Db) {}

  /**
   * Claims the account's Cost Explorer run for `day` (UTC) in one statement: of any number of runs, restarts
   * and processes on this database, exactly one gets the claim per day. Null when already claimed.
   */
  claim(account: string, day: string, now: Date): CostExplorerClaim | null {
    return this.db.transaction((tx) => {
      const previous = tx.select().from(costExplorerAsks).where(eq(costExplorerAsks.account, account)).get();
      const claimed = tx
        .insert(costExplorerAsks)
        .values({ account, day, askedAt: now.toISOString(), pages: 0, finalThrough: null })
        .onConflictDoUpdate({
          target: costExplorerAsks.account,
          set: { day, askedAt: now.toISOString(), pages: 0 },
          setWhere: sql`${costExplorerAsks.day} < ${day}`,
        })
        .run().changes;
      return claimed === 1 ? { account, day, finalThrough: previous?.finalThrough ?? null, previous } : null;
    });
  }

  /** Gives a claim back when the run failed before Cost Explorer answered anything (and so billed nothing). */
  release(claim: CostExplorerClaim): void {
    if (claim.previous) {
      const { account: _account, ...previous } = claim.previous;
      this.db.update(costExplorerAsks).set(previous).where(and(eq(costExplorerAsks.account, claim.account), eq(costExplorerAsks.day, claim.day))).run();
    } else {
      this.db.delete(costExplorerAsks).where(and(eq(costExplorerAsks.account, claim.account), eq(costExplorerAsks.day, claim.day))).run();
    }
  }

  /** Replaces the asked days' figures with the answer, and records what the run cost and what is final now. */
  save(claim: CostExplorerClaim, asked: DayRange, days: readonly ActualDay[], pages: number, finalThrough: string | null, now: Date): void {
    this.db.transaction((tx) => {
      tx.delete(costActuals).where(and(eq(costActuals.account, claim.account), gte(costActuals.day, asked.first), lte(costActuals.day, asked.last))).run();
      for (const day of days) tx.insert(costActuals).values({ account: claim.account, ...day, fetchedAt: now.toISOString() }).run();
      tx.update(costExplorerAsks).set({ pages, finalThrough }).where(eq(costExplorerAsks.account, claim.account)).run();
    });
  }

  /** Billed spend per environment (and "untagged") over the days, all accounts together. */
  billed(days: DayRange): Map<string, BilledTotal> {
    const rows = this.db
      .select({ environment: costActuals.environment, dollars: sql<number>`sum(${costActuals.dollars})`, estimated: sql<number>`max(${costActuals.estimated})` })
      .from(costActuals)
      .where(and(gte(costActuals.day, days.first), lte(costActuals.day, days.last)))
      .groupBy(costActuals.environment)
      .all();
    return new Map(rows.map((row) => [row.environment, { dollars: row.dollars, estimated: row.estimated === 1 }]));
  }

  /** Billed spend per day and environment (and "untagged") over the days, all accounts together. */
  billedByDay(days: DayRange): Map<string, Map<string, BilledTotal>> {
    const rows = this.db
      .select({ day: costActuals.day, environment: costActuals.environment, dollars: sql<number>`sum(${costActuals.dollars})`, estimated: sql<number>`max(${costActuals.estimated})` })
      .from(costActuals)
      .where(and(gte(costActuals.day, days.first), lte(costActuals.day, days.last)))
      .groupBy(costActuals.day, costActuals.environment)
      .all();
    const byDay = new Map<string, Map<string, BilledTotal>>();
    for (const row of rows) {
      const day = byDay.get(row.day) ?? new Map<string, BilledTotal>();
      day.set(row.environment, { dollars: row.dollars, estimated: row.estimated === 1 });
      byDay.set(row.day, day);
    }
    return byDay;
  }

  lastAsk(account: string): typeof costExplorerAsks.$inferSelect | undefined {
    return this.db.select().from(costExplorerAsks).where(eq(costExplorerAsks.account, account)).get();
  }
}
