import { describeRequest, judgeDecision, NOT_AN_APPROVER } from '../domain/access/approvals.js';
import type { Clock } from '../domain/clock.js';
import { isAllowed, type AccessPolicy, type Subject } from '../domain/access/permissions.js';
import { errorMessage, type Logger } from '../log.js';
import type { ApprovalFiled, ApprovalOutcome, ApprovalView, DecisionAnswer, Extension, RequesterNews } from '../domain/notices.js';
import { NoticePartlyPosted, type Outbound } from '../outbound.js';
import type { ApprovalRow, ApprovalsStore } from '../store/approvals-store.js';
import type { AuditStore } from '../store/audit-store.js';
import type { Fleet } from '../store/fleet.js';
import type { OperationRow, OperationVerb } from '../store/operations-store.js';
import type { OperationLauncher } from './launch.js';
import type { OperationDone } from './runner.js';
import { clipWord, cut } from '../domain/bounded-text.js';
import { Topic } from '../topic.js';

/** An operation (stop, start, restart, scale with service/count) or an extension (`until`, ISO time). */
export interface ApprovalRequest {
  verb: OperationVerb | 'extend';
  environment: string;
  params: { service?: string | null; count?: number | null; until?: string };
  requestedBy: string;
  channelId: string;
}

/** Carries out an approved extension; answers with what came of it. */
export type ExtendExecutor = (environment: string, until: Date, requestedBy: string, approvedBy: string) => Promise<Extension>;

export interface ApprovalServiceDeps {
  store: ApprovalsStore;
  launcher: OperationLauncher;
  /** The schedule service's extend; without it extensions cannot be approved (tests that need none leave it out). */
  extend?: ExtendExecutor;
  fleet: Fleet;
  access: () => Promise<AccessPolicy>;
  /** The requester's user groups, to re-check their access when Approve is clicked. */
  groupsOf: (userId: string) => Promise<readonly string[]>;
  outbound: Outbound;
  audit: AuditStore;
  clock: Clock;
  logger: Logger;
  /** The approvers' channel from the policy; without one, protected actions cannot be requested. */
  channel: string | undefined;
  expireMinutes: number;
}

export type Decision = 'approve' | 'deny';

/** Requests one person may have waiting at once; more are refused until one is decided or expires. */
export const MAX_PENDING_PER_REQUESTER = 5;

function alreadyDecided(row: ApprovalRow): DecisionAnswer {
  return { kind: 'already-decided', request: viewOf(row) };
}

function operationOutcome(operation: OperationRow, resumed?: boolean): ApprovalOutcome {
  return { kind: 'operation', operation: { id: operation.id, status: operation.status, summary: operation.summary }, ...(resumed ? { resumed } : {}) };
}

function viewOf(row: ApprovalRow): ApprovalView {
  return row;
}

/**
 * Two-person approvals: a request is stored, posted with Approve / Deny buttons, and decided once by
 * someone else holding `approve`; the decision is a compare-and-set, so double clicks execute once.
 */
export class ApprovalService {
  /** A request was filed or changed state (decided, cancelled, expired, its operation done): the App Home hears it. */
  readonly changed: Topic<{ environment: string }>;

  constructor(private readonly deps: ApprovalServiceDeps) {
    this.changed = new Topic('approval changed', deps.logger);
  }

  private async audit(actor: string, verb: string, row: ApprovalRow, outcome: 'requested' | 'approved' | 'rejected' | 'expired' | 'denied' | 'error' | 'busy', detail: string): Promise<void> {
    await this.deps.audit.record({
      at: this.deps.clock.now().toISOString(),
      actor,
      verb,
      environment: row.environment,
      params: { approval: row.id, request: describeRequest(row) },
      outcome,
      detail,
      durationMs: null,
    });
  }

