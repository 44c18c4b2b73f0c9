import { and, count, desc, eq, inArray, isNotNull, isNull, lt, lte, max, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { cut, cutStrings } from '../domain/bounded-text.js';
import { affected, first, type Database, type Tables } from './database.js';
import type { Db } from './db.js';
import type { auditLog } from './schema.js';
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
  /** How many rows the scope holds in all (counted by the database, not read). */
  total: number;
  /** The newest row id the page was read up to: later pages pass it back so new rows do not shift them. */
  asOf?: number;
}

/** Request ids are AWS's (UUIDs and the like); anything longer is not one and is not kept. */
const MAX_REQUEST_ID = 128;

/** Append-only trail of every request dockhand received and what came of it. */
export class AuditStore {
  constructor(
    private readonly database: Database,
    /** With a batch, rows are committed with the other writes of the same turn (and before any read here). */
    private readonly batch?: WriteBatch,
  ) {
    const { auditLog } = database.tables;
    const p = (name: keyof AuditEntry) => sql.placeholder(name);
    const row = { at: p('at'), actor: p('actor'), verb: p('verb'), environment: p('environment'), params: p('params'), outcome: p('outcome'), detail: p('detail'), durationMs: p('durationMs') };
    this.inserted = database.prepared('dockhand_audit_insert', (db) => db.insert(auditLog).values(row).returning({ id: auditLog.id }));
    // Most rows name no AWS request: their id is not needed, so no row comes back to be mapped.
    this.insertedOnly = database.prepared('dockhand_audit_insert_only', (db) => db.insert(auditLog).values(row));
  }

  /** Written for every command: built once (every column named, so each entry gives each a value or null). */
  private readonly inserted: (values: Record<string, unknown>) => Promise<Array<{ id: number }>>;
  private readonly insertedOnly: (values: Record<string, unknown>) => Promise<unknown>;

  /**
   * Records the entry and, for an AWS call, the request ids AWS answered it with, in one transaction. Every
   * text in the row is cut to a bounded prefix: what a user typed must not fill the disk. With a batch, this
   * resolves once the write is queued; the batch commits it.
   */
  async record(entry: AuditEntry, requestIds: readonly string[] = []): Promise<void> {
    const bounded: AuditEntry = {
      ...entry,
      actor: cut(entry.actor, 64),
      verb: cut(entry.verb, 64),
      environment: entry.environment == null ? null : cut(entry.environment, 300),
      params: cutStrings(entry.params) as Record<string, unknown>,
      detail: entry.detail == null ? null : cut(entry.detail),
      durationMs: entry.durationMs ?? null,
    };
    const ids = [...new Set(requestIds)].filter((requestId) => requestId.length <= MAX_REQUEST_ID);
    const { awsRequests } = this.database.tables;
    const write = async (db: Db) => {
      if (ids.length === 0) return void (await this.insertedOnly(bounded));
      const [row] = await this.inserted(bounded);
      await db.insert(awsRequests).values(ids.map((requestId) => ({ requestId, auditId: row!.id }))).onConflictDoNothing();
    };
    if (this.batch) this.batch.add(write);
    else await this.database.transaction(write);
  }

  /** The audited call AWS gave this request id to, if dockhand made it. */
  async ownCall(requestId: string): Promise<OwnCall | undefined> {
    await this.batch?.flush();
    const { auditLog, awsRequests } = this.database.tables;
    return this.database.run((db) =>
      first(
        db
          .select({ actor: auditLog.actor, verb: auditLog.verb, environment: auditLog.environment, at: auditLog.at })
          .from(awsRequests)
          .innerJoin(auditLog, eq(auditLog.id, awsRequests.auditId))
          .where(eq(awsRequests.requestId, requestId))
          .limit(1),
      ),
    );
  }

  /** Deletes rows recorded before `at` (the retention period); their request ids go with them (cascade). */
  async pruneBefore(at: string): Promise<number> {
    await this.batch?.flush();
    const { auditLog } = this.database.tables;
    return affected(await this.database.run((db) => db.delete(auditLog).where(lt(auditLog.at, at))));
  }

  /** When a person (not dockhand's own jobs) last did anything with the environment. */
  async lastActivity(environment: string, except: readonly string[]): Promise<string | undefined> {
    await this.batch?.flush();
    const { auditLog } = this.database.tables;
    const row = await this.database.run((db) =>
      first(
        db
          .select({ at: auditLog.at })
          .from(auditLog)
          .where(and(eq(auditLog.environment, environment), notInArray(auditLog.actor, [...except])))
          .orderBy(desc(auditLog.id))
          .limit(1),
      ),
    );
    return row?.at;
  }

  /** Every environment named in the trail, once each (read off the environment index). */
  async environments(): Promise<string[]> {
    const { auditLog } = this.database.tables;
    const rows = await this.database.run((db) => db.selectDistinct({ environment: auditLog.environment }).from(auditLog).where(isNotNull(auditLog.environment)));
    return rows.map((row) => row.environment as string);
  }

  /**
   * One page of a scope, newest first, with the scope's row count; with `asOf`, of the rows up to that id only
   * (the trail as it was when the first page was read: the audit of each page adds a row).
   */
  async page(scope: AuditScope, limit: number, offset: number, asOf?: number): Promise<AuditPage> {
    await this.batch?.flush();
    const { auditLog } = this.database.tables;
    const where = asOf === undefined ? scopeCondition(auditLog, scope) : and(scopeCondition(auditLog, scope), lte(auditLog.id, asOf));
    return this.database.run(async (db) => {
      const rows = await db.select().from(auditLog).where(where).orderBy(desc(auditLog.id)).limit(limit).offset(offset);
      const [counted] = await db.select({ n: count(), newest: max(auditLog.id) }).from(auditLog).where(where);
      const total = Number(counted?.n ?? 0);
      return counted?.newest == null ? { rows, total } : { rows, total, asOf: Number(counted.newest) };
    });
  }

  /** Newest first, optionally for one environment. */
  async recent(limit = 50, environment?: string): Promise<AuditRow[]> {
    await this.batch?.flush();
    const { auditLog } = this.database.tables;
    return this.database.run((db) => {
      const query = db.select().from(auditLog);
      return (environment ? query.where(eq(auditLog.environment, environment)) : query).orderBy(desc(auditLog.id)).limit(limit);
    });
  }
}

function scopeCondition(auditLog: Tables['auditLog'], scope: AuditScope): SQL | undefined {
  if ('environment' in scope) return eq(auditLog.environment, scope.environment);
  const own = and(isNull(auditLog.environment), eq(auditLog.actor, scope.actor));
  if (scope.environments === 'any') return or(isNotNull(auditLog.environment), own);
  return scope.environments.length > 0 ? or(inArray(auditLog.environment, [...scope.environments]), own) : own;
}
