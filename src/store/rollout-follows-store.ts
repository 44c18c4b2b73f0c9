import { asc, eq } from 'drizzle-orm';
import type { Database } from './database.js';
import type { rolloutFollows, FollowedService } from './schema-rollouts.js';

export type RolloutFollow = typeof rolloutFollows.$inferSelect;
export type { FollowedService };

/** The rollouts being followed; a restarted dockhand reads them back and goes on. */
export class RolloutFollowsStore {
  constructor(private readonly database: Database) {}

  /** Starts following; the same operation twice is followed once. */
  async add(follow: Omit<RolloutFollow, 'shown'>): Promise<void> {
    const { rolloutFollows } = this.database.tables;
    await this.database.run((db) => db.insert(rolloutFollows).values(follow).onConflictDoNothing());
  }

  open(): Promise<RolloutFollow[]> {
    const { rolloutFollows } = this.database.tables;
    return this.database.run((db) => db.select().from(rolloutFollows).orderBy(asc(rolloutFollows.operationId)));
  }

  async update(operationId: number, change: Partial<Pick<RolloutFollow, 'services' | 'shown'>>): Promise<void> {
    const { rolloutFollows } = this.database.tables;
    await this.database.run((db) => db.update(rolloutFollows).set(change).where(eq(rolloutFollows.operationId, operationId)));
  }

  async end(operationId: number): Promise<void> {
    const { rolloutFollows } = this.database.tables;
    await this.database.run((db) => db.delete(rolloutFollows).where(eq(rolloutFollows.operationId, operationId)));
  }
}
