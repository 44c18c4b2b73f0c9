import { matchesGlob } from '../../domain/glob.js';
import { allowsOn, holdsOnAll, maySeeAccountIds } from '../../domain/access/permissions.js';
import { isUp } from '../../domain/schedules/schedule.js';
import { listMessages, MAX_LIST_MESSAGES } from '../blocks/list.js';
import { scheduleSummary } from '../blocks/schedule.js';
import type { CommandModule } from './command-module.js';

/** `/env list [glob]`: every environment the asker can see (the filter is a glob, or a substring). */
export const listCommand: CommandModule<{ filter: string | null }> = {
  verb: 'list',
  typed: {
    aliases: ['ls'],
    help: { verb: 'list', usage: '/env list [glob]', summary: 'every environment you can see: what needs attention first, then by tier, with state, tasks, owner', example: '/env list staging-*' },
    parse: (w) => ({ filter: w.left > 0 ? w.glob('a glob') : null }),
  },
  permission: () => null,
  async run({ filter }, ctx) {
    const access = ctx.access();
    const canView = allowsOn(access, ctx.subject, 'view');
    const visible = ctx.fleet
      .environments()
      .filter((env) => canView(env.name))
      .filter((env) => filter === null || matchesGlob(filter.includes('*') || filter.includes('?') ? filter : `*${filter}*`, env.name));
    const now = ctx.clock.now();
    const explained = await ctx.schedules.explainAll(visible);
    // Running while the schedule says parked, with no override keeping it up: worth a look.
    const outsideSchedule = new Set(
      visible.filter((env) => {
        const e = explained.get(env.name);
        return env.running > 0 && e?.resolved.schedule && !e.override && !isUp(e.resolved.schedule, now);
      }).map((env) => env.name),
    );
    // The first message is the reply; a long list continues in more (the response_url takes five).
    const messages = listMessages({
      environments: visible,
      filter,
      // Services in no environment could belong to anyone: only someone who sees every name hears of them.
      orphanServices: holdsOnAll(access, ctx.subject, 'view', '*') ? ctx.fleet.orphanServices() : 0,
      lastRefresh: ctx.fleet.lastRefresh(),
      errorDetails: maySeeAccountIds(access, ctx.subject),
      locationReadAt: (account, region) => ctx.fleet.locationReadAt(account, region),
      now,
      schedules: new Map([...explained].filter(([, e]) => e.resolved.text !== null).map(([name, e]) => [name, scheduleSummary(e)])),
      outsideSchedule,
    }, ctx.respond ? MAX_LIST_MESSAGES : 1);
    const last = messages.pop() ?? null;
    for (const message of messages) await ctx.respond?.(message);
    return { reply: last, environment: filter, outcome: 'ok', detail: `${visible.length} environments shown${messages.length > 0 ? ` in ${messages.length + 1} messages` : ''}` };
  },
};
