import { and, desc, eq, lt, notInArray } from 'drizzle-orm';
import { cut, cutStrings } from '../domain/bounded-text.js';
import type { Db } from './db.js';
import { auditLog, awsRequests } from './schema.js';

export type AuditEntry = Omit<typeof auditLog.$inferInsert, 'id'>;
export type AuditRow = typeof auditLog.$inferSelect;

/** The audited call an AWS request id belongs to: who dockhand made it for. */
export interface OwnCall {
  actor: string;
  verb: string;
  environment: string | null;
  at: string;
}

/** Request ids are AWS's (UUIDs and the like); anything longer is not one and is not kept. */
const MAX_REQUEST_ID = 128;

/** Append-only trail of every request dockhand received and what came of it. */
export class AuditStore {
  constructor(private readonly db: Db) {}

  /**
   * Records the entry and, for an AWS call, the request ids AWS answered it with, in one transaction. Every
   * text in the row is cut to a bounded prefix: what a user typed must not fill the disk.
   */
  record(entry: AuditEntry, requestIds: readonly string[] = []): void {
    const bounded: AuditEntry = {
      ...entry,
      actor: cut(entry.actor, 64),
      verb: cut(entry.verb, 64),
      environment: entry.environment == null ? null : cut(entry.environment, 300),
      params: cutStrings(entry.params) as Record<string, unknown>,
      detail: entry.detail == null ? null : cut(entry.detail),
    };
    this.db.transaction((tx) => {
      const { id } = tx.insert(auditLog).values(bounded).returning({ id: auditLog.id }).get();
      for (const requestId of new Set(requestIds)) {
        if (requestId.length <= MAX_REQUEST_ID) tx.insert(awsRequests).values({ requestId, auditId: id }).onConflictDoNothing().run();
      }
    });
  }

  /** The audited call AWS gave this request id to, if dockhand made it. */
  ownCall(requestId: string): OwnCall | undefined {
    return this.db
      .select({ actor: auditLog.actor, verb: auditLog.verb, environment: auditLog.environment, at: auditLog.at })
      .from(awsRequests)
      .innerJoin(auditLog, eq(auditLog.id, awsRequests.auditId))
      .where(eq(awsRequests.requestId, requestId))
      .get();
  }

  /** Deletes rows recorded before `at` (the retention period); their request ids go with them (cascade). */
  pruneBefore(at: string): number {
    return this.db.delete(auditLog).where(lt(auditLog.at, at)).run().changes;
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
