import { matchesGlob } from '../../domain/glob.js';
import { holdsOnAll, isAllowed } from '../../domain/access/permissions.js';
import { listReply } from '../blocks/list.js';
import { scheduleSummary } from '../blocks/schedule.js';
import type { CommandModule } from './command-module.js';

/** `/env list [glob]`: every environment the asker can see (the filter is a glob, or a substring). */
export const listCommand: CommandModule<{ filter: string | null }> = {
  verb: 'list',
  typed: {
    aliases: ['ls'],
    help: { verb: 'list', usage: '/env list [glob]', summary: 'every environment you can see: state, tasks, tier, owner', example: '/env list staging-*' },
    parse: (w) => ({ filter: w.left > 0 ? w.glob('a glob') : null }),
  },
  permission: () => null,
  run({ filter }, ctx) {
    const access = ctx.access();
    const visible = ctx.fleet
      .environments()
      .filter((env) => isAllowed(access, ctx.subject, 'view', env.name))
      .filter((env) => filter === null || matchesGlob(filter.includes('*') || filter.includes('?') ? filter : `*${filter}*`, env.name));
    const reply = listReply({
      environments: visible,
      filter,
      // Services in no environment could belong to anyone: only someone who sees every name hears of them.
      orphanServices: holdsOnAll(access, ctx.subject, 'view', '*') ? ctx.fleet.orphanServices() : 0,
      lastRefresh: ctx.fleet.lastRefresh(),
      locationReadAt: (account, region) => ctx.fleet.locationReadAt(account, region),
      now: ctx.clock.now(),
      schedules: new Map([...ctx.schedules.explainAll(visible)].filter(([, e]) => e.resolved.text !== null).map(([name, e]) => [name, scheduleSummary(e)])),
    });
    return { reply, environment: filter, outcome: 'ok', detail: `${visible.length} environments shown` };
  },
};
