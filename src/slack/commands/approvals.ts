import { isAllowed } from '../../domain/access/permissions.js';
import { pendingApprovalsReply } from '../blocks/approval.js';
import type { CommandModule } from './command-module.js';

/** `/env approvals`: the requests waiting, on environments the asker can view. */
export const approvalsCommand: CommandModule = {
  verb: 'approvals',
  typed: {
    help: { verb: 'approvals', usage: '/env approvals', summary: 'requests waiting for someone to approve them', example: '/env approvals' },
    parse: () => ({}),
  },
  permission: () => null,
  async run(_args, ctx) {
    const access = ctx.access();
    const visible = (await ctx.approvals.pending()).filter((a) => isAllowed(access, ctx.subject, 'view', a.environment));
    return { reply: pendingApprovalsReply(visible), outcome: 'ok', detail: `${visible.length} pending` };
  },
};
