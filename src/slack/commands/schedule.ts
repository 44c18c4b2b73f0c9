import type { Environment } from '../../domain/environments.js';
import { describeSchedule } from '../../domain/schedules/schedule.js';
import { problemReply } from '../blocks/common.js';
import { scheduleExplanationReply } from '../blocks/schedule.js';
import type { CommandModule } from './command-module.js';
import { code } from '../blocks/format.js';

/** `/env schedule <env>` explains (needs view); with a spec, name, `off` or `default` it sets (needs schedule). */
export const scheduleCommand: CommandModule<{ environment: string; spec: string | null }> = {
  verb: 'schedule',
  typed: {
    help: { verb: 'schedule', usage: '/env schedule <env> [spec | name | off | default]', summary: 'show why an environment has its schedule, or set one', example: '/env schedule qa-2 weekdays 08:00-18:00 Europe/Berlin' },
    parse: (w) => ({ environment: w.name('the environment’s name'), spec: w.rest() }),
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
