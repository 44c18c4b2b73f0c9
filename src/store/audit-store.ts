import { and, desc, eq, notInArray } from 'drizzle-orm';
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

  /** When a person (not dockhand's own jobs) last did anything with the environment. */
  lastActivity(environment: string, except: readonly string[]): string | undefined {
    return this.db
      .select({ at: auditLog.at })
      .from(auditLog)
      .where(and(eq(auditLog.environment, environment), notInArray(auditLog.actor, [...except])))
      .orderBy(desc(auditLog.id))
      .limit(1)
      .get()?.at;
  }

  /** Newest first, optionally for one environment. */
  recent(limit = 50, environment?: string): AuditRow[] {
    const query = this.db.select().from(auditLog);
    return (environment ? query.where(eq(auditLog.environment, environment)) : query).orderBy(desc(auditLog.id)).limit(limit).all();
  }
}
