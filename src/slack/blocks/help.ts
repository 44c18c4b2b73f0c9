import type { CommandHelp } from '../../domain/command.js';
import { context, linesToSections, problemReply, section, type Reply } from './common.js';
import { code, escapeMrkdwn } from './format.js';

/**
 * Every verb's help line, in the registry's order. `intro` and `problem` come from the parser, which quotes
 * typed words only through `quoted` (markup-free).
 */
export function helpReply(commands: readonly CommandHelp[], intro?: string): Reply {
  const lines = commands.map((entry) => `${code(entry.usage)} — ${entry.summary}`);
  const blocks = [
    ...(intro ? [section(`:warning: ${intro}`)] : []),
    // One section per 3,000 characters: the list grows with every verb and must never be cut.
    ...linesToSections(['*dockhand* operates your ECS environments from Slack.', ...lines]),
    context('What you can see and do depends on the roles bound to you in dockhand.yml. Example: `/env status staging-3`'),
  ];
  return { text: `${intro ? `${intro} ` : ''}dockhand commands: ${commands.map((e) => escapeMrkdwn(e.usage)).join(', ')}`, blocks };
}

export function usageReply(problem: string, usage: CommandHelp): Reply {
  return {
    text: `${problem}. Usage: ${escapeMrkdwn(usage.usage)}`,
    blocks: [section(`:warning: ${problem}.`), section(`Usage: ${code(usage.usage)} — ${usage.summary}\nExample: ${code(usage.example)}`)],
  };
}

/** A verb dockhand does not know: the closest verbs when there are any, else a pointer to `/env help` (never the whole help). */
export function unknownVerbReply(problem: string, suggestions: readonly string[]): Reply {
  const hint = suggestions.length > 0 ? `Did you mean ${suggestions.map(code).join(' or ')}?` : '';
  return problemReply(`${problem}.${hint ? ` ${hint}` : ''}`, '`/env help` lists every command.');
}
