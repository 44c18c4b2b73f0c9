import type { CostPeriod } from '../../domain/cost/report.js';
import { costReply } from '../blocks/cost.js';
import type { CommandOutcome } from './context.js';
import { authorizedEnvironment } from './environment.js';
import { askerAudience, type ReportContext } from './report-context.js';

/** `/env cost [env] [7d|30d|mtd]`: estimate and billed side by side, the trend, saved by schedule. */
export function costCommand(args: { environment: string | null; period: CostPeriod }, ctx: ReportContext): CommandOutcome {
  const audience = askerAudience(ctx);
  const now = ctx.clock.now();
  if (args.environment !== null) {
    const found = authorizedEnvironment(args.environment, 'view', ctx);
    if ('refusal' in found) return found.refusal;
    const name = found.env.name;
    const report = ctx.costs.report(args.period, now, (environment) => environment === name, name);
    return { reply: costReply({ report, environment: name, showUnassigned: false }), environment: name, outcome: 'ok', detail: args.period };
  }
  const report = ctx.costs.report(args.period, now, audience.sees);
  const reply = costReply({ report, environment: null, showUnassigned: audience.seesUnplaced });
  return { reply, outcome: 'ok', detail: `${args.period}: ${report.rows.length} environments` };
}
