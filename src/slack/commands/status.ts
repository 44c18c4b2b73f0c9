import { maySeeAccountIds } from '../../domain/access/permissions.js';
import { refreshFooter } from '../blocks/list.js';
import { scheduleSummary } from '../blocks/schedule.js';
import { statusReply } from '../blocks/status.js';
import type { Environment } from '../../domain/environments.js';
import type { CommandModule } from './command-module.js';

/** `/env status <env>`: one environment, service by service. */
export const statusCommand: CommandModule<{ environment: string }> = {
  verb: 'status',
  typed: {
    help: { verb: 'status', usage: '/env status <env>', summary: 'one environment, service by service, with recent ECS events', example: '/env status staging-3' },
    parse: (w) => ({ environment: w.name('the environment’s name') }),
  },
  permission: ({ environment }) => ({ verb: 'view', environment }),
  async run(_args, ctx, env: Environment) {
    const now = ctx.clock.now();
    const schedule = scheduleSummary(await ctx.schedules.explain(env));
    const mentions = env.owner ? await ctx.ownerMentions?.() : undefined;
    const footer = refreshFooter(ctx.fleet.lastRefresh(), now, (account, region) => ctx.fleet.locationReadAt(account, region), maySeeAccountIds(ctx.access(), ctx.subject));
    return { reply: statusReply(env, now, footer, schedule, mentions), environment: env.name, outcome: 'ok' };
  },
};
