import { hasCostToChart } from '../../domain/cost/daily.js';
import { COST_PERIODS, DEFAULT_COST_PERIOD, type CostPeriod } from '../../domain/cost/report.js';
import type { Environment } from '../../domain/environments.js';
import { UsageError } from '../../domain/command.js';
import { quoted } from '../../domain/bounded-text.js';
import type { ChartOutcome } from '../../outbound.js';
import { costChartTitle, costReply } from '../blocks/cost.js';
import { askerAudience } from './audience.js';
import type { CommandModule } from './command-module.js';
import type { CommandContext } from './context.js';

/**
 * The period's cost per day as a picture in the channel asked from, before the figures are answered, so the
 * answer can say whether it is there. Null when there is nothing to draw or nowhere to draw it.
 */
async function shareChart(ctx: CommandContext, period: CostPeriod, include: (environment: string) => boolean, environment: string | null): Promise<ChartOutcome | null> {
  if (!ctx.charts?.attachChart) return null;
  const data = await ctx.costs.daily(period, ctx.clock.now(), include, environment ?? undefined);
  if (!hasCostToChart(data)) return null;
  return ctx.charts.attachChart({ channel: ctx.channelId, askedBy: ctx.subject.userId }, { kind: 'cost-per-day', title: costChartTitle(period, environment), data });
}

/** A word shaped like a period (`90d`, `2w`, `ytd`) that is not one: refused as a period, not taken for a name. */
const PERIOD_SHAPED = /^(?:\d{1,6}[hdwmy]|[a-z]td)$/i;

function periodList(): string {
  return `${COST_PERIODS.slice(0, -1).join(', ')} or ${COST_PERIODS[COST_PERIODS.length - 1]}`;
}

/** `/env cost [env] [7d|30d|mtd]`: estimate and billed side by side, the trend, saved by schedule. */
export const costCommand: CommandModule<{ environment: string | null; period: CostPeriod }> = {
  verb: 'cost',
  typed: {
    help: { verb: 'cost', usage: '/env cost [env] [7d|30d|mtd]', summary: 'estimated and billed cost, the trend, what schedules saved, and a chart of cost per day', example: '/env cost staging-3 30d' },
    parse(w) {
      // Both words are optional and may come in either order: a period word is the period.
      let period: CostPeriod = DEFAULT_COST_PERIOD;
      let environment: string | null = null;
      for (const word of [w.take(), w.take()]) {
        if (word === undefined) break;
        if ((COST_PERIODS as readonly string[]).includes(word.toLowerCase())) period = word.toLowerCase() as CostPeriod;
        else if (PERIOD_SHAPED.test(word)) throw new UsageError(`\`${quoted(word)}\` is not a period: use ${periodList()}`);
        else environment = w.nameOf(word, 'environment name');
      }
      return { environment, period };
    },
  },
  permission: ({ environment }) => (environment === null ? null : { verb: 'view', environment }),
  async run({ period }, ctx, env: Environment | null) {
    const now = ctx.clock.now();
    if (env) {
      const name = env.name;
      const only = (environment: string) => environment === name;
      const report = await ctx.costs.report(period, now, only, name);
      const chart = report.rows.length > 0 ? await shareChart(ctx, period, only, name) : null;
      return { reply: costReply({ report, environment: name, showUnassigned: false, chart }), environment: name, outcome: 'ok', detail: period };
    }
    const audience = askerAudience(ctx);
    const report = await ctx.costs.report(period, now, audience.sees);
    const chart = report.rows.length > 0 ? await shareChart(ctx, period, audience.sees, null) : null;
    const reply = costReply({ report, environment: null, showUnassigned: audience.seesUnplaced, chart });
    return { reply, outcome: 'ok', detail: `${period}: ${report.rows.length} environments` };
  },
};
