import { and, asc, eq, gt, lte, sql, type SQL } from 'drizzle-orm';
import { requestKey } from '../domain/access/approvals.js';
import { first, isUniqueViolation, type Database } from './database.js';
import type { Db } from './db.js';
import type { BeginResult } from './operations-store.js';
import type { approvals } from './schema.js';

export type ApprovalRow = typeof approvals.$inferSelect;
export type NewApproval = Pick<ApprovalRow, 'environment' | 'verb' | 'params' | 'requestedBy' | 'requestChannelId' | 'createdAt' | 'expiresAt'>;

/** What filing a request came to: filed, the same one already waiting, or too many of the requester's waiting. */
export type Filed = { kind: 'filed'; row: ApprovalRow } | { kind: 'same'; row: ApprovalRow } | { kind: 'too-many'; waiting: number };

/** The first key of the `pg_advisory_xact_lock` pair taken while a requester's request is counted and filed. */
const FILING_LOCK = 1_684_300_001;

/** Carries a refused journal entry out of the transaction, rolling the decision back with it. */
class NotJournaled extends Error {
  constructor(readonly result: Extract<BeginResult, { ok: false }>) {
    super('the operation could not be journaled');
  }
}

export class ApprovalsStore {
  constructor(private readonly database: Database) {}

  private get approvals() {
    return this.database.tables.approvals;
  }

  /** Inserts a pending request as it is (no limit): `file` is how requests are filed. */
  async create(request: NewApproval): Promise<ApprovalRow> {
    return this.database.run((db) => this.insert(db, request));
  }

  private async insert(db: Db, request: NewApproval): Promise<ApprovalRow> {
    const rows = await db.insert(this.approvals).values({ ...request, requestKey: requestKey(request), status: 'pending' }).returning();
    return rows[0]!;
  }

