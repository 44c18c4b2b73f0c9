import { asc, eq } from 'drizzle-orm';
import type { Db } from './db.js';
import { rolloutFollows, type FollowedService } from './schema-rollouts.js';

export type RolloutFollow = typeof rolloutFollows.$inferSelect;
export type { FollowedService };

/** The rollouts being followed; a restarted dockhand reads them back and goes on. */
export class RolloutFollowsStore {
  constructor(private readonly db: Db) {}

  /** Starts following; the same operation twice is followed once. */
  add(follow: Omit<RolloutFollow, 'shown'>): void {
    this.db.insert(rolloutFollows).values(follow).onConflictDoNothing().run();
  }

  open(): RolloutFollow[] {
    return this.db.select().from(rolloutFollows).orderBy(asc(rolloutFollows.operationId)).all();
  }

  update(operationId: number, change: Partial<Pick<RolloutFollow, 'services' | 'shown'>>): void {
    this.db.update(rolloutFollows).set(change).where(eq(rolloutFollows.operationId, operationId)).run();
  }

  end(operationId: number): void {
    this.db.delete(rolloutFollows).where(eq(rolloutFollows.operationId, operationId)).run();
  }
}
