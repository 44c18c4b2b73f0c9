import { isAllowed } from '../../domain/access/permissions.js';
import { pendingApprovalsReply } from '../blocks/approval.js';
import type { CommandContext, CommandOutcome } from './context.js';

export function approvalsCommand(ctx: CommandContext): CommandOutcome {
  const access = ctx.access();
  const visible = ctx.approvals.pending().filter((a) => isAllowed(access, ctx.subject, 'view', a.environment));
  return { reply: pendingApprovalsReply(visible), outcome: 'ok', detail: `${visible.length} pending` };
}
