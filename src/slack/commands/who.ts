import { quoted } from '../../domain/bounded-text.js';
import { UsageError } from '../../domain/command.js';
import type { Environment } from '../../domain/environments.js';
import { maySeeAccountIds } from '../../domain/access/permissions.js';
import { DEFAULT_WHO_WINDOW, gapWithoutAccountIds, WHO_WINDOW_MS, WHO_WINDOWS, type WhoWindow } from '../../domain/trail/changes.js';
import { ALERT_WHO_ACTION } from '../blocks/alerts.js';
import { ingestFooter, whoReply } from '../blocks/who.js';
import { askerAudience } from './audience.js';
import type { CommandModule } from './command-module.js';

/** `/env who <env|all> [24h|7d]`: who changed what, newest first, flagged events marked. */
export const whoCommand: CommandModule<{ environment: string | null; window: WhoWindow }> = {
  verb: 'who',
  typed: {
    help: { verb: 'who', usage: '/env who <env|all> [24h|7d]', summary: 'who changed what in ECS, from CloudTrail', example: '/env who staging-3 7d' },
    parse(w) {
      const target = w.name('an environment or `all`');
      const window = w.take()?.toLowerCase() ?? DEFAULT_WHO_WINDOW;
      if (!(WHO_WINDOWS as readonly string[]).includes(window)) throw new UsageError(`\`${quoted(window)}\` is not a window: use 24h or 7d`);
      return { environment: target.toLowerCase() === 'all' ? null : target, window: window as WhoWindow };
    },
  },
  // **Who?** on a live alert: `/env who <env|all>`, as the clicker.
  buttons: [{ actionId: ALERT_WHO_ACTION, text: (target) => `who ${target}` }],
  permission: ({ environment }) => (environment === null ? null : { verb: 'view', environment }),
  async run(args, ctx, env: Environment | null) {
    const now = ctx.clock.now();
    const window = { from: new Date(now.getTime() - WHO_WINDOW_MS[args.window]), to: now };
    const footer = ingestFooter(await ctx.trail.cursors(), now);
    const read = await ctx.reports.trailGaps(window);
    const gaps = maySeeAccountIds(ctx.access(), ctx.subject) ? read : read.map(gapWithoutAccountIds);
    if (env) {
      const events = await ctx.reports.changes(window, askerAudience(ctx), env.name);
      return { reply: whoReply({ events, gaps, now, window: args.window, environment: env.name, footer }), environment: env.name, outcome: 'ok', detail: `${events.length} events${gaps.length ? `, ${gaps.length} locations not read` : ''}` };
    }
    const events = await ctx.reports.changes(window, askerAudience(ctx));
    return { reply: whoReply({ events, gaps, now, window: args.window, environment: null, footer }), outcome: 'ok', detail: `${events.length} events` };
  },
};
