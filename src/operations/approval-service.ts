import { judgeDecision } from '../domain/access/approvals.js';
import type { Clock } from '../domain/clock.js';
import { isAllowed, type AccessPolicy, type Subject } from '../domain/access/permissions.js';
import { errorMessage, type Logger } from '../log.js';
import { approvalRequestReply, describeRequest, type ApprovalView } from '../slack/blocks/approval.js';
import { section, type Reply } from '../slack/blocks/common.js';
import type { ApprovalRow, ApprovalsStore } from '../store/approvals-store.js';
import type { AuditStore } from '../store/audit-store.js';
import type { Fleet } from '../store/fleet.js';
import type { OperationRow, OperationVerb } from '../store/operations-store.js';
import { busyText, type OperationLauncher } from './launch.js';
import type { OperationDone } from './runner.js';
import type { Messenger } from './messenger.js';
import { code, escapeMrkdwn, who } from '../slack/blocks/format.js';
import { cut } from '../domain/bounded-text.js';

/** An operation (stop, start, restart, scale with service/count) or an extension (`until`, ISO time). */
export interface ApprovalRequest {
  verb: OperationVerb | 'extend';
  environment: string;
  params: { service?: string | null; count?: number | null; until?: string };
  requestedBy: string;
  channelId: string;
}

/** Carries out an approved extension; answers with what came of it. */
export type ExtendExecutor = (environment: string, until: Date, requestedBy: string, approvedBy: string) => Promise<string>;

export interface ApprovalServiceDeps {
  store: ApprovalsStore;
  launcher: OperationLauncher;
  /** Set once the scheduler exists; extensions cannot be approved without it. */
  extend?: ExtendExecutor;
  fleet: Fleet;
  access: () => AccessPolicy;
  /** The requester's user groups, to re-check their access when Approve is clicked. */
  groupsOf: (userId: string) => Promise<readonly string[]>;
  messenger: Messenger;
  audit: AuditStore;
  clock: Clock;
  logger: Logger;
  /** The approvers' channel from the policy; without one, protected actions cannot be requested. */
  channel: string | undefined;
  expireMinutes: number;
}

export type Decision = 'approve' | 'deny';

function alreadyDecided(row: ApprovalRow): string {
  return `Not counted: request #${row.id} was already ${row.status}${row.decidedBy ? ` by ${who(row.decidedBy)}` : ''}.`;
}

function outcomeText(operation: OperationRow): string {
  return `Operation #${operation.id}: ${operation.status}, ${operation.summary}.`;
}

function viewOf(row: ApprovalRow): ApprovalView {
  return row;
}

/**
 * Two-person approvals: a request is stored, posted with Approve / Deny buttons, and decided once by
 * someone else holding `approve`; the decision is a compare-and-set, so double clicks execute once.
 */
export class ApprovalService {
  constructor(private readonly deps: ApprovalServiceDeps) {}

