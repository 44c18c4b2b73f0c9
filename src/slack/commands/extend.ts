import { afterHoursApprovalRequired, approvalRequired } from '../../domain/access/approvals.js';
import { MAX_EXTEND_MS } from '../../domain/command.js';
import type { Environment } from '../../domain/environments.js';
import { nextStop } from '../../domain/schedules/decide.js';
import { isUp } from '../../domain/schedules/schedule.js';
import { nextLocalTime, timeZoneOf } from '../../domain/schedules/resolve.js';
import { approvalFiledReply } from '../blocks/approval.js';
import { problemReply, section } from '../blocks/common.js';
import { EXTEND_ACTION, extensionText } from '../blocks/scheduler.js';
import type { CommandModule } from './command-module.js';
import { code } from '../blocks/format.js';

/**
 * Keeps an environment up past its schedule. Going beyond its hours needs a lead's approval where the
 * policy's `after_hours_approval` says so; within them it is just noted.
 */
export const extendCommand: CommandModule<{ environment: string; durationMs: number | null; until: string | null }> = {
  verb: 'extend',
  typed: {
    help: { verb: 'extend', usage: '/env extend <env> <duration | until HH:MM>', summary: 'keep it up past its schedule (after hours, a lead approves)', example: '/env extend staging-3 until 22:00' },
    parse(w) {
      const environment = w.name('the environment’s name');
      if (w.peek()?.toLowerCase() === 'until') {
        w.take();
        return { environment, durationMs: null, until: w.clockTime() };
      }
      return { environment, durationMs: w.duration(MAX_EXTEND_MS), until: null };
    },
  },
  // "Extend 1h" on a schedule warning.
  buttons: [{ actionId: EXTEND_ACTION, text: (environment) => `extend ${environment} 1h` }],
  permission: ({ environment }) => ({ verb: 'extend', environment }),
  async run(command, ctx, env: Environment) {
    const { resolved } = ctx.schedules.explain(env);
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
    const text = extensionText(await ctx.schedules.extend(env.name, until, ctx.subject.userId, null));
    return { reply: { text, blocks: [section(`:calendar: ${text}`)] }, environment: env.name, outcome: 'ok', detail: text };
  },
};
