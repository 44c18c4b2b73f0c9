import { afterHoursApprovalRequired, approvalRequired } from '../../domain/access/approvals.js';
import { MAX_EXTEND_MS } from '../../domain/command.js';
import type { Environment } from '../../domain/environments.js';
import { nextStop } from '../../domain/schedules/decide.js';
import { isUp } from '../../domain/schedules/schedule.js';
import { nextLocalTime, timeZoneOf } from '../../domain/schedules/resolve.js';
import { approvalFiledReply } from '../blocks/approval.js';
import { context, problemReply, section } from '../blocks/common.js';
import { EXTEND_ACTION, extensionText } from '../blocks/scheduler.js';
import { usageReply } from '../blocks/help.js';
import { HOME_EXTEND_ACTION } from '../blocks/home.js';
import { extendFormModal } from '../blocks/modals.js';
import { slackDayTime } from '../blocks/slack-date.js';
import type { CommandModule } from './command-module.js';
import { code } from '../blocks/format.js';

const EXTEND_HELP = {
  verb: 'extend',
  usage: '/env extend <env> [duration | until HH:MM]',
  summary: 'keep it up past its schedule (after hours, a lead approves); `until HH:MM` is in the schedule’s time zone; ending before the schedule parks it anyway, nothing is extended; with neither, a form asks',
  example: '/env extend staging-3 until 22:00',
};

/**
 * Keeps an environment up past its schedule. Going beyond its hours needs a lead's approval where the
 * policy's `after_hours_approval` says so; within them it is just noted.
 */
export const extendCommand: CommandModule<{ environment: string; durationMs: number | null; until: string | null }> = {
  verb: 'extend',
  typed: {
    help: EXTEND_HELP,
    parse(w) {
      const environment = w.name('the environment’s name');
      // Neither: the form asks (in Slack), or the answer says what is missing.
      if (w.left === 0) return { environment, durationMs: null, until: null };
      if (w.peek()?.toLowerCase() === 'until') {
        w.take();
        return { environment, durationMs: null, until: w.clockTime() };
      }
      return { environment, durationMs: w.duration(MAX_EXTEND_MS), until: null };
    },
  },
  // "Extend 1h" on a schedule warning and on the App Home.
  buttons: [EXTEND_ACTION, HOME_EXTEND_ACTION].map((actionId) => ({ actionId, text: (environment: string) => `extend ${environment} 1h` })),
  permission: ({ environment }) => ({ verb: 'extend', environment }),
  async run(command, ctx, env: Environment) {
    const { resolved, override } = await ctx.schedules.explain(env);
    if (!resolved.schedule) {
      return { reply: problemReply(`${code(env.name)} has no schedule, so nothing will park it.`, 'No extension is needed.'), environment: env.name, outcome: 'invalid' };
    }
    if (env.desired === 0) {
      return { reply: problemReply(`${code(env.name)} is parked.`, `${code(`/env start ${env.name}`)} brings it back; it then stays up until its next schedule edge.`), environment: env.name, outcome: 'invalid' };
    }
    const now = ctx.clock.now();
    if (command.durationMs === null && command.until === null) {
      if (!ctx.openModal) {
        // Only the demo console (and a test) has no modals: say where the form is, as `schedule … edit` does.
        const reply = usageReply('`extend` needs a duration such as 8h, or until HH:MM', EXTEND_HELP);
        const note = context(`The extension form opens in Slack; here, type ${code(`/env extend ${env.name} <duration>`)}.`);
        return { reply: { ...reply, blocks: [...reply.blocks, note] }, environment: env.name, outcome: 'invalid', detail: 'no duration' };
      }
      const parks = nextStop({ schedule: resolved.schedule, override }, now);
      const when = parks ? `Parks ${slackDayTime(parks.at)} (${parks.because === 'schedule' ? 'its schedule' : 'its extension'} ends).` : 'Its schedule does not park it soon.';
      await ctx.openModal(extendFormModal({ environment: env.name, parks: when, zone: timeZoneOf(resolved.schedule) }));
      return { reply: null, environment: env.name, outcome: 'ok', detail: 'opened the extension form' };
    }
    const zone = timeZoneOf(resolved.schedule);
    const until = command.until ? nextLocalTime(command.until, zone, now) : new Date(now.getTime() + (command.durationMs ?? 0));
    const scheduledStop = nextStop({ schedule: resolved.schedule, override: null }, now);
    // Up by its schedule until after the extension would end: an override would change nothing.
    if (isUp(resolved.schedule, now) && scheduledStop !== null && until <= scheduledStop.at) {
      const text = `${code(env.name)} is up until ${slackDayTime(scheduledStop.at)} by its schedule anyway; nothing to extend.`;
      return { reply: { text, blocks: [section(`:calendar: ${text}`)] }, environment: env.name, outcome: 'ok', detail: 'no-op: within its schedule' };
    }
    const outsideHours = !isUp(resolved.schedule, now) || (scheduledStop !== null && until > scheduledStop.at);
    if (approvalRequired(ctx.protect, 'extend', env.name) || (outsideHours && afterHoursApprovalRequired(ctx.protect, 'extend', env.name))) {
      const reply = approvalFiledReply(await ctx.approvals.request({ verb: 'extend', environment: env.name, params: { until: until.toISOString() }, requestedBy: ctx.subject.userId, channelId: ctx.channelId }));
      return { reply, environment: env.name, outcome: 'requested', detail: 'extension after hours needs approval' };
    }
    // `until 23:00` is read in the schedule's time zone: the answer names it.
    const text = extensionText(await ctx.schedules.extend(env.name, until, ctx.subject.userId, null), command.until ? `${command.until} ${zone}` : undefined);
    return { reply: { text, blocks: [section(`:calendar: ${text}`)] }, environment: env.name, outcome: 'ok', detail: text };
  },
};
