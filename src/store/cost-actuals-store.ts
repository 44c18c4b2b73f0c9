import { and, eq, gte, lte, sql } from 'drizzle-orm';
import type { BilledTotal, DayRange } from '../domain/cost/report.js';
import { chunks, first, type Database, type Tables } from './database.js';
import type { costExplorerAsks } from './schema-cost.js';

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
  constructor(private readonly database: Database) {}

  /**
   * Claims the account's Cost Explorer run for `day` (UTC) in one statement: of any number of runs, restarts
   * and processes on this database, exactly one gets the claim per day. Null when already claimed.
   */
  claim(account: string, day: string, now: Date): Promise<CostExplorerClaim | null> {
    const { costExplorerAsks } = this.database.tables;
    return this.database.transaction(async (tx) => {
      const previous = await first(tx.select().from(costExplorerAsks).where(eq(costExplorerAsks.account, account)).limit(1));
      const claimed = await tx
        .insert(costExplorerAsks)
        .values({ account, day, askedAt: now.toISOString(), pages: 0, finalThrough: null })
        .onConflictDoUpdate({
          target: costExplorerAsks.account,
          set: { day, askedAt: now.toISOString(), pages: 0 },
          setWhere: sql`${costExplorerAsks.day} < ${day}`,
        })
        .returning({ account: costExplorerAsks.account });
      return claimed.length === 1 ? { account, day, finalThrough: previous?.finalThrough ?? null, previous } : null;
    });
  }

  /** Gives a claim back when the run failed before Cost Explorer answered anything (and so billed nothing). */
  async release(claim: CostExplorerClaim): Promise<void> {
    const { costExplorerAsks } = this.database.tables;
    const where = and(eq(costExplorerAsks.account, claim.account), eq(costExplorerAsks.day, claim.day));
    if (claim.previous) {
      const { account: _account, ...previous } = claim.previous;
      await this.database.run((db) => db.update(costExplorerAsks).set(previous).where(where));
    } else {
      await this.database.run((db) => db.delete(costExplorerAsks).where(where));
    }
  }

  /** Replaces the asked days' figures with the answer, and records what the run cost and what is final now. */
  async save(claim: CostExplorerClaim, asked: DayRange, days: readonly ActualDay[], pages: number, finalThrough: string | null, now: Date): Promise<void> {
    const { costActuals, costExplorerAsks } = this.database.tables;
    await this.database.transaction(async (tx) => {
      await tx.delete(costActuals).where(and(eq(costActuals.account, claim.account), gte(costActuals.day, asked.first), lte(costActuals.day, asked.last)));
      for (const chunk of chunks(days)) await tx.insert(costActuals).values(chunk.map((day) => ({ account: claim.account, ...day, fetchedAt: now.toISOString() })));
      await tx.update(costExplorerAsks).set({ pages, finalThrough }).where(eq(costExplorerAsks.account, claim.account));
    });
  }

  /** Billed spend per environment (and "untagged") over the days, all accounts together. */
  async billed(days: DayRange): Promise<Map<string, BilledTotal>> {
    const { costActuals } = this.database.tables;
    const rows = await this.database.run((db) =>
      db
        .select({ environment: costActuals.environment, dollars: sql<number>`sum(${costActuals.dollars})`, estimated: anyEstimated(costActuals) })
        .from(costActuals)
        .where(and(gte(costActuals.day, days.first), lte(costActuals.day, days.last)))
        .groupBy(costActuals.environment),
    );
    return new Map(rows.map((row) => [row.environment, { dollars: Number(row.dollars), estimated: Number(row.estimated) === 1 }]));
  }

  /** Billed spend per day and environment (and "untagged") over the days, all accounts together. */
  async billedByDay(days: DayRange): Promise<Map<string, Map<string, BilledTotal>>> {
    const { costActuals } = this.database.tables;
    const rows = await this.database.run((db) =>
      db
        .select({ day: costActuals.day, environment: costActuals.environment, dollars: sql<number>`sum(${costActuals.dollars})`, estimated: anyEstimated(costActuals) })
        .from(costActuals)
        .where(and(gte(costActuals.day, days.first), lte(costActuals.day, days.last)))
        .groupBy(costActuals.day, costActuals.environment),
    );
    const byDay = new Map<string, Map<string, BilledTotal>>();
    for (const row of rows) {
      const day = byDay.get(row.day) ?? new Map<string, BilledTotal>();
      day.set(row.environment, { dollars: Number(row.dollars), estimated: Number(row.estimated) === 1 });
      byDay.set(row.day, day);
    }
    return byDay;
  }

  lastAsk(account: string): Promise<typeof costExplorerAsks.$inferSelect | undefined> {
    const { costExplorerAsks } = this.database.tables;
    return this.database.run((db) => first(db.select().from(costExplorerAsks).where(eq(costExplorerAsks.account, account)).limit(1)));
  }
}

/** 1 when any row of the group is an estimate: SQLite keeps the flag as 0/1, Postgres as a boolean; CASE reads both. */
function anyEstimated(costActuals: Tables['costActuals']) {
  return sql<number>`max(case when ${costActuals.estimated} then 1 else 0 end)`;
}
