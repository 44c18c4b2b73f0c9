import { asc, gte, lt, sql } from 'drizzle-orm';
import { affected, type Database } from './database.js';
import type { WriteBatch } from './write-batch.js';

/**
 * How long after it was handled a Slack request can come back: Bolt refuses a signature more than 5 minutes
 * old and dockhand one dated more than 5 minutes ahead, so a request handled at A was signed after A − 5 min
 * and no copy of it verifies after A + 10 min. A minute more for the clocks between.
 */
export const REPLAYABLE_FOR_MS = 11 * 60_000;

/**
 * Remembers Slack request keys, so a redelivered request is recognised and ignored. With a write batch
 * (SQLite, where this process is the database's one writer) the keys that can still come back are held in
 * memory, read from the database once (those handled before a restart), and a key is written with the
 * command's audit row in the batch's one transaction: a command reads nothing to know it is new. Without
 * one (Postgres, replicas), the insert itself tells.
 */
export class HandledRequests {
  /** Batched: the keys claimed within REPLAYABLE_FOR_MS, oldest first, by when (ms). */
  private recent: Map<string, number> | null = null;
  private loading: Promise<Map<string, number>> | null = null;
  private readonly since: (values: { at: string }) => Promise<Array<{ key: string; at: string }>>;
  private readonly written: (values: { key: string; at: string }) => Promise<unknown>;

  constructor(
    private readonly database: Database,
    private readonly batch?: WriteBatch,
  ) {
    const { handledRequests } = database.tables;
    this.since = database.prepared('dockhand_handled_since', (db) =>
      db.select({ key: handledRequests.key, at: handledRequests.at }).from(handledRequests).where(gte(handledRequests.at, sql.placeholder('at'))).orderBy(asc(handledRequests.at)),
    );
    this.written = database.prepared('dockhand_handled_insert', (db) => db.insert(handledRequests).values({ key: sql.placeholder('key'), at: sql.placeholder('at') }).onConflictDoNothing());
  }

  /** True the first time a key is seen, false for every repeat. */
  async claim(key: string, at: string): Promise<boolean> {
    const batch = this.batch;
    if (!batch) return affected(await this.written({ key, at })) === 1;
    const atMs = Date.parse(at);
    const recent = this.recent ?? (await this.loadRecent(atMs));
    // From here to the set nothing awaits: a repeat arriving meanwhile finds the key.
    for (const [old, when] of recent) {
      if (when >= atMs - REPLAYABLE_FOR_MS) break;
      recent.delete(old);
    }
    if (recent.has(key)) return false;
    recent.set(key, atMs);
    // Joins the batch's transaction. Should the write fail, the key stays here: the request was handled.
    batch.add(() => this.written({ key, at }));
    return true;
  }

  private loadRecent(nowMs: number): Promise<Map<string, number>> {
    this.loading ??= this.since({ at: new Date(nowMs - REPLAYABLE_FOR_MS).toISOString() }).then(
      (rows) => (this.recent = new Map(rows.map((row) => [row.key, Date.parse(row.at)]))),
      (error: unknown) => {
        // Read again at the next claim.
        this.loading = null;
        throw error;
      },
    );
    return this.loading;
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
