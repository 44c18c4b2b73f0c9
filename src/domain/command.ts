import { quoted } from './bounded-text.js';
import { COST_PERIODS, DEFAULT_COST_PERIOD, type CostPeriod } from './cost/report.js';
import { formatDuration, parseDuration } from './duration.js';
import { userGlobProblem } from './glob.js';

/** The `/env` grammar: pure parsing of what someone typed into a command, or a message saying what was wrong. */

export type EnvCommand =
  | { verb: 'help' }
  | { verb: 'list'; filter: string | null }
  | { verb: 'status'; environment: string }
  | { verb: 'refresh' }
  | { verb: 'restart'; environment: string; service: string | null }
  | { verb: 'stop'; environment: string }
  | { verb: 'start'; environment: string }
  | { verb: 'scale'; environment: string; service: string; count: number }
  | { verb: 'approvals' }
  | { verb: 'grant'; userId: string; role: string; glob: string; durationMs: number }
  | { verb: 'revoke'; userId: string; role: string | null; glob: string | null }
  | { verb: 'audit'; environment: string | null }
  | { verb: 'schedule'; environment: string; spec: string | null }
  | { verb: 'extend'; environment: string; durationMs: number | null; until: string | null }
  | { verb: 'cost'; environment: string | null; period: CostPeriod }
  | { verb: 'idle' }
  | { verb: 'who'; environment: string | null; window: WhoWindow }
  | { verb: 'digest'; action: 'preview' };

export const WHO_WINDOWS = ['24h', '7d'] as const;
export type WhoWindow = (typeof WHO_WINDOWS)[number];

export type CommandVerb = EnvCommand['verb'];

export type ParsedCommand =
  | { ok: true; command: EnvCommand }
  | { ok: false; problem: string; usage: CommandHelp | null };

export interface CommandHelp {
  verb: CommandVerb;
  usage: string;
  summary: string;
  example: string;
}

export const MAX_SCALE = 1000;
export const MAX_GRANT_MS = 30 * 86_400_000;
export const MAX_EXTEND_MS = 7 * 86_400_000;

export const COMMAND_HELP: readonly CommandHelp[] = [
  { verb: 'list', usage: '/env list [glob]', summary: 'every environment you can see: state, tasks, tier, owner', example: '/env list staging-*' },
  { verb: 'status', usage: '/env status <env>', summary: 'one environment, service by service, with recent ECS events', example: '/env status staging-3' },
  { verb: 'restart', usage: '/env restart <env> [service]', summary: 'a fresh deployment of every service (or one); briefly runs up to 2× the tasks', example: '/env restart staging-3 api' },
  { verb: 'stop', usage: '/env stop <env>', summary: 'park it: desired counts and autoscaling bounds are saved, then set to 0', example: '/env stop qa-2' },
  { verb: 'start', usage: '/env start <env>', summary: 'bring a parked environment back exactly as it was', example: '/env start qa-2' },
  { verb: 'scale', usage: '/env scale <env> <service> <count>', summary: 'set a service’s desired count, within its autoscaling bounds', example: '/env scale staging-3 api 3' },
  { verb: 'schedule', usage: '/env schedule <env> [spec | name | off | default]', summary: 'show why an environment has its schedule, or set one', example: '/env schedule qa-2 weekdays 08:00-18:00 Europe/Berlin' },
  { verb: 'extend', usage: '/env extend <env> <duration | until HH:MM>', summary: 'keep it up past its schedule (after hours, a lead approves)', example: '/env extend staging-3 until 22:00' },
  { verb: 'cost', usage: '/env cost [env] [7d|30d|mtd]', summary: 'estimated and billed cost, the trend, and what schedules saved', example: '/env cost staging-3 30d' },
  { verb: 'idle', usage: '/env idle', summary: 'idle and orphaned environments, ranked by what they cost a month', example: '/env idle' },
  { verb: 'who', usage: '/env who <env|all> [24h|7d]', summary: 'who changed what in ECS, from CloudTrail', example: '/env who staging-3 7d' },
  { verb: 'digest', usage: '/env digest preview', summary: 'the daily digest, now, just for you', example: '/env digest preview' },
  { verb: 'approvals', usage: '/env approvals', summary: 'requests waiting for someone to approve them', example: '/env approvals' },
  { verb: 'audit', usage: '/env audit [env]', summary: 'who asked dockhand to do what, and what came of it', example: '/env audit staging-3' },
  { verb: 'grant', usage: '/env grant @user <role> <env-glob> <duration>', summary: 'give someone a role for a while, within what you hold yourself on every environment of the glob', example: '/env grant @maria developer staging-* 8h' },
  { verb: 'revoke', usage: '/env revoke @user [<role> <env-glob>]', summary: 'end someone’s time-boxed grants early (admins)', example: '/env revoke @maria' },
  { verb: 'refresh', usage: '/env refresh', summary: 'read the fleet from AWS now instead of waiting for the next refresh', example: '/env refresh' },
  { verb: 'help', usage: '/env help', summary: 'this help', example: '/env help' },
];

