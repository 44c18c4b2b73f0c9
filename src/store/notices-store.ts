import { and, eq, gt, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import { affected, first, type Database } from './database.js';
import type { anomalyAlerts, digestPosts, liveAlerts } from './schema-notices.js';

export type AnomalyAlertRow = typeof anomalyAlerts.$inferSelect;
export type DigestPostRow = typeof digestPosts.$inferSelect;
export type LiveAlertClaim = typeof liveAlerts.$inferSelect;

/** Idle snoozes, and the claims that make anomaly alerts and digests post once. */
export class NoticesStore {
  constructor(private readonly database: Database) {}

  private get t() {
    return this.database.tables;
  }

  async snooze(environment: string, until: Date, by: string, now: Date): Promise<void> {
    const { idleSnoozes } = this.t;
    const values = { environment, until: until.toISOString(), by, at: now.toISOString() };
    await this.database.run((db) => db.insert(idleSnoozes).values(values).onConflictDoUpdate({ target: idleSnoozes.environment, set: values }));
  }

  /** Snoozes still in force at `now`, by environment. */
  async snoozes(now: Date): Promise<Map<string, Date>> {
    const { idleSnoozes } = this.t;
    const rows = await this.database.run((db) => db.select().from(idleSnoozes).where(gt(idleSnoozes.until, now.toISOString())));
    return new Map(rows.map((row) => [row.environment, new Date(row.until)]));
  }

  /** True for exactly one caller per environment, window and channel: post only then. */
  async claimAnomalyAlert(alert: AnomalyAlertRow): Promise<boolean> {
    const { anomalyAlerts } = this.t;
    return affected(await this.database.run((db) => db.insert(anomalyAlerts).values(alert).onConflictDoNothing())) === 1;
  }

  /** Gives the claim back when posting failed, so the next check tries again. */
  async releaseAnomalyAlert(alert: Pick<AnomalyAlertRow, 'environment' | 'windowStartMs' | 'channel'>): Promise<void> {
    const { anomalyAlerts } = this.t;
    await this.database.run((db) =>
      db
        .delete(anomalyAlerts)
        .where(and(eq(anomalyAlerts.environment, alert.environment), eq(anomalyAlerts.windowStartMs, alert.windowStartMs), eq(anomalyAlerts.channel, alert.channel))),
    );
  }

  anomalyAlertsSince(since: Date): Promise<AnomalyAlertRow[]> {
    const { anomalyAlerts } = this.t;
    return this.database.run((db) => db.select().from(anomalyAlerts).where(gte(anomalyAlerts.windowStartMs, since.getTime())));
  }

  /**
   * Claims the digest of a channel for a local date in one statement: a new row, or a failed attempt taken
   * over. Of any number of runs, restarts and processes, exactly one gets true and posts.
   */
  async claimDigest(channel: string, localDate: string, now: Date): Promise<boolean> {
    const { digestPosts } = this.t;
    const claimedAt = now.toISOString();
    const result = await this.database.run((db) =>
      db
        .insert(digestPosts)
        .values({ channel, localDate, status: 'claimed', claimedAt })
        .onConflictDoUpdate({
          target: [digestPosts.channel, digestPosts.localDate],
          set: { status: 'claimed', claimedAt, detail: null },
          setWhere: sql`${digestPosts.status} = 'failed'`,
        }),
    );
    return affected(result) === 1;
  }

  async finishDigest(channel: string, localDate: string, outcome: { status: 'posted' | 'failed'; ts?: string | null; messages: number; detail?: string | null }): Promise<void> {
    const { digestPosts } = this.t;
    await this.database.run((db) =>
      db
        .update(digestPosts)
        .set({ status: outcome.status, ts: outcome.ts ?? null, messages: outcome.messages, detail: outcome.detail ?? null })
        .where(and(eq(digestPosts.channel, channel), eq(digestPosts.localDate, localDate))),
    );
  }

  digestPost(channel: string, localDate: string): Promise<DigestPostRow | undefined> {
    const { digestPosts } = this.t;
    return this.database.run((db) => first(db.select().from(digestPosts).where(and(eq(digestPosts.channel, channel), eq(digestPosts.localDate, localDate))).limit(1)));
  }

  /** True for exactly one caller per alert identity and channel, whatever restarts between: post only then. */
  async claimLiveAlert(claim: LiveAlertClaim): Promise<boolean> {
    const { liveAlerts } = this.t;
    return affected(await this.database.run((db) => db.insert(liveAlerts).values(claim).onConflictDoNothing())) === 1;
  }

  /** Gives claims back when posting failed, so the next run tries again. */
  async releaseLiveAlerts(channel: string, alertKeys: readonly string[]): Promise<void> {
    if (alertKeys.length === 0) return;
    const { liveAlerts } = this.t;
    await this.database.run((db) => db.delete(liveAlerts).where(and(eq(liveAlerts.channel, channel), inArray(liveAlerts.alertKey, [...alertKeys]))));
  }

  liveAlertClaims(): Promise<LiveAlertClaim[]> {
    const { liveAlerts } = this.t;
    return this.database.run((db) => db.select().from(liveAlerts));
  }

  /** Forgets live-alert claims older than `before`; returns how many. */
  async pruneLiveAlerts(before: Date): Promise<number> {
    const { liveAlerts } = this.t;
    return affected(await this.database.run((db) => db.delete(liveAlerts).where(lt(liveAlerts.atMs, before.getTime()))));
  }

  /** When each environment remembered as short of tasks was first seen so. */
  async degradedSince(): Promise<Map<string, string>> {
    const { degradedEnvironments } = this.t;
    const rows = await this.database.run((db) => db.select().from(degradedEnvironments));
    return new Map(rows.map((row) => [row.environment, row.since]));
  }

  /** Remembers the first sighting of each newly short environment, and forgets those whole again, in one transaction. */
  async trackDegraded(started: readonly string[], recovered: readonly string[], since: Date): Promise<void> {
    const { degradedEnvironments } = this.t;
    await this.database.transaction(async (tx) => {
      for (const environment of started) await tx.insert(degradedEnvironments).values({ environment, since: since.toISOString() }).onConflictDoNothing();
      if (recovered.length > 0) await tx.delete(degradedEnvironments).where(inArray(degradedEnvironments.environment, [...recovered]));
    });
  }

  /** Forgets alerts and digest records older than `before`; snoozes that ended. */
  async prune(before: Date, now: Date): Promise<void> {
    const { anomalyAlerts, digestPosts, idleSnoozes } = this.t;
    await this.database.run(async (db) => {
      await db.delete(anomalyAlerts).where(lt(anomalyAlerts.windowStartMs, before.getTime()));
      await db.delete(digestPosts).where(lt(digestPosts.claimedAt, before.toISOString()));
      await db.delete(idleSnoozes).where(lte(idleSnoozes.until, now.toISOString()));
    });
  }
}
