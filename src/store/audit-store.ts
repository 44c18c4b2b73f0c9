import { desc, eq } from 'drizzle-orm';
import type { Db } from './db.js';
import { auditLog } from './schema.js';

export type AuditEntry = Omit<typeof auditLog.$inferInsert, 'id'>;
export type AuditRow = typeof auditLog.$inferSelect;

/** Append-only trail of every request dockhand received and what came of it. */
export class AuditStore {
  constructor(private readonly db: Db) {}

  record(entry: AuditEntry): void {
    this.db.insert(auditLog).values(entry).run();
  }

  /** Newest first, optionally for one environment. */
  recent(limit = 50, environment?: string): AuditRow[] {
    const query = this.db.select().from(auditLog);
    return (environment ? query.where(eq(auditLog.environment, environment)) : query).orderBy(desc(auditLog.id)).limit(limit).all();
  }
}