  /**
   * Files the request and posts it to the approvers; the answer is for the requester. The same request asked
   * again while one waits (`requestKey`: an extension whatever its end) is answered with the waiting one, and
   * a requester has at most a few waiting, so repeating a command cannot flood the approvers' channel. The
   * store holds both across replicas (the unique index; the count and insert in one transaction).
   */
  async request(request: ApprovalRequest): Promise<ApprovalFiled> {
    const { channel, store, clock, outbound, expireMinutes } = this.deps;
    if (!channel) return { kind: 'no-channel', verb: request.verb, environment: request.environment };
    // Requests past their time no longer count as waiting (nor hold the unique index).
    await this.expireDue();
    const now = clock.now();
    const filed = await store.file(
      {
        environment: request.environment,
        verb: request.verb,
        params: request.params,
        requestedBy: request.requestedBy,
        requestChannelId: request.channelId,
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + expireMinutes * 60_000).toISOString(),
      },
      MAX_PENDING_PER_REQUESTER,
      now.toISOString(),
    );
    if (filed.kind === 'same') {
      await this.audit(request.requestedBy, `request:${request.verb}`, filed.row, 'busy', `already waiting as #${filed.row.id}`);
      return { kind: 'already-waiting', request: viewOf(filed.row), since: filed.row.createdAt };
    }
    if (filed.kind === 'too-many') {
      await this.deps.audit.record({
        at: now.toISOString(),
        actor: request.requestedBy,
        verb: `request:${request.verb}`,
        environment: request.environment,
        params: { request: describeRequest(request) },
        outcome: 'denied',
        detail: `${filed.waiting} requests already waiting`,
        durationMs: null,
      });
      return { kind: 'too-many-waiting', waiting: filed.waiting, limit: MAX_PENDING_PER_REQUESTER };
    }
    const row = filed.row;
    let posted: Awaited<ReturnType<Outbound['post']>>;
    try {
      posted = await outbound.post(channel, { kind: 'approval-request', request: viewOf(row) });
    } catch (error) {
      if (error instanceof NoticePartlyPosted) posted = error.posted;
      else return this.withdrawUndelivered(row, channel, error);
    }
    if (posted) await store.setMessage(row.id, posted.channel, posted.ts);
    this.changed.publish({ environment: row.environment });
    await this.audit(request.requestedBy, `request:${request.verb}`, row, 'requested', posted ? `posted to ${channel}` : `could not post to ${channel}`);
    return posted ? { kind: 'posted', request: viewOf(row), channel, expireMinutes } : { kind: 'unposted', request: viewOf(row), channel };
  }

  /**
   * Slack refused the post to the approvers (not a channel the bot cannot reach, which is said and kept):
   * nobody was asked, so the request is withdrawn rather than left pending for someone to approve unseen.
   */
  private async withdrawUndelivered(row: ApprovalRow, channel: string, error: unknown): Promise<ApprovalFiled> {
    const why = `could not post to ${channel}: ${errorMessage(error)}`;
    this.deps.logger.warn('could not post an approval request; it is withdrawn', { approval: row.id, channel, error: errorMessage(error) });
    await this.deps.store.withdraw(row.id, this.deps.clock.now().toISOString(), 'withdrawn: the request could not be posted to the approvers');
    await this.audit(row.requestedBy, `request:${row.verb}`, row, 'error', `withdrawn, ${why}`);
    return { kind: 'undelivered', request: viewOf(row), channel };
  }

  async pending(): Promise<ApprovalView[]> {
    return (await this.deps.store.pending(this.deps.clock.now().toISOString())).map(viewOf);
  }

  private async refreshMessage(row: ApprovalRow, outcome?: ApprovalOutcome): Promise<void> {
    this.changed.publish({ environment: row.environment });
    if (!row.approvalChannelId || !row.approvalMessageTs) return;
    await this.deps.outbound
      .update({ channel: row.approvalChannelId, ts: row.approvalMessageTs }, { kind: 'approval-request', request: viewOf(row), ...(outcome ? { outcome } : {}) })
      .catch((error) => this.deps.logger.warn('could not update the approval message', { approval: row.id, error: errorMessage(error) }));
  }

  /**
   * Handles an Approve or Deny click (or the console's approve/deny); the answer is for the clicker only.
   * `given` is the id as the click carried it (a forged one reads as 0), for the audit row of an unknown one.
   */
  async decide(id: number, clicker: Subject, decision: Decision, typedReason: string | null, given?: string): Promise<DecisionAnswer> {
    // The reason is typed by the clicker: stored and repeated only as a bounded prefix.
    const reason = typedReason === null ? null : cut(typedReason);
    const { store, clock, access } = this.deps;
    const row = await store.get(id);
    if (!row) {
      // Audited like every decision; what was given is kept as a quoted word (the trail escapes it when shown).
      const as = given !== undefined && given !== String(id) ? ` (the click said "${clipWord(given)}")` : '';
      await this.deps.audit.record({ at: clock.now().toISOString(), actor: clicker.userId, verb: decision, environment: null, params: { approval: id }, outcome: 'not-found', detail: `no request #${id}${as}`, durationMs: null });
      return { kind: 'unknown', id };
    }
    if (row.status !== 'pending') {
      // Who decided a request is told only to those who could have decided it.
      if (!isAllowed(await access(), clicker, 'approve', row.environment)) {
        await this.audit(clicker.userId, decision, row, 'denied', NOT_AN_APPROVER);
        return { kind: 'not-counted', reason: NOT_AN_APPROVER };
      }
      return alreadyDecided(row);
    }
    const requester = decision === 'approve' ? { userId: row.requestedBy, groupIds: await this.deps.groupsOf(row.requestedBy) } : null;
    // Access is read after every await, so a grant revoked meanwhile counts.
    const policy = await access();
    const now = clock.now();
    const verdict = judgeDecision(row, clicker.userId, isAllowed(policy, clicker, 'approve', row.environment), now);
    if (!verdict.ok) {
      if (verdict.expired) await this.expireDue();
      await this.audit(clicker.userId, decision, row, 'denied', verdict.reason);
      return { kind: 'not-counted', reason: verdict.reason };
    }
    if (requester && !isAllowed(policy, requester, row.verb, row.environment)) return this.cancel(row, clicker.userId, now);
    if (decision === 'deny') {
      if (!(await store.decide(id, 'denied', clicker.userId, now.toISOString(), reason))) return alreadyDecided((await store.get(id)) ?? row);
      const denied = (await store.get(id)) as ApprovalRow;
      await this.audit(clicker.userId, decision, denied, 'rejected', reason ?? '');
      await this.refreshMessage(denied);
      await this.tellRequester(denied, { kind: 'denied', by: clicker.userId, reason });
      return { kind: 'denied', id };
    }
    const decided = await this.approve(row, clicker.userId, now);
    if ('kind' in decided) return decided;
    await this.audit(clicker.userId, decision, decided.row, 'approved', '');
    await this.refreshMessage(decided.row, decided.operation ? { kind: 'running' } : undefined);
    const outcome = decided.operation ? await this.start(decided.row, decided.operation, clicker.userId) : await this.runUnjournaled(decided.row, clicker.userId);
    await this.refreshMessage(decided.row, outcome);
    await this.tellRequester(decided.row, { kind: 'approved', by: clicker.userId, outcome });
    return { kind: 'approved', id, outcome };
  }

  /** The requester lost the verb since asking: approving would act beyond their access, so the request ends. */
  private async cancel(row: ApprovalRow, clickerId: string, now: Date): Promise<DecisionAnswer> {
    const why = `${row.requestedBy} no longer holds ${row.verb} on ${row.environment} (a grant ended or a binding changed)`;
    if (!(await this.deps.store.cancel(row.id, clickerId, now.toISOString(), why))) return alreadyDecided((await this.deps.store.get(row.id)) ?? row);
    const cancelled = (await this.deps.store.get(row.id)) as ApprovalRow;
    await this.audit(clickerId, 'approve', cancelled, 'denied', `cancelled: requester no longer holds ${row.verb}`);
    await this.refreshMessage(cancelled);
    await this.tellRequester(cancelled, { kind: 'cancelled', by: clickerId });
    return { kind: 'cancelled', request: viewOf(cancelled) };
  }

  /**
   * The decision and the operation it causes are journaled in one transaction (the operation as "approved,
   * not started"), before anything is said in Slack: a death after this point is resumed at the next start.
   * Extensions and vanished environments have no operation to journal. A DecisionAnswer is the clicker's.
   */
  private async approve(row: ApprovalRow, approvedBy: string, now: Date): Promise<DecisionAnswer | { row: ApprovalRow; operation: OperationRow | null }> {
    const { store, fleet, launcher, clock } = this.deps;
    const environment = row.verb === 'extend' ? null : fleet.environment(row.environment);
    if (!environment) {
      if (!(await store.decide(row.id, 'approved', approvedBy, now.toISOString(), null))) return alreadyDecided((await store.get(row.id)) ?? row);
      return { row: (await store.get(row.id)) as ApprovalRow, operation: null };
    }
    const params = row.params as ApprovalRequest['params'];
    const request = {
      verb: row.verb as OperationVerb,
      environment,
      service: params.service ?? null,
      count: params.count ?? null,
      requestedBy: row.requestedBy,
      approvedBy,
      channelId: row.requestChannelId,
    };
    const begun = await store.approveAndJournal(row.id, approvedBy, now.toISOString(), () => launcher.journalApproved(request));
    if (begun === 'lost') return alreadyDecided((await store.get(row.id)) ?? row);
    if (!begun.ok) return { kind: 'busy', id: row.id, running: begun.running, now: clock.now() };
    return { row: (await store.get(row.id)) as ApprovalRow, operation: begun.operation };
  }

  private async start(row: ApprovalRow, operation: OperationRow, approvedBy: string): Promise<ApprovalOutcome> {
    try {
      return operationOutcome((await this.deps.launcher.start(operation)).operation);
    } catch (error) {
      await this.audit(approvedBy, 'approve', row, 'error', errorMessage(error));
      return { kind: 'failed', error: cut(errorMessage(error)) };
    }
  }

  /** An extension, or an environment gone since the request: nothing to journal. */
  private async runUnjournaled(row: ApprovalRow, approvedBy: string): Promise<ApprovalOutcome> {
    const params = row.params as ApprovalRequest['params'];
    if (row.verb !== 'extend') return { kind: 'environment-gone', environment: row.environment };
    if (!this.deps.extend || !params.until) return { kind: 'no-scheduler' };
    return { kind: 'extended', extension: await this.deps.extend(row.environment, new Date(params.until), row.requestedBy, approvedBy) };
  }

  /** After a restart: an approved operation that was resumed is reported on its approval and to its requester. */
  async reportResumed(operation: OperationRow, result: OperationDone): Promise<void> {
    const row = await this.deps.store.byOperation(operation.id);
    if (!row) return;
    const outcome = operationOutcome(result.operation, true);
    await this.refreshMessage(row, outcome);
    await this.tellRequester(row, { kind: 'resumed', outcome });
  }

  private async tellRequester(row: ApprovalRow, news: RequesterNews): Promise<void> {
    await this.deps.outbound
      .tell(row.requestedBy, { kind: 'requester-news', request: viewOf(row), news })
      .catch((error) => this.deps.logger.warn('could not tell the requester', { approval: row.id, error: errorMessage(error) }));
  }

  /** Marks overdue requests expired and says so on their messages; runs every minute and on a late click. */
  async expireDue(): Promise<number> {
    const expired = await this.deps.store.expireDue(this.deps.clock.now().toISOString());
    for (const row of expired) {
      await this.audit(row.requestedBy, `request:${row.verb}`, row, 'expired', 'nobody decided in time');
      await this.refreshMessage(row);
      await this.tellRequester(row, { kind: 'expired' });
    }
    return expired.length;
  }
}
