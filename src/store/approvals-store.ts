import { and, asc, eq, gt, lte } from 'drizzle-orm';
import type { Db } from './db.js';
import type { BeginResult } from './operations-store.js';
import { approvals } from './schema.js';

export type ApprovalRow = typeof approvals.$inferSelect;
export type NewApproval = Pick<ApprovalRow, 'environment' | 'verb' | 'params' | 'requestedBy' | 'requestChannelId' | 'createdAt' | 'expiresAt'>;

/** Carries a refused journal entry out of the transaction, rolling the decision back with it. */
class NotJournaled extends Error {
  constructor(readonly result: Extract<BeginResult, { ok: false }>) {
    super('the operation could not be journaled');
  }
}

export class ApprovalsStore {
  constructor(private readonly db: Db) {}

  create(request: NewApproval): ApprovalRow {
    return this.db.insert(approvals).values({ ...request, status: 'pending' }).returning().get();
  }

  get(id: number): ApprovalRow | undefined {
    return this.db.select().from(approvals).where(eq(approvals.id, id)).get();
  }

  setMessage(id: number, channelId: string, ts: string): void {
    this.db.update(approvals).set({ approvalChannelId: channelId, approvalMessageTs: ts }).where(eq(approvals.id, id)).run();
  }

  /**
   * The one atomic step of a decision: only a pending, unexpired request changes, so of two clicks (or two
   * approvers at once) exactly one gets `true`.
   */
  decide(id: number, status: 'approved' | 'denied', decidedBy: string, now: string, reason: string | null): boolean {
    const result = this.db
      .update(approvals)
      .set({ status, decidedBy, decidedAt: now, reason })
      .where(and(eq(approvals.id, id), eq(approvals.status, 'pending'), gt(approvals.expiresAt, now)))
      .run();
    return result.changes === 1;
  }

  /**
   * Approves and journals the operation it causes in one transaction: the request is approved with its
   * operation recorded, or (when the compare-and-set loses, or the environment is busy) nothing changes.
   * `lost`: someone else decided first.
   */
  approveAndJournal(id: number, decidedBy: string, now: string, journal: () => BeginResult): 'lost' | BeginResult {
    try {
      return this.db.transaction((tx) => {
        if (!this.decide(id, 'approved', decidedBy, now, null)) return 'lost' as const;
        const begun = journal();
        if (!begun.ok) throw new NotJournaled(begun);
        tx.update(approvals).set({ operationId: begun.operation.id }).where(eq(approvals.id, id)).run();
        return begun;
      });
    } catch (error) {
      if (error instanceof NotJournaled) return error.result;
      throw error;
    }
  }

  /** A pending request whose requester no longer holds the verb: cancelled, once, by the click that found it. */
  cancel(id: number, decidedBy: string, now: string, reason: string): boolean {
    const result = this.db
      .update(approvals)
      .set({ status: 'cancelled', decidedBy, decidedAt: now, reason })
      .where(and(eq(approvals.id, id), eq(approvals.status, 'pending')))
      .run();
    return result.changes === 1;
  }

  /** The requester's pending requests (unexpired), oldest first: to answer a repeated request with the one waiting. */
  async pendingBy(requestedBy: string, now: string): Promise<ApprovalRow[]> {
    return await this.db
      .select()
      .from(approvals)
      .where(and(eq(approvals.requestedBy, requestedBy), eq(approvals.status, 'pending'), gt(approvals.expiresAt, now)))
      .orderBy(asc(approvals.id));
  }

  /** A pending request nobody was asked to decide (its post failed): cancelled by nobody, with the reason. */
  async withdraw(id: number, now: string, reason: string): Promise<boolean> {
    const result = await this.db
      .update(approvals)
      .set({ status: 'cancelled', decidedAt: now, reason })
      .where(and(eq(approvals.id, id), eq(approvals.status, 'pending')));
    return result.changes === 1;
  }

  byOperation(operationId: number): ApprovalRow | undefined {
    return this.db.select().from(approvals).where(eq(approvals.operationId, operationId)).get();
  }

  pending(now: string): ApprovalRow[] {
    return this.db.select().from(approvals).where(and(eq(approvals.status, 'pending'), gt(approvals.expiresAt, now))).orderBy(asc(approvals.id)).all();
  }

  /** Marks every pending request past its time as expired and returns them, so their messages can say so. */
  expireDue(now: string): ApprovalRow[] {
    return this.db
      .update(approvals)
      .set({ status: 'expired', decidedAt: now })
      .where(and(eq(approvals.status, 'pending'), lte(approvals.expiresAt, now)))
      .returning()
      .all();
  }
}
