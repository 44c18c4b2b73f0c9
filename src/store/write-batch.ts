import type { Database } from './database.js';
import type { Db } from './db.js';

type Write = (db: Db) => PromiseLike<unknown>;

/**
 * Writes that need not be on disk before the caller goes on (the audit row of a command, the key of a Slack
 * request handled), committed together in one transaction on the next turn of the event loop: one commit
 * for everything a burst of commands wrote, not one each. The stores that use it flush it before they read,
 * and the stores flush it before the database closes, so nothing in this process ever sees a row missing.
 */
export class WriteBatch {
  private pending: Array<{ write: Write; settled?: () => void }> = [];
  private scheduled = false;
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
    setImmediate(() => void this.flush());
  }

  /** Commits what is pending now (no-op when nothing is); resolves when it and every earlier batch are committed. Never rejects. */
  flush(): Promise<void> {
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
