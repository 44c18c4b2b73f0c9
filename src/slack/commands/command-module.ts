import type { VerbGrammar } from '../../domain/command.js';
import type { Environment } from '../../domain/environments.js';
import type { CommandContext, CommandOutcome } from './context.js';

/** What the pipeline checks before a command runs: a permission verb on the environment the command names. */
export interface Authorisation {
  verb: string;
  environment: string;
}

/** A button that stands for a typed command: a click runs `text(value)` as the clicker, exactly as if typed. */
export interface TypedButton {
  actionId: string;
  text(value: string): string;
}

/** A button that invokes a verb nobody types: its value (or a modal's fields) become the arguments. */
export interface ClickButton<Args> {
  actionId: string;
  args(value: string | undefined): Args;
}

/**
 * One verb, whole: how it is typed (its grammar and help line), which buttons invoke it, the permission it
 * needs, and what it does. Registered once in registry.ts; `/env`, the help text and the buttons all read
 * that list, and the pipeline in env.ts does the rest (parse → authorise → run → audit).
 */
export interface CommandModule<Args = object> {
  /** The verb, as typed and as the audit trail and metrics name it. */
  verb: string;
  /** Grammar and help line; null for a verb only buttons invoke (typing it is an unknown command). */
  typed: Omit<VerbGrammar<Args>, 'verb'> | null;
  /** Buttons typed verbs answer to, or (for a verb with `typed: null`) the buttons that invoke it. */
  buttons?: readonly (TypedButton | ClickButton<Args>)[];
  /**
   * The permission the pipeline checks before `run` (refusing and auditing in one place); null when the
   * command reads only what the asker may see, or judges access itself (grant, revoke, approvals).
   */
  permission(args: Args): Authorisation | null;
  /** Answered before the asker's groups and bindings are looked up, to anyone (help). */
  public?: boolean;
  /** Who records the audit row: the pipeline (default), or the service the command calls (approval decisions). */
  audits?: 'pipeline' | 'service';
  /**
   * Runs once authorised. `environment` is the one `permission` named, found and allowed (null when it named
   * none), so a command whose permission always names one may declare it `Environment`.
   */
  run(args: Args, ctx: CommandContext, environment: Environment | null): CommandOutcome | Promise<CommandOutcome>;
}

/** The environment a command names, for the audit trail: its `environment` argument, if it has one. */
export function namedEnvironment(args: object): string | null {
  return 'environment' in args && typeof args.environment === 'string' ? args.environment : null;
}
