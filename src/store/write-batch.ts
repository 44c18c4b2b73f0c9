import type { Db } from './db.js';

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
  private pending: Array<() => void> = [];
  private scheduled = false;
  private readonly commit: (writes: Array<() => void>) => void;

  constructor(
    private readonly db: Db,
    /** A write that throws is reported and dropped; the others in its batch still commit. */
    private readonly onError: (error: unknown) => void,
  ) {
    this.commit = db.$client.transaction((writes: Array<() => void>) => {
      for (const write of writes) {
        try {
          write();
        } catch (error) {
          this.onError(error);
        }
      }
    });
  }

  add(write: () => void): void {
    this.pending.push(write);
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => this.flush(), FLUSH_WITHIN_MS);
  }

  /** Commits what is pending now (no-op when nothing is). */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const writes = this.pending;
    this.pending = [];
    // Written after the stores closed (a command finishing during shutdown): reported, not thrown from a timer.
    if (!this.db.$client.open) return this.onError(new Error(`${writes.length} writes after the database closed`));
    this.commit(writes);
  }
}
