import type { Database } from './database.js';

/**
 * A read a store keeps in memory while this process is the only one that writes the database: SQLite, which
 * one dockhand holds by the instance lease. On Postgres other replicas write too, so every call reads again.
 * Writes through the store forget it before and after they run, so a read that raced a write is not kept.
 */
export class KeptRead<T, Arg = void> {
  private kept: Promise<T> | null = null;

  constructor(
    /** `arg` is that of the call that reads; a kept answer was read with an earlier one. */
    private readonly read: (arg: Arg) => Promise<T>,
    private readonly database: Pick<Database, 'soleWriter' | 'inTransaction'>,
  ) {}

  current(arg: Arg): Promise<T> {
    // Inside a transaction a read may see what a rollback will undo: it is not kept.
    if (!this.database.soleWriter || this.database.inTransaction()) return this.read(arg);
    const read = (this.kept ??= this.read(arg));
    // A failed read is not kept: the next call reads again.
    read.catch(() => {
      if (this.kept === read) this.kept = null;
    });
    return read;
  }

  async around<R>(write: () => Promise<R>): Promise<R> {
    this.kept = null;
    try {
      return await write();
    } finally {
      this.kept = null;
    }
  }
}
