import { cut, quoted } from '../../domain/bounded-text.js';
import { parseEnvCommand, type EnvCommand } from '../../domain/command.js';
import { hasAnyBinding, whoToAsk, type Subject } from '../../domain/access/permissions.js';
import { errorMessage, type Logger } from '../../log.js';
import { noAccessReply } from '../blocks/access.js';
import { problemReply, type Reply } from '../blocks/common.js';
import { helpReply, usageReply } from '../blocks/help.js';
import type { Directory } from '../directory.js';
import { approvalsCommand } from './approvals.js';
import { auditCommand } from './audit.js';
import type { CommandContext, CommandDeps, CommandOutcome } from './context.js';
import { costCommand } from './cost.js';
import { digestCommand } from './digest.js';
import { extendCommand } from './extend.js';
import { grantCommand, revokeCommand } from './grant.js';
import { idleCommand } from './idle.js';
import { listCommand } from './list.js';
import { operateCommand } from './operate.js';
import { refreshCommand } from './refresh.js';
import { scheduleCommand } from './schedule.js';
import { statusCommand } from './status.js';
import { whoCommand } from './who.js';
import { escapeMrkdwn } from '../blocks/format.js';

export interface EnvRequest {
  userId: string;
  channelId: string;
  text: string;
  respond?: ((reply: Reply) => Promise<void>) | undefined;
}

export interface EnvCommandHandlerDeps extends CommandDeps {
  directory: Directory;
  logger: Logger;
  /** Counts commands by verb and outcome. */
  metrics?: { command(verb: string, outcome: string): void };
}

function run(command: EnvCommand, ctx: CommandContext): CommandOutcome | Promise<CommandOutcome> {
  switch (command.verb) {
    case 'help':
      return { reply: helpReply(), outcome: 'ok' };
    case 'list':
      return listCommand(command.filter, ctx);
    case 'status':
      return statusCommand(command.environment, ctx);
    case 'refresh':
      return refreshCommand(ctx);
    case 'restart':
    case 'stop':
    case 'start':
    case 'scale':
      return operateCommand(command, ctx);
    case 'approvals':
      return approvalsCommand(ctx);
    case 'audit':
      return auditCommand(command.environment, ctx);
    case 'grant':
      return grantCommand(command, ctx);
    case 'revoke':
      return revokeCommand(command, ctx);
    case 'schedule':
      return scheduleCommand(command, ctx);
    case 'extend':
      return extendCommand(command, ctx);
    case 'cost':
      return costCommand(command, { ...ctx, ...ctx.visibility });
    case 'idle':
      return idleCommand({}, { ...ctx, ...ctx.visibility });
    case 'who':
      return whoCommand(command, { ...ctx, ...ctx.visibility });
    case 'digest':
      return digestCommand(command, { ...ctx, ...ctx.visibility });
  }
}

function environmentOf(command: EnvCommand): string | null {
  return 'environment' in command ? command.environment : null;
}

async function outcomeOf(request: EnvRequest, deps: EnvCommandHandlerDeps): Promise<CommandOutcome & { verb: string }> {
  const parsed = parseEnvCommand(request.text);
  if (!parsed.ok) {
    const reply = parsed.usage ? usageReply(parsed.problem, parsed.usage) : helpReply(`${parsed.problem}.`);
    return { verb: parsed.usage?.verb ?? 'unknown', reply, outcome: 'invalid', detail: parsed.problem };
  }
  const { command } = parsed;
  if (command.verb === 'help') return { verb: 'help', reply: helpReply(), outcome: 'ok' };
  const subject: Subject = { userId: request.userId, groupIds: await deps.directory.groupsOf(request.userId) };
  // The policy plus the grants active now, read once per request however often the command asks.
  const access = deps.access();
  if (!hasAnyBinding(access, subject)) {
    return { verb: command.verb, environment: environmentOf(command), reply: noAccessReply(whoToAsk(access, 'view', '*')), outcome: 'denied', detail: 'no binding' };
  }
  const ctx: CommandContext = { ...deps, access: () => access, subject, channelId: request.channelId, respond: request.respond };
  return { verb: command.verb, environment: environmentOf(command), ...(await run(command, ctx)) };
}

/**
 * Turns one `/env …` request into a reply (or null when the command answered in the channel itself), and
 * records it in the audit trail whatever happens. The same function serves Slack and the demo console.
 */
export async function handleEnvCommand(request: EnvRequest, deps: EnvCommandHandlerDeps): Promise<Reply | null> {
  const started = deps.clock.now();
  let result: CommandOutcome & { verb: string };
  try {
    result = await outcomeOf(request, deps);
  } catch (error) {
    deps.logger.error('command failed', { user: request.userId, text: cut(request.text), error: cut(errorMessage(error)) });
    result = {
      verb: quoted(request.text.slice(0, 64).trim().split(/\s+/)[0] || 'help'),
      reply: problemReply(`Something went wrong: ${escapeMrkdwn(cut(errorMessage(error)))}`, 'Nothing more was changed. Try again, and tell your dockhand administrator if it keeps happening.'),
      outcome: 'error',
      detail: errorMessage(error),
    };
  }
  // The store cuts every text to a bounded prefix; the reply never repeats the command in full either.
  deps.audit.record({
    at: started.toISOString(),
    actor: request.userId,
    verb: result.verb,
    environment: result.environment ?? null,
    params: { text: request.text, channel: request.channelId },
    outcome: result.outcome,
    detail: result.detail ?? null,
    durationMs: deps.clock.now().getTime() - started.getTime(),
  });
  deps.metrics?.command(result.verb, result.outcome);
  return result.reply;
}
