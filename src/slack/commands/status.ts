import { isAllowed, whoToAsk } from '../../domain/permissions.js';
import { closestNames } from '../../domain/suggest.js';
import { deniedReply, unknownEnvironmentReply } from '../blocks/access.js';
import { refreshFooter } from '../blocks/list.js';
import { statusReply } from '../blocks/status.js';
import type { CommandContext, CommandOutcome } from './context.js';

export function statusCommand(name: string, ctx: CommandContext): CommandOutcome {
  const env = ctx.fleet.environment(name);
  if (!env) {
    // Suggest only names the asker may see, so a typo does not reveal environments they have no access to.
    const visible = ctx.fleet
      .environments()
      .filter((e) => isAllowed(ctx.access, ctx.subject, 'view', e.name))
      .map((e) => e.name);
    return { reply: unknownEnvironmentReply(name, closestNames(name, visible)), environment: name, outcome: 'not-found' };
  }
  if (!isAllowed(ctx.access, ctx.subject, 'view', env.name)) {
    return { reply: deniedReply('view', env.name, whoToAsk(ctx.access, 'view', env.name)), environment: env.name, outcome: 'denied' };
  }
  const now = ctx.clock.now();
  return { reply: statusReply(env, now, refreshFooter(ctx.fleet.lastRefresh(), now)), environment: env.name, outcome: 'ok' };
}
