/** The `/env` grammar: pure parsing of what someone typed into a command, or a message saying what was wrong. */

export type EnvCommand =
  | { verb: 'help' }
  | { verb: 'list'; filter: string | null }
  | { verb: 'status'; environment: string }
  | { verb: 'refresh' };

export type ParsedCommand =
  | { ok: true; command: EnvCommand }
  | { ok: false; problem: string; usage: CommandHelp | null };

export interface CommandHelp {
  verb: EnvCommand['verb'];
  usage: string;
  summary: string;
  example: string;
}

export const COMMAND_HELP: readonly CommandHelp[] = [
  { verb: 'list', usage: '/env list [glob]', summary: 'every environment you can see: state, tasks, tier, owner', example: '/env list staging-*' },
  { verb: 'status', usage: '/env status <env>', summary: 'one environment, service by service, with recent ECS events', example: '/env status staging-3' },
  { verb: 'refresh', usage: '/env refresh', summary: 'read the fleet from AWS now instead of waiting for the next refresh', example: '/env refresh' },
  { verb: 'help', usage: '/env help', summary: 'this help', example: '/env help' },
];

const ENVIRONMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const GLOB = /^[A-Za-z0-9._*?\-[\]{},]{1,128}$/;

function helpFor(verb: EnvCommand['verb']): CommandHelp {
  const help = COMMAND_HELP.find((entry) => entry.verb === verb);
  if (!help) throw new Error(`no help entry for ${verb}`);
  return help;
}

function usageError(verb: EnvCommand['verb'], problem: string): ParsedCommand {
  return { ok: false, problem, usage: helpFor(verb) };
}

export function parseEnvCommand(text: string): ParsedCommand {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const [first, ...args] = words;
  const verb = first?.toLowerCase();
  switch (verb) {
    case undefined:
    case 'help':
    case '-h':
    case '--help':
      return { ok: true, command: { verb: 'help' } };
    case 'list':
    case 'ls': {
      if (args.length > 1) return usageError('list', `\`list\` takes at most one glob, got ${args.length} words`);
      const filter = args[0] ?? null;
      if (filter !== null && !GLOB.test(filter)) return usageError('list', `\`${filter}\` is not an environment glob`);
      return { ok: true, command: { verb: 'list', filter } };
    }
    case 'status': {
      const [environment, ...extra] = args;
      if (!environment) return usageError('status', '`status` needs the environment’s name');
      if (extra.length > 0) return usageError('status', `\`status\` takes one environment, got extra words: ${extra.join(' ')}`);
      if (!ENVIRONMENT_NAME.test(environment)) return usageError('status', `\`${environment}\` is not a valid environment name`);
      return { ok: true, command: { verb: 'status', environment } };
    }
    case 'refresh':
      if (args.length > 0) return usageError('refresh', '`refresh` takes no arguments');
      return { ok: true, command: { verb: 'refresh' } };
    default:
      return { ok: false, problem: `\`${first}\` is not a dockhand command`, usage: null };
  }
}
