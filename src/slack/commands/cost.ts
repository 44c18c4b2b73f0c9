import { COST_PERIODS, DEFAULT_COST_PERIOD, type CostPeriod } from '../../domain/cost/report.js';
import type { Environment } from '../../domain/environments.js';
import { costReply } from '../blocks/cost.js';
import { askerAudience } from './audience.js';
import type { CommandModule } from './command-module.js';

/** `/env cost [env] [7d|30d|mtd]`: estimate and billed side by side, the trend, saved by schedule. */
export const costCommand: CommandModule<{ environment: string | null; period: CostPeriod }> = {
  verb: 'cost',
  typed: {
    help: { verb: 'cost', usage: '/env cost [env] [7d|30d|mtd]', summary: 'estimated and billed cost, the trend, and what schedules saved', example: '/env cost staging-3 30d' },
    parse(w) {
      // Both words are optional and may come in either order: a period word is the period.
      let period: CostPeriod = DEFAULT_COST_PERIOD;
      let environment: string | null = null;
      for (const word of [w.take(), w.take()]) {
        if (word === undefined) break;
        if ((COST_PERIODS as readonly string[]).includes(word.toLowerCase())) period = word.toLowerCase() as CostPeriod;
        else environment = w.nameOf(word, 'environment name');
      }
      return { environment, period };
    },
  },
  permission: ({ environment }) => (environment === null ? null : { verb: 'view', environment }),
  run({ period }, ctx, env: Environment | null) {
    const now = ctx.clock.now();
    if (env) {
      const name = env.name;
      const report = ctx.costs.report(period, now, (environment) => environment === name, name);
      return { reply: costReply({ report, environment: name, showUnassigned: false }), environment: name, outcome: 'ok', detail: period };
    }
    const audience = askerAudience(ctx);
    const report = ctx.costs.report(period, now, audience.sees);
    const reply = costReply({ report, environment: null, showUnassigned: audience.seesUnplaced });
    return { reply, outcome: 'ok', detail: `${period}: ${report.rows.length} environments` };
  },
};
