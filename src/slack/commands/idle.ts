import type { NoticesStore } from '../../store/notices-store.js';
import { idleReply, snoozedReply } from '../blocks/idle.js';
import type { Reply } from '../blocks/common.js';
import type { CommandOutcome } from './context.js';
import { askerAudience, type ReportContext } from './report-context.js';

const DAY_MS = 86_400_000;

/** `/env idle`: idle and orphaned environments the asker can see, by monthly cost, with Stop and Snooze. */
export async function idleCommand(_args: Record<string, unknown>, ctx: ReportContext): Promise<CommandOutcome> {
  const report = await ctx.reports.idle(ctx.clock.now(), askerAudience(ctx));
  return { reply: idleReply({ report, snoozeDays: ctx.snoozeDays }), outcome: 'ok', detail: `${report.findings.length} idle` };
}

export interface SnoozeResult {
  environment: string;
  until: Date;
  reply: Reply;
}

/**
 * The "Snooze" button's work, for the interaction handler to call once it has checked the clicker may act
 * on the environment (the same check as Stop): hides it from `/env idle` and digests for `snoozeDays`.
 */
export function idleSnoozer(deps: { store: Pick<NoticesStore, 'snooze'>; snoozeDays: number }): (environment: string, userId: string, now: Date) => SnoozeResult {
  return (environment, userId, now) => {
    const until = new Date(now.getTime() + deps.snoozeDays * DAY_MS);
    deps.store.snooze(environment, until, userId, now);
    return { environment, until, reply: snoozedReply(environment, until) };
  };
}
