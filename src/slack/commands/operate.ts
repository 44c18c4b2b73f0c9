import { approvalRequired } from '../../domain/access/approvals.js';
import type { EnvCommand } from '../../domain/command.js';
import { closestNames } from '../../domain/suggest.js';
import { approvalFiledReply } from '../blocks/approval.js';
import { problemReply, section } from '../blocks/common.js';
import { busyText, operationReply } from '../blocks/operation.js';
import type { CommandContext, CommandOutcome } from './context.js';
import { authorizedEnvironment } from './environment.js';
import { code, escapeMrkdwn } from '../blocks/format.js';

type OperateCommand = Extract<EnvCommand, { verb: 'restart' | 'stop' | 'start' | 'scale' }>;

/**
 * restart, stop, start and scale: permission first, then approval where the policy protects the
 * environment, then the operation itself, whose progress is one message in the channel.
 */
export async function operateCommand(command: OperateCommand, ctx: CommandContext): Promise<CommandOutcome> {
  const found = authorizedEnvironment(command.environment, command.verb, ctx);
  if ('refusal' in found) return found.refusal;
  const { env } = found;
  const service = 'service' in command ? command.service : null;
  const count = command.verb === 'scale' ? command.count : null;

  if (service && !env.services.some((s) => s.name === service)) {
    const names = env.services.map((s) => s.name);
    const hint = closestNames(service, names);
    return {
      reply: problemReply(
        `${code(env.name)} has no service called ${code(service)}.`,
        `${hint.length > 0 ? `Did you mean ${hint.map(code).join(', ')}? ` : ''}Its services: ${escapeMrkdwn(names.join(', '))}.`,
      ),
      environment: env.name,
      outcome: 'not-found',
    };
  }

  // dockhand itself set a parked environment's bounds to 0–0: scaling it would only fail against them.
  if (command.verb === 'scale' && ctx.fleet.parkedEnvironments().has(env.name)) {
    const text = `\`${env.name}\` is parked; \`/env start ${env.name}\` brings it back.`;
    return { reply: { text, blocks: [section(`:zzz: ${text}`)] }, environment: env.name, outcome: 'invalid', detail: 'parked' };
  }

  if (approvalRequired(ctx.protect, command.verb, env.name)) {
    const reply = approvalFiledReply(await ctx.approvals.request({ verb: command.verb, environment: env.name, params: { service, count }, requestedBy: ctx.subject.userId, channelId: ctx.channelId }));
    return { reply, environment: env.name, outcome: 'requested', detail: 'needs approval' };
  }

  const { respond } = ctx;
  const result = await ctx.launcher.launch(
    { verb: command.verb, environment: env, service, count, requestedBy: ctx.subject.userId, approvedBy: null, channelId: ctx.channelId },
    respond && ((operation) => respond(operationReply(operation))),
  );
  if (result.kind === 'busy') {
    const text = busyText(result.running, ctx.clock.now());
    return { reply: { text, blocks: [section(`:no_entry_sign: ${text}`)] }, environment: env.name, outcome: 'busy', detail: `operation #${result.running.id} running` };
  }
  const { operation } = result;
  const outcome = operation.status === 'succeeded' ? 'ok' : operation.status === 'partial' ? 'partial' : 'error';
  return { reply: null, environment: env.name, outcome, detail: `operation #${operation.id}: ${operation.summary}` };
}
