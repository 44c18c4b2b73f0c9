import type { Environment } from '../../domain/environments.js';
import { describeSchedule } from '../../domain/schedules/schedule.js';
import { problemReply } from '../blocks/common.js';
import { scheduleExplanationReply } from '../blocks/schedule.js';
import type { CommandModule } from './command-module.js';
import { code } from '../blocks/format.js';

/** A spec typed in quotes or backticks, as the docs show specs: `"weekdays 08:00-18:00"` is that spec. */
const QUOTED = /^(["'`“”‘’])(.*)(["'`“”‘’])$/s;

function unquoted(spec: string | null): string | null {
  const match = spec === null ? null : QUOTED.exec(spec);
  return match ? (match[2] ?? '').trim() || null : spec;
}

/** `/env schedule <env>` explains (needs view); with a spec, name, `off` or `default` it sets (needs schedule). */
export const scheduleCommand: CommandModule<{ environment: string; spec: string | null }> = {
  verb: 'schedule',
  typed: {
    help: { verb: 'schedule', usage: '/env schedule <env> [spec | name | off | default]', summary: 'show why an environment has its schedule, or set one', example: '/env schedule qa-2 weekdays 08:00-18:00 Europe/Berlin' },
    parse: (w) => ({ environment: w.name('the environment’s name'), spec: unquoted(w.rest()) }),
  },
  permission: ({ environment, spec }) => ({ verb: spec === null ? 'view' : 'schedule', environment }),
  async run({ spec }, ctx, env: Environment) {
    if (spec === null) return { reply: scheduleExplanationReply(env.name, ctx.schedules.explain(env)), environment: env.name, outcome: 'ok' };
    const result = await ctx.schedules.setSchedule(env.name, spec, ctx.subject.userId);
    if (!result.ok) {
      return { reply: problemReply(`That schedule does not parse: ${result.problem}.`, `Example: ${code(`/env schedule ${env.name} ${result.example}`)}`), environment: env.name, outcome: 'invalid', detail: result.problem };
    }
    const now = result.resolved.schedule ? describeSchedule(result.resolved.schedule) : 'none';
    const reply = scheduleExplanationReply(env.name, ctx.schedules.explain(env));
    return { reply, environment: env.name, outcome: 'ok', detail: `schedule set to ${spec} (${now})` };
  },
};
