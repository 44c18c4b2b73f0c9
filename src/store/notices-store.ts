import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from './db.js';
import { anomalyAlerts, degradedEnvironments, digestPosts, idleSnoozes, liveAlerts } from './schema-notices.js';

export type AnomalyAlertRow = typeof anomalyAlerts.$inferSelect;
export type DigestPostRow = typeof digestPosts.$inferSelect;
export type LiveAlertClaim = typeof liveAlerts.$inferSelect;

/** Idle snoozes, and the claims that make anomaly alerts and digests post once. */
export class NoticesStore {
  constructor(private readonly db: Db) {}

  snooze(environment: string, until: Date, by: string, now: Date): void {
    const values = { environment, until: until.toISOString(), by, at: now.toISOString() };
    this.db.insert(idleSnoozes).values(values).onConflictDoUpdate({ target: idleSnoozes.environment, set: values }).run();
  }

  /** Snoozes still in force at `now`, by environment. */
  snoozes(now: Date): Map<string, Date> {
    const rows = this.db.select().from(idleSnoozes).where(sql`${idleSnoozes.until} > ${now.toISOString()}`).all();
    return new Map(rows.map((row) => [row.environment, new Date(row.until)]));
  }

  /** True for exactly one caller per environment, window and channel: post only then. */
  claimAnomalyAlert(alert: AnomalyAlertRow): boolean {
    return this.db.insert(anomalyAlerts).values(alert).onConflictDoNothing().run().changes === 1;
  }

  /** Gives the claim back when posting failed, so the next check tries again. */
  releaseAnomalyAlert(alert: Pick<AnomalyAlertRow, 'environment' | 'windowStartMs' | 'channel'>): void {
    this.db
      .delete(anomalyAlerts)
      .where(and(eq(anomalyAlerts.environment, alert.environment), eq(anomalyAlerts.windowStartMs, alert.windowStartMs), eq(anomalyAlerts.channel, alert.channel)))
      .run();
  }

  anomalyAlertsSince(since: Date): AnomalyAlertRow[] {
    return this.db.select().from(anomalyAlerts).where(gte(anomalyAlerts.windowStartMs, since.getTime())).all();
  }

  /**
   * Claims the digest of a channel for a local date in one statement: a new row, or a failed attempt taken
   * over. Of any number of runs, restarts and processes, exactly one gets true and posts.
   */
  claimDigest(channel: string, localDate: string, now: Date): boolean {
    const claimedAt = now.toISOString();
    return (
      this.db
        .insert(digestPosts)
        .values({ channel, localDate, status: 'claimed', claimedAt })
        .onConflictDoUpdate({
          target: [digestPosts.channel, digestPosts.localDate],
          set: { status: 'claimed', claimedAt, detail: null },
          setWhere: sql`${digestPosts.status} = 'failed'`,
        })
        .run().changes === 1
    );
  }

  finishDigest(channel: string, localDate: string, outcome: { status: 'posted' | 'failed'; ts?: string | null; messages: number; detail?: string | null }): void {
    this.db
      .update(digestPosts)
      .set({ status: outcome.status, ts: outcome.ts ?? null, messages: outcome.messages, detail: outcome.detail ?? null })
      .where(and(eq(digestPosts.channel, channel), eq(digestPosts.localDate, localDate)))
      .run();
  }

  digestPost(channel: string, localDate: string): DigestPostRow | undefined {
    return this.db.select().from(digestPosts).where(and(eq(digestPosts.channel, channel), eq(digestPosts.localDate, localDate))).get();
  }

  /** True for exactly one caller per alert identity and channel, whatever restarts between: post only then. */
  claimLiveAlert(claim: LiveAlertClaim): boolean {
    return this.db.insert(liveAlerts).values(claim).onConflictDoNothing().run().changes === 1;
  }

  /** Gives claims back when posting failed, so the next run tries again. */
  releaseLiveAlerts(channel: string, alertKeys: readonly string[]): void {
    if (alertKeys.length === 0) return;
    this.db
      .delete(liveAlerts)
      .where(and(eq(liveAlerts.channel, channel), inArray(liveAlerts.alertKey, [...alertKeys])))
      .run();
  }

  liveAlertClaims(): LiveAlertClaim[] {
    return this.db.select().from(liveAlerts).all();
  }

  /** Forgets live-alert claims older than `before`; returns how many. */
  pruneLiveAlerts(before: Date): number {
    return this.db.delete(liveAlerts).where(lt(liveAlerts.atMs, before.getTime())).run().changes;
  }

  /** When each environment remembered as short of tasks was first seen so. */
  degradedSince(): Map<string, string> {
    return new Map(this.db.select().from(degradedEnvironments).all().map((row) => [row.environment, row.since]));
  }

  /** Remembers the first sighting of each newly short environment, and forgets those whole again, in one transaction. */
  trackDegraded(started: readonly string[], recovered: readonly string[], since: Date): void {
    this.db.transaction((tx) => {
      for (const environment of started) tx.insert(degradedEnvironments).values({ environment, since: since.toISOString() }).onConflictDoNothing().run();
      if (recovered.length > 0) tx.delete(degradedEnvironments).where(inArray(degradedEnvironments.environment, [...recovered])).run();
    });
  }

  /** Forgets alerts and digest records older than `before`; snoozes that ended. */
  prune(before: Date, now: Date): void {
    this.db.delete(anomalyAlerts).where(lt(anomalyAlerts.windowStartMs, before.getTime())).run();
    this.db.delete(digestPosts).where(lt(digestPosts.claimedAt, before.toISOString())).run();
    this.db.delete(idleSnoozes).where(sql`${idleSnoozes.until} <= ${now.toISOString()}`).run();
  }
}
