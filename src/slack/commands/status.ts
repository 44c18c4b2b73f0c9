import { refreshFooter } from '../blocks/list.js';
import { scheduleSummary } from '../blocks/schedule.js';
import { statusReply } from '../blocks/status.js';
import type { CommandContext, CommandOutcome } from './context.js';
import { authorizedEnvironment } from './environment.js';

export function statusCommand(name: string, ctx: CommandContext): CommandOutcome {
  const found = authorizedEnvironment(name, 'view', ctx);
  if ('refusal' in found) return found.refusal;
  const now = ctx.clock.now();
  const schedule = scheduleSummary(ctx.scheduler.explain(found.env));
  return { reply: statusReply(found.env, now, refreshFooter(ctx.fleet.lastRefresh(), now, (account, region) => ctx.fleet.locationReadAt(account, region)), schedule), environment: found.env.name, outcome: 'ok' };
}
