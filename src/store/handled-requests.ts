import { eq, lt, sql } from 'drizzle-orm';
import { affected, type Database } from './database.js';
import type { WriteBatch } from './write-batch.js';

/**
 * Remembers Slack request keys, so a redelivered request is recognised and ignored. With a write batch, a
 * key is written with the command's audit row in the batch's one transaction; until then it is held here.
 */
export class HandledRequests {
  /** Keys claimed here whose row the batch has not committed yet (or whose check is under way). */
  private readonly unwritten = new Set<string>();
  /** Asked for every request: built once. */
  private readonly seen: (values: { key: string }) => Promise<Array<{ key: string }>>;
  private readonly written: (values: { key: string; at: string }) => Promise<unknown>;

  constructor(
    private readonly database: Database,
    private readonly batch?: WriteBatch,
  ) {
    const { handledRequests } = database.tables;
    this.seen = database.prepared('dockhand_handled_seen', (db) => db.select({ key: handledRequests.key }).from(handledRequests).where(eq(handledRequests.key, sql.placeholder('key'))).limit(1));
    this.written = database.prepared('dockhand_handled_insert', (db) => db.insert(handledRequests).values({ key: sql.placeholder('key'), at: sql.placeholder('at') }).onConflictDoNothing());
  }

  /** True the first time a key is seen, false for every repeat. */
  async claim(key: string, at: string): Promise<boolean> {
    const batch = this.batch;
    if (!batch) return affected(await this.written({ key, at })) === 1;
    // Held from before the first await, so a repeat arriving meanwhile in this process is refused.
    if (this.unwritten.has(key)) return false;
    this.unwritten.add(key);
    let seen: unknown;
    try {
      seen = (await this.seen({ key }))[0];
    } catch (error) {
      this.unwritten.delete(key);
      throw error;
    }
    if (seen) {
      this.unwritten.delete(key);
      return false;
    }
    // Joins the batch's transaction (on Postgres, its savepoint for this write).
    batch.add(() => this.written({ key, at }), () => this.unwritten.delete(key));
    return true;
  }

  /** Writes the keys claimed so far now, with the batch's other writes (the commands' audit rows): before a reply leaves. */
  async commit(): Promise<void> {
    await this.batch?.flush();
  }

  async pruneBefore(at: string): Promise<void> {
    await this.batch?.flush();
    const { handledRequests } = this.database.tables;
    await this.database.run((db) => db.delete(handledRequests).where(lt(handledRequests.at, at)));
  }
}
