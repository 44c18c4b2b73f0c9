import { cut, quoted, unescapeMrkdwn } from '../../domain/bounded-text.js';
import { hasAnyBinding, whoToAsk, type AccessPolicy, type Subject } from '../../domain/access/permissions.js';
import { MAX_COMMAND_LENGTH } from '../../domain/command.js';
import { errorMessage, type Logger } from '../../log.js';
import { noAccessReply } from '../blocks/access.js';
import { problemReply, type Reply } from '../blocks/common.js';
import { unknownVerbReply, usageReply } from '../blocks/help.js';
import type { Directory } from '../directory.js';
import { namedEnvironment, type CommandModule } from './command-module.js';
import type { CommandContext, CommandDeps, CommandOutcome } from './context.js';
import { authorizedEnvironment } from './environment.js';
import { parseEnvCommand, typedCommand } from './registry.js';
import { escapeMrkdwn } from '../blocks/format.js';

/**
 * The one pipeline every command goes through, typed or clicked: parse → authorise → run → audit. The
 * permission check and its refusal are in `runCommand`; the audit row is written here, once per request.
 */

export interface EnvRequest {
  userId: string;
  channelId: string;
  text: string;
  respond?: ((reply: Reply) => Promise<void>) | undefined;
  /** Opens a modal with the request's trigger id (Slack only). */
  openModal?: CommandContext['openModal'];
}

/** A click on a button that invokes a verb nobody types (Snooze, Approve), or the deny modal's submission. */
export type ClickRequest = Omit<EnvRequest, 'text'>;

export interface EnvCommandHandlerDeps extends CommandDeps {
  directory: Directory;
  logger: Logger;
  /** Counts commands by verb and outcome. */
  metrics?: { command(verb: string, outcome: string): void };
}

/**
 * Authorise → run: checks the permission the module names (an environment the asker cannot view is
 * answered as one that does not exist), then runs it on the environment found.
 */
export function runCommand<Args extends object>(module: CommandModule<Args>, args: Args, ctx: CommandContext): CommandOutcome | Promise<CommandOutcome> {
  const needs = module.permission(args);
  if (!needs) return module.run(args, ctx, null);
  const found = authorizedEnvironment(needs.environment, needs.verb, ctx);
  if ('refusal' in found) return found.refusal;
  return module.run(args, ctx, found.env);
}

/** The asker with their groups, and the policy plus the grants active now, read once per request however often the command asks. */
async function contextFor(request: ClickRequest, deps: EnvCommandHandlerDeps, freshGroups = false): Promise<CommandContext> {
  const subject: Subject = { userId: request.userId, groupIds: await deps.directory.groupsOf(request.userId, { fresh: freshGroups }) };
  return requestContext(deps, await deps.access(), subject, request);
}

/**
 * The deps plus what is the request's own. The deps are the context's prototype rather than copied into it:
 * a copy of their thirty fields was the largest allocation of every command (bench/README.md). Nothing
 * spreads a context, which would drop what the prototype holds.
 */
function requestContext(deps: EnvCommandHandlerDeps, access: AccessPolicy, subject: Subject, request: ClickRequest): CommandContext {
  const ctx = Object.create(deps) as CommandContext & { -readonly [K in keyof CommandContext]: CommandContext[K] };
  ctx.access = () => access;
  ctx.subject = subject;
  ctx.channelId = request.channelId;
  ctx.respond = request.respond;
  ctx.openModal = request.openModal;
  return ctx;
}

async function outcomeOf(request: EnvRequest, deps: EnvCommandHandlerDeps): Promise<CommandOutcome & { verb: string }> {
  const parsed = parseEnvCommand(request.text);
  if (!parsed.ok) {
    // An over-long command gets the problem alone: the help text grows with every verb, the answer must stay small.
    const tooLong = request.text.length > MAX_COMMAND_LENGTH;
    const reply = parsed.usage ? usageReply(parsed.problem, parsed.usage) : tooLong ? problemReply(`${parsed.problem}.`, 'See `/env help` for the commands.') : unknownVerbReply(parsed.problem, parsed.suggestions ?? []);
    // The audit row holds the problem as text: the trail escapes it when it shows it.
    return { verb: parsed.usage?.verb ?? 'unknown', reply, outcome: 'invalid', detail: unescapeMrkdwn(parsed.problem) };
  }
  const { command } = parsed;
  const module = typedCommand(command.verb);
  if (!module) throw new Error(`no module for ${command.verb}`);
  const environment = namedEnvironment(command);
  if (module.public) {
    const ctx = requestContext(deps, await deps.access(), { userId: request.userId, groupIds: [] }, { ...request, openModal: undefined });
    return { verb: command.verb, environment, ...(await runCommand(module, command, ctx)) };
  }
  return { verb: command.verb, environment, ...(await runWithBinding(module, command, await contextFor(request, deps))) };
}