  /**
   * Files a request unless its requester has `limit` waiting (unexpired at `now`), with the count and the
   * insert as one step: on SQLite the transaction is the only writer; on Postgres it holds a lock on the
   * requester to its commit, so replicas filing for one person take turns. The same request already waiting
   * is found by the unique index `approvals_pending_once` refusing the insert, whoever filed it and when.
   */
  async file(request: NewApproval, limit: number, now: string): Promise<Filed> {
    const key = requestKey(request);
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.database.transaction(async (tx): Promise<Filed> => {
          await this.lockRequester(tx, request.requestedBy);
          const waiting = await this.pendingBy(request.requestedBy, now);
          // The same request waiting is the answer, at the limit or below it: found here, the insert is not
          // tried only for the unique index to refuse it (an ERROR line in Postgres' log for every repeat).
          const same = waiting.find((row) => row.requestKey === key);
          if (same) return { kind: 'same', row: same };
          if (waiting.length < limit) return { kind: 'filed', row: await this.insert(tx, request) };
          return { kind: 'too-many', waiting: waiting.length };
        });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const same = await this.pendingWithKey(request.requestedBy, key);
        if (same) return { kind: 'same', row: same };
        // Decided or withdrawn between the refusal and this read: file it again.
        if (attempt >= 3) throw error;
      }
    }
  }

  private async lockRequester(tx: Db, requestedBy: string): Promise<void> {
    // SQLite's transaction began IMMEDIATE: no other writer until it ends.
    if (this.database.dialect !== 'postgres') return;
    const pgTx = tx as unknown as { execute(query: SQL): PromiseLike<unknown> };
    await pgTx.execute(sql`select pg_advisory_xact_lock(${sql.raw(String(FILING_LOCK))}, hashtext(${requestedBy}))`);
  }

  /** The pending request with this key (expired or not: it holds the unique index until it is marked expired). */
  private pendingWithKey(requestedBy: string, key: string): Promise<ApprovalRow | undefined> {
    const t = this.approvals;
    return this.database.run((db) => first(db.select().from(t).where(and(eq(t.requestedBy, requestedBy), eq(t.requestKey, key), eq(t.status, 'pending'))).limit(1)));
  }

  get(id: number): Promise<ApprovalRow | undefined> {
    return this.database.run((db) => first(db.select().from(this.approvals).where(eq(this.approvals.id, id)).limit(1)));
  }

  async setMessage(id: number, channelId: string, ts: string): Promise<void> {
    await this.database.run((db) => db.update(this.approvals).set({ approvalChannelId: channelId, approvalMessageTs: ts }).where(eq(this.approvals.id, id)));
  }

  /**
   * The one atomic step of a decision: only a pending, unexpired request changes, so of two clicks (or two
   * approvers at once) exactly one gets `true`.
   */
  async decide(id: number, status: 'approved' | 'denied', decidedBy: string, now: string, reason: string | null): Promise<boolean> {
    const t = this.approvals;
    const changed = await this.database.run((db) =>
      db
        .update(t)
        .set({ status, decidedBy, decidedAt: now, reason })
        .where(and(eq(t.id, id), eq(t.status, 'pending'), gt(t.expiresAt, now)))
        .returning({ id: t.id }),
    );
    return changed.length === 1;
  }

  /**
   * Approves and journals the operation it causes in one transaction: the request is approved with its
   * operation recorded, or (when the compare-and-set loses, or the environment is busy) nothing changes.
   * `lost`: someone else decided first. `journal` runs inside the transaction (its queries join it).
   */
  async approveAndJournal(id: number, decidedBy: string, now: string, journal: () => Promise<BeginResult>): Promise<'lost' | BeginResult> {
    try {
      return await this.database.transaction(async (tx) => {
        if (!(await this.decide(id, 'approved', decidedBy, now, null))) return 'lost' as const;
        const begun = await journal();
        if (!begun.ok) throw new NotJournaled(begun);
        await tx.update(this.approvals).set({ operationId: begun.operation.id }).where(eq(this.approvals.id, id));
        return begun;
      });
    } catch (error) {
      if (error instanceof NotJournaled) return error.result;
      throw error;
    }
  }

  /** A pending request whose requester no longer holds the verb: cancelled, once, by the click that found it. */
  async cancel(id: number, decidedBy: string, now: string, reason: string): Promise<boolean> {
    const t = this.approvals;
    const changed = await this.database.run((db) =>
      db
        .update(t)
        .set({ status: 'cancelled', decidedBy, decidedAt: now, reason })
        .where(and(eq(t.id, id), eq(t.status, 'pending')))
        .returning({ id: t.id }),
    );
    return changed.length === 1;
  }

  /** The requester's pending requests (unexpired), oldest first: what counts towards their limit. */
  pendingBy(requestedBy: string, now: string): Promise<ApprovalRow[]> {
    const t = this.approvals;
    return this.database.run((db) =>
      db
        .select()
        .from(t)
        .where(and(eq(t.requestedBy, requestedBy), eq(t.status, 'pending'), gt(t.expiresAt, now)))
        .orderBy(asc(t.id)),
    );
  }

  /** A pending request nobody was asked to decide (its post failed): cancelled by nobody, with the reason. */
  async withdraw(id: number, now: string, reason: string): Promise<boolean> {
    const t = this.approvals;
    const changed = await this.database.run((db) =>
      db
        .update(t)
        .set({ status: 'cancelled', decidedAt: now, reason })
        .where(and(eq(t.id, id), eq(t.status, 'pending')))
        .returning({ id: t.id }),
    );
    return changed.length === 1;
  }

  byOperation(operationId: number): Promise<ApprovalRow | undefined> {
    return this.database.run((db) => first(db.select().from(this.approvals).where(eq(this.approvals.operationId, operationId)).limit(1)));
  }

  pending(now: string): Promise<ApprovalRow[]> {
    const t = this.approvals;
    return this.database.run((db) => db.select().from(t).where(and(eq(t.status, 'pending'), gt(t.expiresAt, now))).orderBy(asc(t.id)));
  }

  /** Marks every pending request past its time as expired and returns them, so their messages can say so. */
  expireDue(now: string): Promise<ApprovalRow[]> {
    const t = this.approvals;
    return this.database.run((db) =>
      db
        .update(t)
        .set({ status: 'expired', decidedAt: now })
        .where(and(eq(t.status, 'pending'), lte(t.expiresAt, now)))
        .returning(),
    );
  }
}
