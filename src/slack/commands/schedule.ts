import type { EnvCommand } from '../../domain/command.js';
import { describeSchedule } from '../../domain/schedules/schedule.js';
import { problemReply } from '../blocks/common.js';
import { scheduleExplanationReply } from '../blocks/schedule.js';
import type { CommandContext, CommandOutcome } from './context.js';
import { authorizedEnvironment } from './environment.js';
import { code } from '../blocks/format.js';

/** `/env schedule <env>` explains (needs view); with a spec, name, `off` or `default` it sets (needs schedule). */
export async function scheduleCommand(command: Extract<EnvCommand, { verb: 'schedule' }>, ctx: CommandContext): Promise<CommandOutcome> {
  const found = authorizedEnvironment(command.environment, command.spec === null ? 'view' : 'schedule', ctx);
  if ('refusal' in found) return found.refusal;
  const { env } = found;
  if (command.spec === null) return { reply: scheduleExplanationReply(env.name, ctx.scheduler.explain(env)), environment: env.name, outcome: 'ok' };

  const result = await ctx.scheduler.setSchedule(env.name, command.spec, ctx.subject.userId);
  if (!result.ok) {
    return { reply: problemReply(`That schedule does not parse: ${result.problem}.`, `Example: ${code(`/env schedule ${env.name} ${result.example}`)}`), environment: env.name, outcome: 'invalid', detail: result.problem };
  }
  const now = result.resolved.schedule ? describeSchedule(result.resolved.schedule) : 'none';
  const reply = scheduleExplanationReply(env.name, ctx.scheduler.explain(env));
  return { reply, environment: env.name, outcome: 'ok', detail: `schedule set to ${command.spec} (${now})` };
}
