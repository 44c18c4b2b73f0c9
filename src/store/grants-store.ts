import { and, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { ActiveGrant } from '../domain/access/permissions.js';
import type { Database } from './database.js';
import { KeptRead } from './kept-read.js';
import type { grants } from './schema.js';

export type GrantRow = typeof grants.$inferSelect;

/** Time-boxed grants; expiry is a comparison at read time, so nothing has to run for them to end. */
export class GrantsStore {
  /** Read for every command: built once. */
  private readonly activeNow: (values: { now: string }) => Promise<Array<ActiveGrant & { expiresAt: string }>>;
  /** The grants unexpired when they were read (SQLite: until a grant or revoke); later calls drop what expired since. */
  private readonly kept: KeptRead<{ readAt: string; rows: Array<ActiveGrant & { expiresAt: string }> }, string>;
  /** The last answer: the same array while the same grants are active, so access derived from it can be kept too. */
  private last: ActiveGrant[] = [];

  constructor(private readonly database: Database) {
    const { grants } = database.tables;
    this.activeNow = database.prepared('dockhand_grants_active', (db) =>
      db
        .select({ userId: grants.userId, role: grants.role, environments: grants.environments, expiresAt: grants.expiresAt })
        .from(grants)
        .where(and(isNull(grants.revokedAt), gt(grants.expiresAt, sql.placeholder('now')))),
    );
    this.kept = new KeptRead(async (now) => ({ readAt: now, rows: await this.activeNow({ now }) }), database);
  }

  add(grant: Pick<GrantRow, 'userId' | 'role' | 'environments' | 'grantedBy' | 'createdAt' | 'expiresAt'>): Promise<GrantRow> {
    const { grants } = this.database.tables;
    return this.kept.around(async () => (await this.database.run((db) => db.insert(grants).values(grant).returning()))[0]!);
  }

  /** Read for every command (ISO times compare as strings). */
  async active(now: string): Promise<ActiveGrant[]> {
    let kept = await this.kept.current(now);
    // A clock that went back (tests) may see grants that had expired at the kept read: read again.
    if (now < kept.readAt) kept = { readAt: now, rows: await this.activeNow({ now }) };
    const rows = kept.rows.filter((row) => row.expiresAt > now);
    const same = rows.length === this.last.length && rows.every((row, i) => sameGrant(row, this.last[i]!));
    if (!same) this.last = rows.map(({ userId, role, environments }) => ({ userId, role, environments }));
    return this.last;
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
    await this.kept.around(() => this.database.run((db) => db.update(grants).set({ revokedBy, revokedAt: now }).where(inArray(grants.id, [...ids]))));
  }
}

function sameGrant(a: ActiveGrant, b: ActiveGrant): boolean {
  return a.userId === b.userId && a.role === b.role && a.environments === b.environments;
}
