import { parseCommand, type CommandHelp, type ParsedCommand, type VerbGrammar } from '../../domain/command.js';
import { helpReply } from '../blocks/help.js';
import { approvalsCommand } from './approvals.js';
import { auditCommand } from './audit.js';
import type { ClickButton, CommandModule, TypedButton } from './command-module.js';
import { costCommand } from './cost.js';
import { approveCommand, denyCommand } from './decide.js';
import { digestCommand } from './digest.js';
import { extendCommand } from './extend.js';
import { grantCommand, revokeCommand } from './grant.js';
import { idleCommand, snoozeCommand } from './idle.js';
import { listCommand } from './list.js';
import { logsCommand } from './logs.js';
import { restartCommand, scaleCommand, startCommand, stopCommand } from './operate.js';
import { refreshCommand } from './refresh.js';
import { scheduleCommand } from './schedule.js';
import { statusCommand } from './status.js';
import { versionCommand } from './version.js';
import { whoCommand } from './who.js';
import { whyCommand } from './why.js';

/** `/env help`: the help lines of every typed verb, in the registry's order. */
const helpCommand: CommandModule = {
  verb: 'help',
  typed: {
    aliases: ['-h', '--help'],
    help: { verb: 'help', usage: '/env help', summary: 'this help', example: '/env help' },
    parse: () => ({}),
  },
  public: true,
  permission: () => null,
  run: () => ({ reply: helpReply(COMMAND_HELP), outcome: 'ok' }),
};

/**
 * Every verb dockhand knows, in the order `/env help` lists them. `/env`, the help text, the metrics' verb
 * labels and the buttons all read this list: a new verb is its module plus one line here.
 */
export const COMMANDS: readonly CommandModule[] = [
  listCommand,
  statusCommand,
  whyCommand,
  logsCommand,
  restartCommand,
  stopCommand,
  startCommand,
  scaleCommand,
  scheduleCommand,
  extendCommand,
  costCommand,
  idleCommand,
  whoCommand,
  digestCommand,
  approvalsCommand,
  auditCommand,
  grantCommand,
  revokeCommand,
  refreshCommand,
  versionCommand,
  helpCommand,
  snoozeCommand,
  approveCommand,
  denyCommand,
];

const TYPED: readonly (VerbGrammar<object> & { module: CommandModule })[] = COMMANDS.flatMap((module) => (module.typed ? [{ verb: module.verb, ...module.typed, module }] : []));

/** The help line of every verb someone can type. */
export const COMMAND_HELP: readonly CommandHelp[] = TYPED.map((grammar) => grammar.help);

/** Parses what someone typed after `/env` (pure): the command and its arguments, or what was wrong. */
export function parseEnvCommand(text: string): ParsedCommand {
  return parseCommand(text, TYPED);
}

/** The module of a verb someone can type (not of one only buttons invoke). */
export function typedCommand(verb: string): CommandModule | null {
  return TYPED.find((grammar) => grammar.verb === verb)?.module ?? null;
}

export type RegisteredButton = { module: CommandModule } & (TypedButton | ClickButton<object>);

/** Every button that invokes a command, with the module it invokes. */
export const COMMAND_BUTTONS: readonly RegisteredButton[] = COMMANDS.flatMap((module) => (module.buttons ?? []).map((button) => ({ module, ...button })));
