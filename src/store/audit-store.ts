import { and, count, desc, eq, inArray, isNotNull, isNull, lt, notInArray, or, type SQL } from 'drizzle-orm';
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

/**
 * Which rows a page of the trail is read from: one environment's; or the rows of the named environments
 * (`'any'`: every environment) plus the asker's own rows that name none.
 */
export type AuditScope = { environment: string } | { environments: readonly string[] | 'any'; actor: string };

export interface AuditPage {
  rows: AuditRow[];
  /** How many rows the scope holds in all (counted by SQLite, not read). */
  total: number;
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

  /** Every environment named in the trail, once each (read off the environment index). */
  environments(): string[] {
    return this.db
      .selectDistinct({ environment: auditLog.environment })
      .from(auditLog)
      .where(isNotNull(auditLog.environment))
      .all()
      .map((row) => row.environment as string);
  }

  /** One page of a scope, newest first, with the scope's row count. */
  page(scope: AuditScope, limit: number, offset: number): AuditPage {
    const where = scopeCondition(scope);
    const rows = this.db.select().from(auditLog).where(where).orderBy(desc(auditLog.id)).limit(limit).offset(offset).all();
    const total = this.db.select({ n: count() }).from(auditLog).where(where).get()?.n ?? 0;
    return { rows, total };
  }

  /** Newest first, optionally for one environment. */
  recent(limit = 50, environment?: string): AuditRow[] {
    const query = this.db.select().from(auditLog);
    return (environment ? query.where(eq(auditLog.environment, environment)) : query).orderBy(desc(auditLog.id)).limit(limit).all();
  }
}

function scopeCondition(scope: AuditScope): SQL | undefined {
  if ('environment' in scope) return eq(auditLog.environment, scope.environment);
  const own = and(isNull(auditLog.environment), eq(auditLog.actor, scope.actor));
  if (scope.environments === 'any') return or(isNotNull(auditLog.environment), own);
  return scope.environments.length > 0 ? or(inArray(auditLog.environment, [...scope.environments]), own) : own;
}
