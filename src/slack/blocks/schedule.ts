import { describeSchedule } from '../../domain/schedules/schedule.js';
import type { ScheduleSource } from '../../domain/schedules/resolve.js';
import type { ScheduleExplanation } from '../../schedules/schedule-service.js';
import { context, section, type Reply } from './common.js';
import { code, escapeMrkdwn, who } from './format.js';
import { slackDay, slackDayTime } from './slack-date.js';

/** Where an environment's schedule came from, in words. */
export function explainSource(source: ScheduleSource): string {
  switch (source.kind) {
    case 'command':
      return `set with \`/env schedule\` by ${who(source.setBy)} on ${slackDay(source.setAt)}`;
    case 'tag':
      return `from the ${code(source.key)} tag on its services`;
    case 'default':
      return `the policy's default for ${source.environments.map(code).join(', ')}`;
    case 'none':
      return 'no rule gives it one';
  }
}

function at(date: Date): string {
  return slackDayTime(date);
}

/** One line for `/env list` and `/env status`: the schedule, the next thing it will do, any override. */
export function scheduleSummary(explanation: ScheduleExplanation): string {
  const { resolved, override, next } = explanation;
  if (resolved.problem) return `:warning: schedule ${escapeMrkdwn(resolved.problem)}`;
  if (!resolved.schedule) return resolved.text === 'off' ? 'schedule off' : 'no schedule';
  const name = resolved.schedule.name ?? describeSchedule(resolved.schedule);
  const nextText = next ? `, ${next.kind === 'down' ? 'parks' : 'starts'} ${at(next.at)}` : '';
  const overrideText = override ? ` · ${override.reason === 'extend' ? 'extended' : override.reason === 'external' ? 'started outside dockhand, left' : 'overridden'} ${override.kind} until ${at(override.until)}` : '';
  return `:calendar: ${escapeMrkdwn(name)}${nextText}${overrideText}`;
}

/** `/env schedule <env>`: which rule gave the environment its schedule, and what happens next. */
export function scheduleExplanationReply(environment: string, explanation: ScheduleExplanation): Reply {
  const { resolved } = explanation;
  const what = resolved.schedule ? code(describeSchedule(resolved.schedule)) : resolved.text === 'off' ? 'no schedule (off)' : 'no schedule';
  const text = `${code(environment)} follows ${what}: ${explainSource(resolved.source)}.`;
  return {
    text,
    blocks: [
      section(text),
      section(scheduleSummary(explanation)),
      context('Precedence: `/env schedule` › the schedule tag on its services › the policy’s defaults. `/env schedule &lt;env&gt; default` drops a setting.'),
    ],
  };
}