/** Longer commands are refused before they are parsed (Slack itself sends at most a few thousand). */
export const MAX_COMMAND_LENGTH = 1000;

/** Environment names are tag values: letters, digits and `. _ - / : + = @` (e.g. `team/app`). */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._\-/:+=@]{0,255}$/;
const ROLE = /^[A-Za-z0-9_-]{1,64}$/;
/** Slack sends mentions escaped as <@U123|name> (should_escape in the manifest); a bare id works too. */
const MENTION = /^(?:<@([UW][A-Z0-9]+)(?:\|[^>]*)?>|([UW][A-Z0-9]{2,}))$/;

export function helpFor(verb: CommandVerb): CommandHelp {
  const help = COMMAND_HELP.find((entry) => entry.verb === verb);
  if (!help) throw new Error(`no help entry for ${verb}`);
  return help;
}

class UsageError extends Error {}

/** Reads positional words, each check throwing a UsageError that names the word and what was expected. */
class Words {
  constructor(
    private readonly verb: CommandVerb,
    private readonly words: string[],
  ) {}

  private next(what: string): string {
    const word = this.words.shift();
    if (word === undefined) throw new UsageError(`\`${this.verb}\` needs ${what}`);
    return word;
  }

  name(what: string): string {
    const word = this.next(what);
    if (!NAME.test(word)) throw new UsageError(`\`${quoted(word)}\` is not a valid ${what.replace(/^(the|a|an) /, '')}`);
    return word;
  }

  optionalName(what: string): string | null {
    return this.words.length > 0 ? this.name(what) : null;
  }

  glob(what: string): string {
    const word = this.next(what);
    const problem = userGlobProblem(word);
    if (problem) throw new UsageError(problem);
    return word;
  }

  role(): string {
    const word = this.next('a role');
    if (!ROLE.test(word)) throw new UsageError(`\`${quoted(word)}\` is not a role name`);
    return word;
  }

  user(): string {
    const word = this.next('a user (type @ and pick them)');
    const match = MENTION.exec(word);
    if (!match) throw new UsageError(`\`${quoted(word)}\` is not a Slack user: type @ and pick them from the list, so Slack sends their id`);
    return (match[1] ?? match[2]) as string;
  }

  count(): number {
    const word = this.next('a task count');
    if (!/^\d+$/.test(word)) throw new UsageError(`\`${quoted(word)}\` is not a task count: use a whole number from 0 to ${MAX_SCALE}`);
    const count = Number(word);
    if (count > MAX_SCALE) throw new UsageError(`${count} tasks is more than dockhand will set at once (${MAX_SCALE})`);
    return count;
  }

  duration(max = MAX_GRANT_MS): number {
    const word = this.next('a duration such as 8h');
    const ms = parseDuration(word);
    if (ms === null) throw new UsageError(`\`${quoted(word)}\` is not a duration: use minutes, hours or days, e.g. 30m, 8h, 2d`);
    if (ms > max) {
      throw new UsageError(max === MAX_GRANT_MS ? `grants last at most ${formatDuration(max)}; for longer, add a binding to dockhand.yml` : `that is longer than ${formatDuration(max)}; set a schedule instead`);
    }
    return ms;
  }

  clockTime(): string {
    const word = this.next('a time such as 22:00');
    if (!/^([01]?\d|2[0-3]):[0-5]\d$/.test(word)) throw new UsageError(`\`${quoted(word)}\` is not a time of day: use HH:MM, e.g. 22:00`);
    return word.padStart(5, '0');
  }

  /** Everything left, as typed: for schedule specs, which have spaces. */
  rest(): string | null {
    const rest = this.words.splice(0).join(' ');
    return rest || null;
  }

