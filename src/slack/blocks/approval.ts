import type { KnownBlock } from './common.js';
import { confirmDialog, context, MAX_BLOCKS, section, sectionsWithin, type Reply } from './common.js';
import { describeRequest } from '../../domain/access/approvals.js';
import type { ApprovalFiled, ApprovalOutcome, ApprovalView, DecisionAnswer, RequesterNews } from '../../domain/notices.js';
import { code, escapeMrkdwn, who } from './format.js';
import { slackDayTime } from './slack-date.js';
import { busyText } from './operation.js';
import { extensionText } from './scheduler.js';

export type { ApprovalView };
/** Re-exported for the interactions that name a request in the deny modal. */
export { describeRequest };

export const APPROVE_ACTION = 'approval_approve';
export const DENY_ACTION = 'approval_deny';
export const DENY_MODAL = 'approval_deny_reason';

function time(iso: string): string {
  return slackDayTime(iso);
}

/** The message in the approvers' channel; the buttons carry only the request id. */
export function approvalRequestReply(view: ApprovalView, outcome?: string): Reply {
  const request = `${who(view.requestedBy)} asks to run ${code(describeRequest(view))} on a protected environment.`;
  const state =
    view.status === 'pending'
      ? `Waiting for someone with \`approve\` on ${code(view.environment)}; expires ${time(view.expiresAt)}.`
      : view.status === 'approved'
        ? `:white_check_mark: Approved by ${who(view.decidedBy ?? '')}.${outcome ? ` ${outcome}` : ''}`
        : view.status === 'denied'
          ? `:no_entry_sign: Denied by ${who(view.decidedBy ?? '')}${view.reason ? `: ${escapeMrkdwn(view.reason)}` : '.'}`
          : view.status === 'cancelled'
            ? `:no_entry_sign: Cancelled when ${who(view.decidedBy ?? '')} clicked Approve: ${who(view.requestedBy)} no longer holds ${code(view.verb)} on ${code(view.environment)}. Nothing ran.`
            : ':hourglass: Expired: nobody decided in time. The requester can ask again.';
  const blocks: KnownBlock[] = [section(`:lock: ${request}`), section(state)];
  if (view.status === 'pending') {
    blocks.push({
      type: 'actions',
      block_id: `approval_${view.id}`,
      elements: [
        {
          type: 'button',
          action_id: APPROVE_ACTION,
          style: 'primary',
          text: { type: 'plain_text', text: 'Approve' },
          value: String(view.id),
          confirm: confirmDialog(`Approve request #${view.id}?`, `${describeRequest(view)} runs on ${view.environment}, a protected environment, as soon as you confirm. It is audited in your name as the approver.`, 'Approve and run', 'primary'),
        },
        {
          type: 'button',
          action_id: DENY_ACTION,
          style: 'danger',
          text: { type: 'plain_text', text: 'Deny' },
          value: String(view.id),
          confirm: confirmDialog(`Deny request #${view.id}?`, `${describeRequest(view)} on ${view.environment} will not run: the request is closed and its requester is told. You can give a reason next.`, 'Deny'),
        },
      ],
    });
  }
  blocks.push(context(`Request #${view.id}`));
  return { text: `${escapeMrkdwn(describeRequest(view))} by ${who(view.requestedBy)}: ${view.status}`, blocks };
}

/** What came of an approved request, as said on the request, to the clicker and to the requester. */
export function approvalOutcomeText(outcome: ApprovalOutcome): string {
  switch (outcome.kind) {
    case 'running':
      return 'Running it now…';
    case 'operation': {
      const { id, status, summary } = outcome.operation;
      return `Operation #${id}: ${escapeMrkdwn(status)}, ${escapeMrkdwn(summary ?? 'no summary')}.${outcome.resumed ? ' (finished after dockhand restarted)' : ''}`;
    }
    case 'failed':
      return `But it failed: ${escapeMrkdwn(outcome.error)}`;
    case 'environment-gone':
      return `But ${code(outcome.environment)} no longer exists, so nothing ran.`;
    case 'no-scheduler':
      return 'But extensions cannot be carried out: the scheduler is not running.';
    case 'extended':
      return extensionText(outcome.extension);
  }
}

/** The requester's DM about their request. */
export function requesterNewsReply(view: ApprovalView, news: RequesterNews): Reply {
  const request = code(describeRequest(view));
  const text =
    news.kind === 'denied'
      ? `Your request ${request} was denied by ${who(news.by)}${news.reason ? `: ${escapeMrkdwn(news.reason)}` : '.'}`
      : news.kind === 'approved'
        ? `Your request ${request} was approved by ${who(news.by)}. ${approvalOutcomeText(news.outcome)}`
        : news.kind === 'cancelled'
          ? `Your request ${request} was cancelled when ${who(news.by)} tried to approve it: you no longer hold ${code(view.verb)} on ${code(view.environment)}, so nothing ran.`
          : news.kind === 'expired'
            ? `Your request ${request} expired before anyone approved it. Ask again if it is still needed.`
            : `Your request ${request}, approved by ${who(view.decidedBy ?? '')}: ${approvalOutcomeText(news.outcome)}`;
  return { text, blocks: [section(text)] };
}

