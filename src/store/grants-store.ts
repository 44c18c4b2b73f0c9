import { and, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { ActiveGrant } from '../domain/access/permissions.js';
import type { Database } from './database.js';
import type { grants } from './schema.js';

export type GrantRow = typeof grants.$inferSelect;

/** Time-boxed grants; expiry is a comparison at read time, so nothing has to run for them to end. */
export class GrantsStore {
  /** Read for every command: built once. */
  private readonly activeNow: (values: { now: string }) => Promise<ActiveGrant[]>;

  constructor(private readonly database: Database) {
    const { grants } = database.tables;
    this.activeNow = database.prepared('dockhand_grants_active', (db) =>
      db
        .select({ userId: grants.userId, role: grants.role, environments: grants.environments })
        .from(grants)
        .where(and(isNull(grants.revokedAt), gt(grants.expiresAt, sql.placeholder('now')))),
    );
  }

  async add(grant: Pick<GrantRow, 'userId' | 'role' | 'environments' | 'grantedBy' | 'createdAt' | 'expiresAt'>): Promise<GrantRow> {
    const { grants } = this.database.tables;
    const rows = await this.database.run((db) => db.insert(grants).values(grant).returning());
    return rows[0]!;
  }

  /** Read for every command. */
  active(now: string): Promise<ActiveGrant[]> {
    return this.activeNow({ now });
  }

  activeRows(now: string, userId: string): Promise<GrantRow[]> {
    const { grants } = this.database.tables;
    return this.database.run((db) =>
      db
        .select()
        .from(grants)
        .where(and(eq(grants.userId, userId), isNull(grants.revokedAt), gt(grants.expiresAt, now))),
    );
  }

  async revoke(ids: readonly number[], revokedBy: string, now: string): Promise<void> {
    if (ids.length === 0) return;
    const { grants } = this.database.tables;
    await this.database.run((db) => db.update(grants).set({ revokedBy, revokedAt: now }).where(inArray(grants.id, [...ids])));
  }
}
