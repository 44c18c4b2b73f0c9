import { and, count, desc, eq, inArray, isNotNull, isNull, lt, lte, max, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { cut, cutStrings } from '../domain/bounded-text.js';
import type { Db } from './db.js';
import { auditLog, awsRequests } from './schema.js';
import type { WriteBatch } from './write-batch.js';

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
  /** The newest row id the page was read up to: later pages pass it back so new rows do not shift them. */
  asOf?: number;
}

/** Every column an entry sets, each a placeholder of the prepared insert. */
const AUDIT_COLUMNS = ['at', 'actor', 'verb', 'environment', 'params', 'outcome', 'detail', 'durationMs'] as const satisfies readonly (keyof AuditEntry)[];

/** Request ids are AWS's (UUIDs and the like); anything longer is not one and is not kept. */
const MAX_REQUEST_ID = 128;

/** Append-only trail of every request dockhand received and what came of it. */
export class AuditStore {
  /** Written for every command: prepared once. */
  private readonly insertEntry;
  private readonly insertRequestId;

  constructor(
    private readonly db: Db,
    /** With a batch, rows are committed with the other writes of the same turn (and before any read here). */
    private readonly batch?: WriteBatch,
  ) {
    const placeholders = Object.fromEntries(AUDIT_COLUMNS.map((name) => [name, sql.placeholder(name)])) as unknown as AuditEntry;
    this.insertEntry = db.insert(auditLog).values(placeholders).returning({ id: auditLog.id }).prepare();
    this.insertRequestId = db.insert(awsRequests).values({ requestId: sql.placeholder('requestId'), auditId: sql.placeholder('auditId') }).onConflictDoNothing().prepare();
  }

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
      // Every placeholder of the prepared insert needs a value.
      durationMs: entry.durationMs ?? null,
    };
    const ids = [...new Set(requestIds)].filter((requestId) => requestId.length <= MAX_REQUEST_ID);
    const write = () => {
      const { id } = this.insertEntry.get(bounded)!;
      for (const requestId of ids) this.insertRequestId.run({ requestId, auditId: id });
    };
    if (this.batch) this.batch.add(write);
    else this.db.transaction(write);
  }

  /** The audited call AWS gave this request id to, if dockhand made it. */
  ownCall(requestId: string): OwnCall | undefined {
    this.batch?.flush();
    return this.db
      .select({ actor: auditLog.actor, verb: auditLog.verb, environment: auditLog.environment, at: auditLog.at })
      .from(awsRequests)
      .innerJoin(auditLog, eq(auditLog.id, awsRequests.auditId))
      .where(eq(awsRequests.requestId, requestId))
      .get();
  }

  /** Deletes rows recorded before `at` (the retention period); their request ids go with them (cascade). */
  pruneBefore(at: string): number {
    this.batch?.flush();
    return this.db.delete(auditLog).where(lt(auditLog.at, at)).run().changes;
  }

  /** When a person (not dockhand's own jobs) last did anything with the environment. */
  lastActivity(environment: string, except: readonly string[]): string | undefined {
    this.batch?.flush();
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

  /**
   * One page of a scope, newest first, with the scope's row count; with `asOf`, of the rows up to that id only
   * (the trail as it was when the first page was read: the audit of each page adds a row).
   */
  page(scope: AuditScope, limit: number, offset: number, asOf?: number): AuditPage {
    this.batch?.flush();
    const where = asOf === undefined ? scopeCondition(scope) : and(scopeCondition(scope), lte(auditLog.id, asOf));
    const rows = this.db.select().from(auditLog).where(where).orderBy(desc(auditLog.id)).limit(limit).offset(offset).all();
    const counted = this.db.select({ n: count(), newest: max(auditLog.id) }).from(auditLog).where(where).get();
    const total = counted?.n ?? 0;
    return counted?.newest == null ? { rows, total } : { rows, total, asOf: counted.newest };
  }

  /** Newest first, optionally for one environment. */
  recent(limit = 50, environment?: string): AuditRow[] {
    this.batch?.flush();
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