  end(): void {
    if (this.words.length > 0) throw new UsageError(`\`${this.verb}\` got extra words: ${quoted(this.words.join(' '))}`);
  }
}

function parseVerb(verb: CommandVerb, args: string[]): EnvCommand {
  const w = new Words(verb, args);
  const done = <T extends EnvCommand>(command: T): T => {
    w.end();
    return command;
  };
  switch (verb) {
    case 'help':
    case 'refresh':
    case 'approvals':
    case 'idle':
      return done({ verb });
    case 'cost': {
      // Both words are optional and may come in either order: a period word is the period.
      let period: CostPeriod = DEFAULT_COST_PERIOD;
      let environment: string | null = null;
      for (const word of args.splice(0, 2)) {
        if ((COST_PERIODS as readonly string[]).includes(word.toLowerCase())) period = word.toLowerCase() as CostPeriod;
        else environment = new Words(verb, [word]).name('environment name');
      }
      return done({ verb, environment, period });
    }
    case 'who': {
      const target = w.name('an environment or `all`');
      const window = args.length > 0 ? args.shift()?.toLowerCase() : '24h';
      if (!(WHO_WINDOWS as readonly string[]).includes(window ?? '')) throw new UsageError(`\`${quoted(window ?? '')}\` is not a window: use 24h or 7d`);
      return done({ verb, environment: target.toLowerCase() === 'all' ? null : target, window: window as WhoWindow });
    }
    case 'digest': {
      const action = args.shift()?.toLowerCase();
      if (action !== 'preview') throw new UsageError(action ? `\`${quoted(action)}\` is not a digest action: use preview` : '`digest` needs an action: preview');
      return done({ verb, action });
    }
    case 'list': {
      const filter = args.length > 0 ? w.glob('a glob') : null;
      return done({ verb, filter });
    }
    case 'status':
    case 'stop':
    case 'start':
      return done({ verb, environment: w.name('the environment’s name') });
    case 'restart': {
      const environment = w.name('the environment’s name');
      return done({ verb, environment, service: w.optionalName('service name') });
    }
    case 'scale': {
      const environment = w.name('the environment’s name');
      const service = w.name('the service’s name');
      return done({ verb, environment, service, count: w.count() });
    }
    case 'audit':
      return done({ verb, environment: w.optionalName('environment name') });
    case 'schedule': {
      const environment = w.name('the environment’s name');
      return { verb, environment, spec: w.rest() };
    }
    case 'extend': {
      const environment = w.name('the environment’s name');
      if (args[0]?.toLowerCase() === 'until') {
        args.shift();
        return done({ verb, environment, durationMs: null, until: w.clockTime() });
      }
      return done({ verb, environment, durationMs: w.duration(MAX_EXTEND_MS), until: null });
    }
    case 'grant': {
      const userId = w.user();
      const role = w.role();
      const glob = w.glob('an environment glob');
      return done({ verb, userId, role, glob, durationMs: w.duration() });
    }
    case 'revoke': {
      const userId = w.user();
      if (args.length === 0) return done({ verb, userId, role: null, glob: null });
      const role = w.role();
      return done({ verb, userId, role, glob: w.glob('an environment glob') });
    }
  }
}

const ALIASES: Record<string, CommandVerb> = { ls: 'list', '-h': 'help', '--help': 'help', restore: 'start', park: 'stop' };

export function parseEnvCommand(text: string): ParsedCommand {
  if (text.length > MAX_COMMAND_LENGTH) {
    return { ok: false, problem: `That command is ${text.length} characters long; dockhand reads commands of at most ${MAX_COMMAND_LENGTH}. Nothing was done: send a shorter one`, usage: null };
  }
  const [first, ...args] = text.trim().split(/\s+/).filter(Boolean);
  const typed = first?.toLowerCase() ?? 'help';
  const verb = ALIASES[typed] ?? COMMAND_HELP.find((entry) => entry.verb === typed)?.verb;
  if (!verb) return { ok: false, problem: `\`${quoted(first ?? '')}\` is not a dockhand command`, usage: null };
  try {
    return { ok: true, command: parseVerb(verb, args) };
  } catch (error) {
    if (error instanceof UsageError) return { ok: false, problem: error.message, usage: helpFor(verb) };
    throw error;
  }
}
