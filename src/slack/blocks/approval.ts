import type { KnownBlock } from './common.js';
import { context, section, type Reply } from './common.js';
import { code, escapeMrkdwn, who } from './format.js';
import { utcMinute } from '../../domain/time-format.js';
import { slackTime } from './slack-date.js';

export interface ApprovalView {
  id: number;
  environment: string;
  verb: string;
  params: Record<string, unknown>;
  requestedBy: string;
  status: 'pending' | 'approved' | 'denied' | 'expired' | 'cancelled';
  expiresAt: string;
  decidedBy: string | null;
  reason: string | null;
}

export const APPROVE_ACTION = 'approval_approve';
export const DENY_ACTION = 'approval_deny';
export const DENY_MODAL = 'approval_deny_reason';

/** "/env scale prod api 4" as the requester typed it, rebuilt from the stored parameters. */
export function describeRequest(view: Pick<ApprovalView, 'verb' | 'environment' | 'params'>): string {
  const { service, count, until } = view.params as { service?: string | null; count?: number | null; until?: string };
  if (view.verb === 'extend' && until) return `/env extend ${view.environment} until ${utcMinute(until)} UTC`;
  return ['/env', view.verb, view.environment, service ?? '', count ?? ''].filter((part) => part !== '').join(' ');
}

function time(iso: string): string {
  return slackTime(iso);
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
        { type: 'button', action_id: APPROVE_ACTION, style: 'primary', text: { type: 'plain_text', text: 'Approve' }, value: String(view.id) },
        { type: 'button', action_id: DENY_ACTION, style: 'danger', text: { type: 'plain_text', text: 'Deny' }, value: String(view.id) },
      ],
    });
  }
  blocks.push(context(`Request #${view.id}`));
  return { text: `${escapeMrkdwn(describeRequest(view))} by ${who(view.requestedBy)}: ${view.status}`, blocks };
}

export function pendingApprovalsReply(views: readonly ApprovalView[]): Reply {
  if (views.length === 0) return { text: 'No requests are waiting for approval.', blocks: [section('No requests are waiting for approval.')] };
  const lines = views.map((v) => `#${v.id} ${code(describeRequest(v))} by ${who(v.requestedBy)}, expires ${time(v.expiresAt)}`);
  return { text: `${views.length} requests waiting for approval`, blocks: [section(`*${views.length} waiting for approval*\n${lines.join('\n')}`)] };
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
