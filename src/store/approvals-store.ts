import { and, asc, eq, gt, lte } from 'drizzle-orm';
import { first, type Database } from './database.js';
import type { BeginResult } from './operations-store.js';
import type { approvals } from './schema.js';

export type ApprovalRow = typeof approvals.$inferSelect;
export type NewApproval = Pick<ApprovalRow, 'environment' | 'verb' | 'params' | 'requestedBy' | 'requestChannelId' | 'createdAt' | 'expiresAt'>;

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

  async create(request: NewApproval): Promise<ApprovalRow> {
    const rows = await this.database.run((db) => db.insert(this.approvals).values({ ...request, status: 'pending' }).returning());
    return rows[0]!;
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

  /** The requester's pending requests (unexpired), oldest first: to answer a repeated request with the one waiting. */
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
