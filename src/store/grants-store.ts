import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { ActiveGrant } from '../domain/access/permissions.js';
import type { Db } from './db.js';
import { grants } from './schema.js';

export type GrantRow = typeof grants.$inferSelect;

/** Time-boxed grants; expiry is a comparison at read time, so nothing has to run for them to end. */
export class GrantsStore {
  /** Read for every command: prepared once. */
  private readonly activeQuery;

  constructor(private readonly db: Db) {
    this.activeQuery = db
      .select({ userId: grants.userId, role: grants.role, environments: grants.environments })
      .from(grants)
      .where(and(isNull(grants.revokedAt), gt(grants.expiresAt, sql.placeholder('now'))))
      .prepare();
  }

  add(grant: Pick<GrantRow, 'userId' | 'role' | 'environments' | 'grantedBy' | 'createdAt' | 'expiresAt'>): GrantRow {
    return this.db.insert(grants).values(grant).returning().get();
  }

  active(now: string): ActiveGrant[] {
    return this.activeQuery.all({ now });
  }

  activeRows(now: string, userId: string): GrantRow[] {
    return this.db
      .select()
      .from(grants)
      .where(and(eq(grants.userId, userId), isNull(grants.revokedAt), gt(grants.expiresAt, now)))
      .all();
  }

  revoke(ids: readonly number[], revokedBy: string, now: string): void {
    for (const id of ids) this.db.update(grants).set({ revokedBy, revokedAt: now }).where(eq(grants.id, id)).run();
  }
}
