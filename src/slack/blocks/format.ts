import { escapeMrkdwn } from '../../domain/bounded-text.js';
import type { EnvironmentState } from '../../domain/environments.js';
import { SCHEDULER_ACTOR } from '../../domain/schedules/decide.js';

export const STATE_EMOJI: Record<EnvironmentState, string> = {
  running: ':large_green_circle:',
  stopped: ':black_circle:',
  partial: ':large_yellow_circle:',
  degraded: ':red_circle:',
  transitioning: ':arrows_counterclockwise:',
};

/** "3m ago", "2h ago", "5d ago": coarse on purpose, people scan these. */
export function ago(iso: string | null, now: Date): string {
  if (!iso) return 'never';
  const seconds = Math.max(0, Math.round((now.getTime() - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
}

/**
 * The one escape for text that came from outside (AWS names and tags, users' reasons, the policy, error
 * messages): Slack mrkdwn needs &, < and > escaped, or `<!channel>` broadcasts and `<@U…>` mentions; a
 * backtick becomes `'` so outside text can neither open a code span nor close one dockhand opened. It lives
 * in domain/bounded-text.ts so that the words an error message quotes are escaped by it too.
 */
export { escapeMrkdwn };

export function vcpu(cpuUnits: number): string {
  return `${+(cpuUnits / 1024).toFixed(2)} vCPU`;
}

export function memory(mib: number): string {
  return mib >= 1024 ? `${+(mib / 1024).toFixed(2)} GB` : `${mib} MB`;
}

export { plural } from '../../domain/words.js';

/** A Slack mention for a person (a Slack user id); the schedule's own operations say so; anything else is shown as text. */
export function who(actor: string): string {
  if (actor === SCHEDULER_ACTOR) return 'the schedule';
  return /^[UW][A-Z0-9]+$/.test(actor) ? `<@${actor}>` : escapeMrkdwn(actor);
}

/**
 * Outside text as inline code: escaped, and with no backtick or line break that would end the code span
 * early and let the rest be read as markup.
 */
export function code(text: string): string {
  return `\`${escapeMrkdwn(text).replace(/[\r\n]+/g, ' ')}\``;
}

const MENTION = /<(@[UW][A-Z0-9]+|#[CG][A-Z0-9]+|!subteam\^S[A-Z0-9]+)>/g;

/**
 * Text an administrator wrote to name people (`access_contact`), or the holders dockhand lists: escaped with
 * the one escape above, except that each well-formed mention of a user, a channel or a user group
 * (`<@U…>`, `<#C…>`, `<!subteam^S…>`) is rebuilt by dockhand from its id. `<!channel>`, `<!here>` and links
 * stay escaped.
 */
export function namingPeople(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(MENTION)) {
    out += escapeMrkdwn(text.slice(last, match.index)) + `<${match[1]!}>`;
    last = match.index + match[0].length;
  }
  return out + escapeMrkdwn(text.slice(last));
}

/**
 * How the people behind an owner tag (an email, a Slack name, a user-group handle or id) are mentioned:
 * `<@U…>` or `<!subteam^S…>` from the workspace's directory, or undefined when nobody matches.
 */
export type OwnerMentions = (owner: string) => string | undefined;

/** An owner tag: the person or group mentioned when the directory knows them, else the tag as escaped text. */
export function owner(tag: string | null | undefined, mentions?: OwnerMentions): string {
  if (!tag) return '_no owner_';
  return mentions?.(tag) ?? escapeMrkdwn(tag);
}
