import { lt } from 'drizzle-orm';
import type { Db } from './db.js';
import { handledRequests } from './schema.js';

/** Remembers Slack request keys, so a redelivered request is recognised and ignored. */
export class HandledRequests {
  constructor(private readonly db: Db) {}

  /** True the first time a key is seen, false for every repeat. */
  claim(key: string, at: string): boolean {
    return this.db.insert(handledRequests).values({ key, at }).onConflictDoNothing().run().changes === 1;
  }

  pruneBefore(at: string): void {
    this.db.delete(handledRequests).where(lt(handledRequests.at, at)).run();
  }
}