/** Someone with no role at all is told so (and whom to ask) before any verb is looked at. */
async function runWithBinding<Args extends object>(module: CommandModule<Args>, args: Args, ctx: CommandContext): Promise<CommandOutcome> {
  const access = ctx.access();
  if (!hasAnyBinding(access, ctx.subject)) return { reply: noAccessReply(whoToAsk(access, 'view', '*')), outcome: 'denied', detail: 'no binding' };
  return runCommand(module, args, ctx);
}

/** What a command or click that threw answers: nothing more was changed, and the error is recorded. */
function failedOutcome(error: unknown): CommandOutcome {
  return {
    reply: problemReply(`Something went wrong: ${escapeMrkdwn(cut(errorMessage(error)))}`, 'Nothing more was changed. Try again, and tell your dockhand administrator if it keeps happening.'),
    outcome: 'error',
    detail: errorMessage(error),
  };
}

/**
 * Turns one `/env …` request into a reply (or null when the command answered in the channel itself), and
 * records it in the audit trail whatever happens. The same function serves Slack, the buttons that stand
 * for a typed command, and the demo console.
 */
export async function handleEnvCommand(request: EnvRequest, deps: EnvCommandHandlerDeps): Promise<Reply | null> {
  const started = deps.clock.now();
  let result: CommandOutcome & { verb: string };
  try {
    result = await outcomeOf(request, deps);
  } catch (error) {
    deps.logger.error('command failed', { user: request.userId, text: cut(request.text), error: cut(errorMessage(error)) });
    result = { verb: quoted(request.text.slice(0, 64).trim().split(/\s+/)[0] || 'help'), ...failedOutcome(error) };
  }
  // The store cuts every text to a bounded prefix; the reply never repeats the command in full either.
  await deps.audit.record({
    at: started.toISOString(),
    actor: request.userId,
    verb: result.verb,
    environment: result.environment ?? null,
    params: { text: request.text, channel: request.channelId },
    outcome: result.outcome,
    detail: result.detail ?? null,
    durationMs: deps.clock.now().getTime() - started.getTime(),
  });
  // Only verbs someone can type are labels, so whatever is typed cannot grow the number of series.
  deps.metrics?.command(typedCommand(result.verb) ? result.verb : 'unknown', result.outcome);
  return result.reply;
}

/**
 * A verb only buttons invoke (Snooze, Approve, the deny modal): the same authorise → run, and the audit row
 * says what the click did (its params are the command's, not a typed text) unless the service it calls
 * records its own.
 */
export async function handleClickedCommand<Args extends object>(module: CommandModule<Args>, args: Args, request: ClickRequest, deps: EnvCommandHandlerDeps): Promise<Reply | null> {
  let result: CommandOutcome;
  // A service that records its own rows (approvals) did so only if it ran: a failure before or in it is recorded here.
  let recorded = false;
  try {
    // Approve and Deny read the clicker's groups from Slack now: one just removed from the approvers' group must not count.
    const ctx = await contextFor(request, deps, module.audits === 'service');
    if (module.audits === 'service') {
      // Approve and Deny: the service judges the clicker itself (an approver whose grant just ended is "not counted").
      result = await runCommand(module, args, ctx);
      recorded = true;
    } else {
      result = await runWithBinding(module, args, ctx);
    }
  } catch (error) {
    deps.logger.error('button failed', { user: request.userId, verb: module.verb, error: cut(errorMessage(error)) });
    result = failedOutcome(error);
  }
  if (!recorded) {
    await deps.audit.record({
      at: deps.clock.now().toISOString(),
      actor: request.userId,
      verb: module.verb,
      environment: result.environment ?? namedEnvironment(args),
      params: result.params ?? {},
      outcome: result.outcome,
      detail: result.detail ?? null,
      durationMs: null,
    });
  }
  return result.reply;
}

/**
 * A click whose value is longer than Slack sends (forged): refused before the value is read, answered with its
 * length only, and audited as an invalid command of the verb the button stands for.
 */
export async function refuseOversizedClick(verb: string, oversized: { length: number; limit: number }, request: ClickRequest, deps: EnvCommandHandlerDeps): Promise<Reply> {
  const problem = `That button carried a value of ${oversized.length} characters; dockhand reads at most ${oversized.limit}.`;
  await deps.audit.record({
    at: deps.clock.now().toISOString(),
    actor: request.userId,
    verb,
    environment: null,
    params: { channel: request.channelId, valueLength: oversized.length },
    outcome: 'invalid',
    detail: `a button value of ${oversized.length} characters (at most ${oversized.limit})`,
    durationMs: null,
  });
  return problemReply(problem, 'Nothing was done: use the buttons on dockhand’s own messages, or type the command.');
}