  private audit(actor: string, verb: string, row: ApprovalRow, outcome: 'requested' | 'approved' | 'rejected' | 'expired' | 'denied' | 'error', detail: string): void {
    this.deps.audit.record({
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

  /** Files the request and posts it to the approvers; the reply is for the requester. */
  async request(request: ApprovalRequest): Promise<Reply> {
    const { channel, store, clock, messenger, expireMinutes } = this.deps;
    if (!channel) {
      const text = `${code(request.verb)} on ${code(request.environment)} needs approval, but no approvers’ channel is configured (approvals.channel in dockhand.yml). Ask your dockhand administrator.`;
      return { text, blocks: [section(`:warning: ${text}`)] };
    }
    const now = clock.now();
    const row = store.create({
      environment: request.environment,
      verb: request.verb,
      params: request.params,
      requestedBy: request.requestedBy,
      requestChannelId: request.channelId,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + expireMinutes * 60_000).toISOString(),
    });
    const posted = await messenger.post(channel, approvalRequestReply(viewOf(row)));
    if (posted) store.setMessage(row.id, posted.channel, posted.ts);
    this.audit(request.requestedBy, `request:${request.verb}`, row, 'requested', posted ? `posted to ${channel}` : `could not post to ${channel}`);
    const text = posted
      ? `${code(describeRequest(row))} needs a second person: request #${row.id} is waiting in <#${channel}> and expires in ${expireMinutes} minutes. You’ll hear back here.`
      : `${code(describeRequest(row))} needs approval, but dockhand could not post to <#${channel}>: invite the bot there. Request #${row.id} is recorded; \`/env approvals\` lists it.`;
    return { text, blocks: [section(`:lock: ${text}`)] };
  }

  pending(): ApprovalView[] {
    return this.deps.store.pending(this.deps.clock.now().toISOString()).map(viewOf);
  }

  private async refreshMessage(row: ApprovalRow, outcome?: string): Promise<void> {
    if (!row.approvalChannelId || !row.approvalMessageTs) return;
    await this.deps.messenger
      .update(row.approvalChannelId, row.approvalMessageTs, approvalRequestReply(viewOf(row), outcome))
      .catch((error) => this.deps.logger.warn('could not update the approval message', { approval: row.id, error: errorMessage(error) }));
  }

  /** Handles an Approve or Deny click (or the console's approve/deny); the answer is for the clicker only. */
  async decide(id: number, clicker: Subject, decision: Decision, typedReason: string | null): Promise<string> {
    // The reason is typed by the clicker: stored and repeated only as a bounded prefix.
    const reason = typedReason === null ? null : cut(typedReason);
    const { store, clock, access } = this.deps;
    const row = store.get(id);
    if (!row) return `There is no request #${id}.`;
    if (row.status !== 'pending') return alreadyDecided(row);
    const requester = decision === 'approve' ? { userId: row.requestedBy, groupIds: await this.deps.groupsOf(row.requestedBy) } : null;
    // Access is read after every await, so a grant revoked meanwhile counts.
    const policy = access();
    const now = clock.now();
    const verdict = judgeDecision(row, clicker.userId, isAllowed(policy, clicker, 'approve', row.environment), now);
    if (!verdict.ok) {
      if (verdict.expired) await this.expireDue();
      this.audit(clicker.userId, decision, row, 'denied', verdict.reason);
      return `Not counted: ${verdict.reason}.`;
    }
    if (requester && !isAllowed(policy, requester, row.verb, row.environment)) return this.cancel(row, clicker.userId, now);
    if (decision === 'deny') {
      if (!store.decide(id, 'denied', clicker.userId, now.toISOString(), reason)) return alreadyDecided(store.get(id) ?? row);
      const denied = store.get(id) as ApprovalRow;
      this.audit(clicker.userId, decision, denied, 'rejected', reason ?? '');
      await this.refreshMessage(denied);
      await this.tellRequester(denied, `Your request ${code(describeRequest(denied))} was denied by ${who(clicker.userId)}${reason ? `: ${escapeMrkdwn(reason)}` : '.'}`);
      return `You denied request #${id}.`;
    }
    const decided = this.approve(row, clicker.userId, now);
    if (typeof decided === 'string') return decided;
    this.audit(clicker.userId, decision, decided.row, 'approved', '');
    await this.refreshMessage(decided.row, decided.operation ? 'Running it now…' : undefined);
    const outcome = decided.operation ? await this.start(decided.row, decided.operation, clicker.userId) : await this.runUnjournaled(decided.row, clicker.userId);
    await this.refreshMessage(decided.row, outcome);
    await this.tellRequester(decided.row, `Your request ${code(describeRequest(decided.row))} was approved by ${who(clicker.userId)}. ${outcome}`);
    return `You approved request #${id}. ${outcome}`;
  }

  /** The requester lost the verb since asking: approving would act beyond their access, so the request ends. */
  private async cancel(row: ApprovalRow, clickerId: string, now: Date): Promise<string> {
    const why = `${who(row.requestedBy)} no longer holds ${code(row.verb)} on ${code(row.environment)} (a grant ended or a binding changed)`;
    if (!this.deps.store.cancel(row.id, clickerId, now.toISOString(), why)) return alreadyDecided(this.deps.store.get(row.id) ?? row);
    const cancelled = this.deps.store.get(row.id) as ApprovalRow;
    this.audit(clickerId, 'approve', cancelled, 'denied', `cancelled: requester no longer holds ${row.verb}`);
    await this.refreshMessage(cancelled);
    await this.tellRequester(cancelled, `Your request ${code(describeRequest(cancelled))} was cancelled when ${who(clickerId)} tried to approve it: you no longer hold ${code(row.verb)} on ${code(row.environment)}, so nothing ran.`);
    return `Not counted: ${why}, so request #${row.id} is cancelled and nothing ran.`;
  }

  /**
   * The decision and the operation it causes are journaled in one transaction (the operation as "approved,
   * not started"), before anything is said in Slack: a death after this point is resumed at the next start.
   * Extensions and vanished environments have no operation to journal. A string is the clicker's answer.
   */
  private approve(row: ApprovalRow, approvedBy: string, now: Date): string | { row: ApprovalRow; operation: OperationRow | null } {
    const { store, fleet, launcher, clock } = this.deps;
    const environment = row.verb === 'extend' ? null : fleet.environment(row.environment);
    if (!environment) {
      if (!store.decide(row.id, 'approved', approvedBy, now.toISOString(), null)) return alreadyDecided(store.get(row.id) ?? row);
      return { row: store.get(row.id) as ApprovalRow, operation: null };
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
    const begun = store.approveAndJournal(row.id, approvedBy, now.toISOString(), () => launcher.journalApproved(request));
    if (begun === 'lost') return alreadyDecided(store.get(row.id) ?? row);
    if (!begun.ok) return `Not counted yet: ${busyText(begun.running, clock.now())} Request #${row.id} is still pending.`;
    return { row: store.get(row.id) as ApprovalRow, operation: begun.operation };
  }

  private async start(row: ApprovalRow, operation: OperationRow, approvedBy: string): Promise<string> {
    try {
      return outcomeText((await this.deps.launcher.start(operation)).operation);
    } catch (error) {
      this.audit(approvedBy, 'approve', row, 'error', errorMessage(error));
      return `But it failed: ${escapeMrkdwn(cut(errorMessage(error)))}`;
    }
  }

  /** An extension, or an environment gone since the request: nothing to journal. */
  private async runUnjournaled(row: ApprovalRow, approvedBy: string): Promise<string> {
    const params = row.params as ApprovalRequest['params'];
    if (row.verb !== 'extend') return `But ${code(row.environment)} no longer exists, so nothing ran.`;
    if (!this.deps.extend || !params.until) return 'But extensions cannot be carried out: the scheduler is not running.';
    return this.deps.extend(row.environment, new Date(params.until), row.requestedBy, approvedBy);
  }

  /** After a restart: an approved operation that was resumed is reported on its approval and to its requester. */
  async reportResumed(operation: OperationRow, result: OperationDone): Promise<void> {
    const row = this.deps.store.byOperation(operation.id);
    if (!row) return;
    const outcome = `${outcomeText(result.operation)} (finished after dockhand restarted)`;
    await this.refreshMessage(row, outcome);
    await this.tellRequester(row, `Your request ${code(describeRequest(row))}, approved by ${who(row.decidedBy ?? '')}: ${outcome}`);
  }

  private async tellRequester(row: ApprovalRow, text: string): Promise<void> {
    await this.deps.messenger
      .tell(row.requestedBy, { text, blocks: [section(text)] })
      .catch((error) => this.deps.logger.warn('could not tell the requester', { approval: row.id, error: errorMessage(error) }));
  }

  /** Marks overdue requests expired and says so on their messages; runs every minute and on a late click. */
  async expireDue(): Promise<number> {
    const expired = this.deps.store.expireDue(this.deps.clock.now().toISOString());
    for (const row of expired) {
      this.audit(row.requestedBy, `request:${row.verb}`, row, 'expired', 'nobody decided in time');
      await this.refreshMessage(row);
      await this.tellRequester(row, `Your request ${code(describeRequest(row))} expired before anyone approved it. Ask again if it is still needed.`);
    }
    return expired.length;
  }
}
