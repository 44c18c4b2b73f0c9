import { afterHoursApprovalRequired, approvalRequired } from '../../domain/access/approvals.js';
import type { EnvCommand } from '../../domain/command.js';
import { nextStop } from '../../domain/schedules/decide.js';
import { isUp } from '../../domain/schedules/schedule.js';
import { nextLocalTime, timeZoneOf } from '../../domain/schedules/resolve.js';
import { approvalFiledReply } from '../blocks/approval.js';
import { problemReply, section } from '../blocks/common.js';
import { extensionText } from '../blocks/scheduler.js';
import type { CommandContext, CommandOutcome } from './context.js';
import { authorizedEnvironment } from './environment.js';
import { code } from '../blocks/format.js';

/**
 * Keeps an environment up past its schedule. Going beyond its hours needs a lead's approval where the
 * policy's `after_hours_approval` says so; within them it is just noted.
 */
export async function extendCommand(command: Extract<EnvCommand, { verb: 'extend' }>, ctx: CommandContext): Promise<CommandOutcome> {
  const found = authorizedEnvironment(command.environment, 'extend', ctx);
  if ('refusal' in found) return found.refusal;
  const { env } = found;
  const { resolved } = ctx.scheduler.explain(env);
  if (!resolved.schedule) {
    return { reply: problemReply(`${code(env.name)} has no schedule, so nothing will park it.`, 'No extension is needed.'), environment: env.name, outcome: 'invalid' };
  }
  if (env.desired === 0) {
    return { reply: problemReply(`${code(env.name)} is parked.`, `${code(`/env start ${env.name}`)} brings it back; it then stays up until its next schedule edge.`), environment: env.name, outcome: 'invalid' };
  }
  const now = ctx.clock.now();
  const until = command.until ? nextLocalTime(command.until, timeZoneOf(resolved.schedule), now) : new Date(now.getTime() + (command.durationMs ?? 0));
  const scheduledStop = nextStop({ schedule: resolved.schedule, override: null }, now);
  const outsideHours = !isUp(resolved.schedule, now) || (scheduledStop !== null && until > scheduledStop.at);
  if (approvalRequired(ctx.protect, 'extend', env.name) || (outsideHours && afterHoursApprovalRequired(ctx.protect, 'extend', env.name))) {
    const reply = approvalFiledReply(await ctx.approvals.request({ verb: 'extend', environment: env.name, params: { until: until.toISOString() }, requestedBy: ctx.subject.userId, channelId: ctx.channelId }));
    return { reply, environment: env.name, outcome: 'requested', detail: 'extension after hours needs approval' };
  }
  const text = extensionText(await ctx.scheduler.extend(env.name, until, ctx.subject.userId, null));
  return { reply: { text, blocks: [section(`:calendar: ${text}`)] }, environment: env.name, outcome: 'ok', detail: text };
}
