import type { Database } from './database.js';
import type { Db } from './db.js';

type Write = (db: Db) => PromiseLike<unknown>;

/** How long a batched write may wait for its commit. */
export const FLUSH_WITHIN_MS = 10;

/**
 * Writes that need not be on disk before the caller goes on (the audit row of a command, the key of a Slack
 * request handled), committed together in one transaction within `FLUSH_WITHIN_MS`: one commit for
 * everything a burst of commands wrote, not one each (commands start one per turn of the event loop, so a
 * commit every turn would still be one per command). Whoever must not go on before its writes are on disk
 * (a reply) flushes first. The stores that use it flush it before they read, and the stores flush it before
 * the database closes, so nothing in this process ever sees a row missing.
 */
export class WriteBatch {
  private pending: Array<{ write: Write; settled?: () => void }> = [];
  private scheduled = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The commits so far, in order: a flush resolves once everything added before it is committed. */
  private committed: Promise<void> = Promise.resolve();

  constructor(
    private readonly database: Database,
    /** A write that throws is reported and dropped; the others in its batch still commit. */
    private readonly onError: (error: unknown) => void,
  ) {}

  /** `settled` runs once the write's transaction has ended (committed or not). */
  add(write: Write, settled?: () => void): void {
    this.pending.push(settled ? { write, settled } : { write });
    if (this.scheduled) return;
    this.scheduled = true;
    this.timer = setTimeout(() => void this.flush(), FLUSH_WITHIN_MS);
  }

  /** Commits what is pending now (no-op when nothing is); resolves when it and every earlier batch are committed. Never rejects. */
  flush(): Promise<void> {
    // A flush before the timer (a reply that must not go first) makes the timer's flush moot.
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.scheduled = false;
    if (this.pending.length === 0) return this.committed;
    const writes = this.pending;
    this.pending = [];
    this.committed = this.committed.then(() => this.commit(writes));
    return this.committed;
  }

  private async commit(writes: Array<{ write: Write; settled?: () => void }>): Promise<void> {
    try {
      // Written after the stores closed (a command finishing during shutdown): reported, not thrown from a timer.
      if (!this.database.open) return this.onError(new Error(`${writes.length} writes after the database closed`));
      await this.database.transaction(async (tx) => {
        for (const { write } of writes) {
          try {
            await this.database.isolated(tx, write);
          } catch (error) {
            this.onError(error);
          }
        }
      });
    } catch (error) {
      this.onError(error);
    } finally {
      for (const { settled } of writes) settled?.();
    }
  }
}