/** The requester's answer when they ask for a protected action. */
export function approvalFiledReply(filed: ApprovalFiled): Reply {
  if (filed.kind === 'no-channel') {
    const text = `${code(filed.verb)} on ${code(filed.environment)} needs approval, but no approvers’ channel is configured (approvals.channel in dockhand.yml). Ask your dockhand administrator.`;
    return { text, blocks: [section(`:warning: ${text}`)] };
  }
  if (filed.kind === 'already-waiting') {
    const text = `Your request #${filed.request.id} for ${code(describeRequest(filed.request))} is already waiting for approval (since ${time(filed.since)}; it expires ${time(filed.request.expiresAt)}). Nothing new was filed; you’ll hear back here.`;
    return { text, blocks: [section(`:lock: ${text}`)] };
  }
  if (filed.kind === 'too-many-waiting') {
    const text = `You already have ${filed.waiting} requests waiting for approval (at most ${filed.limit} at once), so this one was not filed. \`/env approvals\` lists them; ask again once one is decided or expires.`;
    return { text, blocks: [section(`:warning: ${text}`)] };
  }
  const { request, channel } = filed;
  if (filed.kind === 'undelivered') {
    const text = `${code(describeRequest(request))} needs approval, but dockhand could not deliver request #${request.id} to <#${channel}> (Slack answered with an error), so it was withdrawn: nobody can approve it and nothing was changed. Try again in a minute; tell your dockhand administrator if it keeps happening.`;
    return { text, blocks: [section(`:warning: ${text}`)] };
  }
  const text =
    filed.kind === 'posted'
      ? `${code(describeRequest(request))} needs a second person: request #${request.id} is waiting in <#${channel}> and expires in ${filed.expireMinutes} minutes. You’ll hear back here.`
      : `${code(describeRequest(request))} needs approval, but dockhand could not post to <#${channel}>: invite the bot there. Request #${request.id} is recorded; \`/env approvals\` lists it.`;
  return { text, blocks: [section(`:lock: ${text}`)] };
}

/** The answer, for the clicker only, to an Approve or Deny. */
export function decisionAnswerText(answer: DecisionAnswer): string {
  switch (answer.kind) {
    case 'unknown':
      // 0 is what a value that is no request number reads as: it is not repeated.
      return answer.id === 0 ? 'That is not a request number, so nothing was counted.' : `There is no request #${answer.id}.`;
    case 'already-decided': {
      const { id, status, decidedBy } = answer.request;
      return `Not counted: request #${id} was already ${status}${decidedBy ? ` by ${who(decidedBy)}` : ''}.`;
    }
    case 'not-counted':
      return `Not counted: ${answer.reason}.`;
    case 'busy':
      return `Not counted yet: ${busyText(answer.running, answer.now)} Request #${answer.id} is still pending.`;
    case 'cancelled': {
      const { id, requestedBy, verb, environment } = answer.request;
      return `Not counted: ${who(requestedBy)} no longer holds ${code(verb)} on ${code(environment)} (a grant ended or a binding changed), so request #${id} is cancelled and nothing ran.`;
    }
    case 'denied':
      return `You denied request #${answer.id}.`;
    case 'approved':
      return `You approved request #${answer.id}. ${approvalOutcomeText(answer.outcome)}`;
  }
}

export function pendingApprovalsReply(views: readonly ApprovalView[]): Reply {
  if (views.length === 0) return { text: 'No requests are waiting for approval.', blocks: [section('No requests are waiting for approval.')] };
  const lines = views.map((v) => `#${v.id} ${code(describeRequest(v))} by ${who(v.requestedBy)}, expires ${time(v.expiresAt)}`);
  const listed = sectionsWithin(lines, MAX_BLOCKS - 1, (left) => `…and ${left} more waiting, not shown: they are in the approvers’ channel.`);
  return { text: `${views.length} requests waiting for approval`, blocks: [section(`*${views.length} waiting for approval*`), ...listed] };
}

export function denyReasonModal(approvalId: number, request: string): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: DENY_MODAL,
    private_metadata: String(approvalId),
    title: { type: 'plain_text', text: 'Deny request' },
    submit: { type: 'plain_text', text: 'Deny' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(`Deny ${code(request)}?`),
      {
        type: 'input',
        block_id: 'reason',
        optional: true,
        label: { type: 'plain_text', text: 'Reason (shown to the requester)' },
        element: { type: 'plain_text_input', action_id: 'reason', multiline: true, max_length: 500 },
      },
    ],
  };
}
