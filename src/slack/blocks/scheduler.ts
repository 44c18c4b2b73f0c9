import type { Environment } from '../../domain/environments.js';
import type { SchedulerAction } from '../../domain/schedules/decide.js';
import { blockId, clipText, confirmDialog, context, MAX_BLOCKS, MAX_BUTTON_VALUE, MAX_SECTION_TEXT, section, sectionsWithin, type KnownBlock, type Reply } from './common.js';
import type { Extension } from '../../domain/notices.js';
import { code, escapeMrkdwn, owner as ownerText, who, type OwnerMentions } from './format.js';
import { slackDayTime, slackTime } from './slack-date.js';

export const EXTEND_ACTION = 'schedule_extend_1h';
export const STOP_NOW_ACTION = 'schedule_stop_now';

function utc(at: Date): string {
  return slackTime(at);
}

const VERB: Record<SchedulerAction['kind'], string> = {
  park: 'parked',
  restore: 'restored',
  'announce-new': 'found up outside its hours',
  'report-external': 'started from outside dockhand',
  warn: 'warned',
  'end-override': 'override ended',
};

/** One message per tick: every environment the scheduler acted on, with the outcome. */
export function schedulerReportReply(at: Date, done: ReadonlyArray<{ environment: string; owner?: string | null; action: SchedulerAction; outcome: string }>, mentions?: OwnerMentions): Reply {
  const lines = done.map(({ environment, owner, action, outcome }) => {
    const reason = 'reason' in action ? ` (${escapeMrkdwn(action.reason)})` : '';
    // What the owner should hear about (found up, started from outside) names them.
    const notify = owner && (action.kind === 'announce-new' || action.kind === 'report-external') ? ` · owner ${ownerText(owner, mentions)}` : '';
    const failed = outcome.startsWith('failed') || outcome.startsWith('partial') || outcome.startsWith('skipped');
    return `${failed ? ':warning:' : ':calendar:'} ${code(environment)} ${VERB[action.kind]}${reason}: ${escapeMrkdwn(outcome)}${notify}`;
  });
  const head = `Schedule at ${utc(at)}: ${done.length} environment${done.length === 1 ? '' : 's'}`;
  const text = clipText(`${head}. ${done.map((d) => `${escapeMrkdwn(d.environment)} ${VERB[d.action.kind]}`).join(', ')}`, MAX_SECTION_TEXT);
  const listed = sectionsWithin(lines, MAX_BLOCKS - 1, (left) => `…and ${left} more environments: \`/env audit\` lists every schedule action.`);
  return { text, blocks: [section(`*${head}*`), ...listed] };
}

/** Sent before the schedule (or an extension) parks an environment, with the two things people want to do. */
export function warningReply(env: Environment, stopAt: Date, because: 'schedule' | 'override', mentions?: OwnerMentions): Reply {
  const owner = env.owner ? ` (owner: ${ownerText(env.owner, mentions)})` : '';
  const why = because === 'schedule' ? 'its schedule ends' : 'its extension ends';
  const text = `:alarm_clock: ${code(env.name)}${owner} will be parked at ${utc(stopAt)}: ${why}. ${env.running}/${env.desired} tasks are running.`;
  const actions: KnownBlock = {
    type: 'actions',
    block_id: blockId('schedule_warning_', env.name),
    elements: [
      { type: 'button', action_id: EXTEND_ACTION, text: { type: 'plain_text', text: 'Extend 1h' }, value: env.name.slice(0, MAX_BUTTON_VALUE) },
      {
        type: 'button',
        action_id: STOP_NOW_ACTION,
        style: 'danger',
        text: { type: 'plain_text', text: 'Stop now' },
        value: env.name.slice(0, MAX_BUTTON_VALUE),
        confirm: confirmDialog(`Stop ${env.name} now?`, `Every service of ${env.name} is scaled to 0 now (${env.running} tasks running), before its schedule would. Anyone using it loses it until it is started again.`, 'Stop now'),
      },
    ],
  };
  return { text: text.replace(/^:[a-z_]+: /, ''), blocks: [section(text), actions, context('Extending may need a lead’s approval after hours.')] };
}

/**
 * "`qa-2` stays up until <!date^…|2026-03-20 19:00 UTC> (approved by <@U1>)."; with the time as typed and the
 * zone it was read in: "`qa-2` stays up until 23:00 Europe/Berlin (<!date^…|2026-03-20 22:00 UTC>)."
 */
export function extensionText(extension: Extension, readAs?: string): string {
  const approver = extension.approvedBy ? ` (approved by ${who(extension.approvedBy)})` : '';
  const until = readAs ? `${escapeMrkdwn(readAs)} (${slackDayTime(extension.until)})` : slackDayTime(extension.until);
  return `${code(extension.environment)} stays up until ${until}${approver}.`;
}
