import type { WhoWindow } from '../../domain/trail/changes.js';
import { WHO_WINDOW_MS } from '../../domain/trail/changes.js';
import { ingestFooter, whoReply } from '../blocks/who.js';
import type { CommandOutcome } from './context.js';
import { authorizedEnvironment } from './environment.js';
import { askerAudience, type ReportContext } from './report-context.js';

/** `/env who <env|all> [24h|7d]`: who changed what, newest first, flagged events marked. */
export function whoCommand(args: { environment: string | null; window: WhoWindow }, ctx: ReportContext): CommandOutcome {
  const now = ctx.clock.now();
  const window = { from: new Date(now.getTime() - WHO_WINDOW_MS[args.window]), to: now };
  const footer = ingestFooter(ctx.trail.cursors(), now);
  const gaps = ctx.reports.trailGaps(window);
  if (args.environment !== null) {
    const found = authorizedEnvironment(args.environment, 'view', ctx);
    if ('refusal' in found) return found.refusal;
    const events = ctx.reports.changes(window, askerAudience(ctx), found.env.name);
    return { reply: whoReply({ events, gaps, now, window: args.window, environment: found.env.name, footer }), environment: found.env.name, outcome: 'ok', detail: `${events.length} events${gaps.length ? `, ${gaps.length} locations not read` : ''}` };
  }
  const events = ctx.reports.changes(window, askerAudience(ctx));
  return { reply: whoReply({ events, gaps, now, window: args.window, environment: null, footer }), outcome: 'ok', detail: `${events.length} events` };
}
