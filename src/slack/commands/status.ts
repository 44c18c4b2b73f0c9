import { refreshFooter } from '../blocks/list.js';
import { statusReply } from '../blocks/status.js';
import type { CommandContext, CommandOutcome } from './context.js';
import { authorizedEnvironment } from './environment.js';

export function statusCommand(name: string, ctx: CommandContext): CommandOutcome {
  const found = authorizedEnvironment(name, 'view', ctx);
  if ('refusal' in found) return found.refusal;
  const now = ctx.clock.now();
  return { reply: statusReply(found.env, now, refreshFooter(ctx.fleet.lastRefresh(), now)), environment: found.env.name, outcome: 'ok' };
}
