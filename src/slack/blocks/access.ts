import { clipWord } from '../../domain/bounded-text.js';
import { mention } from '../../domain/access/permissions.js';
import { context, section, type Reply } from './common.js';
import { code, escapeMrkdwn, namingPeople } from './format.js';

export function noAccessReply(whoToAsk: string): Reply {
  const text = `You have no access to dockhand yet: no role in dockhand.yml is bound to you or your user groups. Ask ${namingPeople(whoToAsk)} to add you.`;
  return { text, blocks: [section(`:no_entry: ${text}`), context('Access is deny-by-default; a binding names Slack users or user groups, a role and environment globs.')] };
}

/** ` It is held by …` (the first few holders of a permission), or nothing when nobody holds it. */
export function heldBy(holders: readonly string[]): string {
  return holders.length > 0 ? ` It is held by ${holders.slice(0, 5).map(mention).join(', ')}.` : '';
}

/** Names the missing permission, who holds it, and whom to ask for it. */
export function deniedReply(verb: string, environment: string, holders: readonly string[], whoToAsk: string): Reply {
  const held = heldBy(holders);
  const text = `You don’t have ${code(verb)} on ${code(environment)}.${held} Ask ${namingPeople(whoToAsk)} for access.`;
  return { text, blocks: [section(`:no_entry: ${text}`)] };
}

export function unknownEnvironmentReply(name: string, suggestions: readonly string[]): Reply {
  // A button's value skips the grammar's length check: never echo more than a quoted word's length.
  const typed = clipWord(name);
  const hint = suggestions.length > 0 ? `Did you mean ${suggestions.map(code).join(', ')}?` : 'See `/env list` for the environments you can see.';
  return {
    text: `No environment called ${escapeMrkdwn(typed)}. ${hint}`,
    blocks: [section(`:mag: No environment called ${code(typed)}. ${hint}`)],
  };
}
