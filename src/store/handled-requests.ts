import { eq, lt, sql } from 'drizzle-orm';
import type { Db } from './db.js';
import { handledRequests } from './schema.js';
import type { WriteBatch } from './write-batch.js';

/**
 * Remembers Slack request keys, so a redelivered request is recognised and ignored. With a write batch, a
 * key is written with the command's audit row in the batch's one transaction; until then it is held here.
 */
export class HandledRequests {
  private readonly seen;
  private readonly insert;
  /** Keys claimed whose row the batch has not written yet. */
  private readonly unwritten = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly batch?: WriteBatch,
  ) {
    this.seen = db.select({ key: handledRequests.key }).from(handledRequests).where(eq(handledRequests.key, sql.placeholder('key'))).prepare();
    this.insert = db.insert(handledRequests).values({ key: sql.placeholder('key'), at: sql.placeholder('at') }).onConflictDoNothing().prepare();
  }

  /** True the first time a key is seen, false for every repeat. */
  claim(key: string, at: string): boolean {
    const batch = this.batch;
    if (!batch) return this.insert.run({ key, at }).changes === 1;
    if (this.unwritten.has(key) || this.seen.get({ key })) return false;
    this.unwritten.add(key);
    batch.add(() => {
      this.unwritten.delete(key);
      this.insert.run({ key, at });
    });
    return true;
  }

  /** Writes the keys claimed so far now, with the batch's other writes (the commands' audit rows): before a reply leaves. */
  commit(): void {
    this.batch?.flush();
  }

  pruneBefore(at: string): void {
    this.batch?.flush();
    this.db.delete(handledRequests).where(lt(handledRequests.at, at)).run();
  }
}
