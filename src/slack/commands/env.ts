import { parseEnvCommand, type EnvCommand } from '../../domain/command.js';
import { hasAnyBinding, whoToAsk, type Subject } from '../../domain/permissions.js';
import { errorMessage, type Logger } from '../../log.js';
import type { AuditStore } from '../../store/audit-store.js';
import { noAccessReply } from '../blocks/access.js';
import { problemReply, type Reply } from '../blocks/common.js';
import { helpReply, usageReply } from '../blocks/help.js';
import type { Directory } from '../directory.js';
import type { CommandContext, CommandDeps, CommandOutcome } from './context.js';
import { listCommand } from './list.js';
import { refreshCommand } from './refresh.js';
import { statusCommand } from './status.js';

export interface EnvRequest {
  userId: string;
  channelId: string;
  text: string;
}

export interface EnvCommandHandlerDeps extends CommandDeps {
  directory: Directory;
  audit: AuditStore;
  logger: Logger;
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
  }
}

async function outcomeOf(request: EnvRequest, deps: EnvCommandHandlerDeps): Promise<CommandOutcome & { verb: string }> {
  const parsed = parseEnvCommand(request.text);
  if (!parsed.ok) {
    const reply = parsed.usage ? usageReply(parsed.problem, parsed.usage) : helpReply(`${parsed.problem}.`);
    return { verb: parsed.usage?.verb ?? 'unknown', reply, outcome: 'invalid', detail: parsed.problem };
  }
  const { command } = parsed;
  if (command.verb === 'help') return { verb: 'help', ...(await run(command, { ...deps, subject: { userId: request.userId, groupIds: [] } })) };
  const subject: Subject = { userId: request.userId, groupIds: await deps.directory.groupsOf(request.userId) };
  if (!hasAnyBinding(deps.access, subject)) {
    return { verb: command.verb, reply: noAccessReply(whoToAsk(deps.access, 'view', '*')), outcome: 'denied', detail: 'no binding' };
  }
  return { verb: command.verb, ...(await run(command, { ...deps, subject })) };
}

/**
 * Turns one `/env …` request into a reply, and records it in the audit trail whatever happens. The same
 * function serves Slack and the demo console, so both give the same answers.
 */
export async function handleEnvCommand(request: EnvRequest, deps: EnvCommandHandlerDeps): Promise<Reply> {
  const started = deps.clock.now();
  let result: CommandOutcome & { verb: string };
  try {
    result = await outcomeOf(request, deps);
  } catch (error) {
    deps.logger.error('command failed', { user: request.userId, text: request.text, error: errorMessage(error) });
    result = {
      verb: request.text.trim().split(/\s+/)[0] || 'help',
      reply: problemReply(`Something went wrong: ${errorMessage(error)}`, 'Nothing was changed. Try again, and tell your dockhand administrator if it keeps happening.'),
      outcome: 'error',
      detail: errorMessage(error),
    };
  }
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
  return result.reply;
}
