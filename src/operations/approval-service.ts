import { judgeDecision } from '../domain/approvals.js';
import type { Clock } from '../domain/clock.js';
import { isAllowed, type AccessPolicy, type Subject } from '../domain/permissions.js';
import { errorMessage, type Logger } from '../log.js';
import { approvalRequestReply, describeRequest, type ApprovalView } from '../slack/blocks/approval.js';
import { section, type Reply } from '../slack/blocks/common.js';
import type { ApprovalRow, ApprovalsStore } from '../store/approvals-store.js';
import type { AuditStore } from '../store/audit-store.js';
import type { Fleet } from '../store/fleet.js';
import type { OperationVerb } from '../store/operations-store.js';
import { busyText, type OperationLauncher } from './launch.js';
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
  return `Not counted: request #${row.id} was already ${row.status}${row.decidedBy ? ` by <@${row.decidedBy}>` : ''}.`;
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
    const now = clock.now();
    const verdict = judgeDecision(row, clicker.userId, isAllowed(access(), clicker, 'approve', row.environment), now);
    if (!verdict.ok) {
      if (verdict.expired) await this.expireDue();
      this.audit(clicker.userId, decision, row, 'denied', verdict.reason);
      return `Not counted: ${verdict.reason}.`;
    }
    const status = decision === 'approve' ? 'approved' : 'denied';
    if (!store.decide(id, status, clicker.userId, now.toISOString(), reason)) return alreadyDecided(store.get(id) ?? row);
    const decided = store.get(id) as ApprovalRow;
    this.audit(clicker.userId, decision, decided, decision === 'approve' ? 'approved' : 'rejected', reason ?? '');
    if (decision === 'deny') {
      await this.refreshMessage(decided);
      await this.tellRequester(decided, `Your request ${code(describeRequest(decided))} was denied by ${who(clicker.userId)}${reason ? `: ${escapeMrkdwn(reason)}` : '.'}`);
      return `You denied request #${id}.`;
    }
    await this.refreshMessage(decided, 'Running it now…');
    const outcome = await this.run(decided, clicker.userId);
    await this.refreshMessage(decided, outcome);
    await this.tellRequester(decided, `Your request ${code(describeRequest(decided))} was approved by ${who(clicker.userId)}. ${outcome}`);
    return `You approved request #${id}. ${outcome}`;
  }

  private async run(row: ApprovalRow, approvedBy: string): Promise<string> {
    const environment = this.deps.fleet.environment(row.environment);
    if (!environment) return `But ${code(row.environment)} no longer exists, so nothing ran.`;
    const params = row.params as ApprovalRequest['params'];
    if (row.verb === 'extend') {
      if (!this.deps.extend || !params.until) return 'But extensions cannot be carried out: the scheduler is not running.';
      return this.deps.extend(row.environment, new Date(params.until), row.requestedBy, approvedBy);
    }
    try {
      const result = await this.deps.launcher.launch({
        verb: row.verb as OperationVerb,
        environment,
        service: params.service ?? null,
        count: params.count ?? null,
        requestedBy: row.requestedBy,
        approvedBy,
        channelId: row.requestChannelId,
      });
      if (result.kind === 'busy') return `But it could not run: ${busyText(result.running, this.deps.clock.now())}`;
      this.deps.store.setOperation(row.id, result.operation.id);
      return `Operation #${result.operation.id}: ${result.operation.status}, ${result.operation.summary}.`;
    } catch (error) {
      this.audit(approvedBy, 'approve', row, 'error', errorMessage(error));
      return `But it failed to start: ${escapeMrkdwn(cut(errorMessage(error)))}`;
    }
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
