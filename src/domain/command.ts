import { quoted } from './bounded-text.js';
import { formatDuration, parseDuration } from './duration.js';
import { userGlobProblem } from './glob.js';
import { closestNames } from './suggest.js';

/**
 * The shared, pure part of the `/env` grammar: splitting what someone typed into a verb and its words, reading
 * those words (names, globs, users, counts, durations, times), and saying what was wrong. Each verb's own
 * grammar is in its command module (src/slack/commands), built from these readers.
 */

export interface CommandHelp {
  verb: string;
  usage: string;
  summary: string;
  example: string;
}

/** A verb as the parser sees it: the word (and aliases) that name it, its help line and its grammar. */
export interface VerbGrammar<Args> {
  verb: string;
  aliases?: readonly string[];
  help: CommandHelp;
  /** Reads the words after the verb; throws a UsageError when they do not fit. Words left over are refused. */
  parse(words: Words): Args;
}

export type ParsedCommand<Args = object> =
  | { ok: true; command: { verb: string } & Args }
  | { ok: false; problem: string; usage: CommandHelp | null; suggestions?: readonly string[] };

export const MAX_SCALE = 1000;
export const MAX_GRANT_MS = 30 * 86_400_000;
export const MAX_EXTEND_MS = 7 * 86_400_000;

/** Longer commands are refused before they are parsed (Slack itself sends at most a few thousand). */
export const MAX_COMMAND_LENGTH = 1000;

/** Environment names are tag values: letters, digits and `. _ - / : + = @` (e.g. `team/app`). */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._\-/:+=@]{0,255}$/;

/** True for a word that can name an environment: what a form's metadata is re-checked with. */
export function isEnvironmentName(text: string): boolean {
  return NAME.test(text);
}
const ROLE = /^[A-Za-z0-9_-]{1,64}$/;
/** Slack sends mentions escaped as <@U123|name> (should_escape in the manifest); a bare id works too. */
const MENTION = /^(?:<@([UW][A-Z0-9]+)(?:\|[^>]*)?>|([UW][A-Z0-9]{2,}))$/;

export class UsageError extends Error {}

/** Reads positional words, each check throwing a UsageError that names the word and what was expected. */
export class Words {
  constructor(
    private readonly verb: string,
    private readonly words: string[],
  ) {}

  /** How many words are left. */
  get left(): number {
    return this.words.length;
  }

  /** The next word as typed, without taking it. */
  peek(): string | undefined {
    return this.words[0];
  }

  /** Takes the next word as typed (undefined when none is left): for words a verb checks itself. */
  take(): string | undefined {
    return this.words.shift();
  }

  private next(what: string): string {
    const word = this.words.shift();
    if (word === undefined) throw new UsageError(`\`${this.verb}\` needs ${what}`);
    return word;
  }

  /** Checks a word already taken is a valid name. */
  nameOf(word: string, what: string): string {
    if (!NAME.test(word)) throw new UsageError(`\`${quoted(word)}\` is not a valid ${what.replace(/^(the|a|an) /, '')}`);
    return word;
  }

  name(what: string): string {
    return this.nameOf(this.next(what), what);
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

/** The grammar a verb or one of its aliases names, case-insensitively; empty text asks for `help`. */
function grammarFor<Args>(typed: string, grammars: readonly VerbGrammar<Args>[]): VerbGrammar<Args> | undefined {
  return grammars.find((g) => g.aliases?.includes(typed)) ?? grammars.find((g) => g.verb === typed);
}

/** Parses a command against the verbs' grammars: the command with its verb, or what was wrong (with usage when the verb is known). */
export function parseCommand<Args extends object>(text: string, grammars: readonly VerbGrammar<Args>[]): ParsedCommand<Args> {
  if (text.length > MAX_COMMAND_LENGTH) {
    return { ok: false, problem: `That command is ${text.length} characters long; dockhand reads commands of at most ${MAX_COMMAND_LENGTH}. Nothing was done: send a shorter one`, usage: null };
  }
  const [first, ...args] = text.trim().split(/\s+/).filter(Boolean);
  const grammar = grammarFor(first?.toLowerCase() ?? 'help', grammars);
  if (!grammar) {
    // A typo of a verb (`stpo`, `stat`) is answered with the verbs it is closest to, not the whole help.
    const suggestions = closestNames(first ?? '', grammars.map((g) => g.verb), 2);
    return { ok: false, problem: `\`${quoted(first ?? '')}\` is not a dockhand command`, usage: null, ...(suggestions.length > 0 ? { suggestions } : {}) };
  }
  try {
    const words = new Words(grammar.verb, args);
    const parsed = grammar.parse(words);
    words.end();
    return { ok: true, command: { verb: grammar.verb, ...parsed } };
  } catch (error) {
    if (error instanceof UsageError) return { ok: false, problem: error.message, usage: grammar.help };
    throw error;
  }
}
