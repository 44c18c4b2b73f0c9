import { and, asc, eq, gt, lte } from 'drizzle-orm';
import type { Db } from './db.js';
import { approvals } from './schema.js';

export type ApprovalRow = typeof approvals.$inferSelect;
export type NewApproval = Pick<ApprovalRow, 'environment' | 'verb' | 'params' | 'requestedBy' | 'requestChannelId' | 'createdAt' | 'expiresAt'>;

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

  setOperation(id: number, operationId: number): void {
    this.db.update(approvals).set({ operationId }).where(eq(approvals.id, id)).run();
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
