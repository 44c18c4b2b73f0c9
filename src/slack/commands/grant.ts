import { formatDuration } from '../../domain/duration.js';
import { VERBS } from '../../config/policy.js';
import { globsHolding, grantScope, holdersOf, holdsOnAll, mention, neutralContact, type AccessPolicy, type GrantScopeVerdict } from '../../domain/access/permissions.js';
import { problemReply, section, type Reply } from '../blocks/common.js';
import { escapeMrkdwn } from '../blocks/format.js';
import type { CommandModule } from './command-module.js';
import type { CommandContext, CommandOutcome } from './context.js';
import { slackDayTime } from '../blocks/slack-date.js';

interface GrantArgs {
  userId: string;
  role: string;
  glob: string;
  durationMs: number;
}

interface RevokeArgs {
  userId: string;
  role: string | null;
  glob: string | null;
}

function said(text: string): Reply {
  return { text, blocks: [section(text)] };
}

function missingText(missing: Extract<GrantScopeVerdict, { ok: false }>['missing']): string {
  return missing.map((m) => `\`${m.verb}\`${m.example !== null ? ` (not on \`${escapeMrkdwn(m.example)}\`, for example)` : ''}`).join(', ');
}

/** Holders of a verb are named only to someone who can see every environment the glob covers. */
function heldBy(access: AccessPolicy, ctx: CommandContext, verb: string, glob: string): string {
  if (!holdsOnAll(access, ctx.subject, 'view', glob)) return `Ask ${neutralContact(access)}.`;
  const holders = holdersOf(access, verb, glob).map(mention).slice(0, 5);
  return holders.length > 0 ? `It is held by ${holders.join(', ')}.` : 'Nobody holds it in dockhand.yml.';
}

/**
 * A time-boxed role that cannot reach beyond its granter: `grant` and every verb of the role must be held
 * by the granter on every name the glob matches (globs compared as sets of names, not as one name).
 */
async function grant(command: GrantArgs, ctx: CommandContext): Promise<CommandOutcome> {
  const access = ctx.access();
  const { userId, role, glob, durationMs } = command;
  if (globsHolding(access, ctx.subject, 'grant').length === 0) {
    const reply = problemReply(`You don’t have \`grant\` on \`${glob}\`.`, heldBy(access, ctx, 'grant', glob));
    return { reply, environment: glob, outcome: 'denied', detail: 'missing grant' };
  }
  if (!Object.hasOwn(access.roles, role)) {
    const reply = problemReply(`There is no role \`${role}\`.`, `Roles in dockhand.yml: ${escapeMrkdwn(Object.keys(access.roles).join(', ')) || 'none'}.`);
    return { reply, environment: glob, outcome: 'invalid', detail: `unknown role ${role}` };
  }
  const scope = grantScope(access, ctx.subject, role, glob, VERBS);
  if (!scope.ok) {
    const undecided = scope.missing.find((m) => m.why !== undefined);
    const problem = `You can’t grant \`${role}\` on \`${glob}\`: you don’t hold ${missingText(scope.missing)} on every environment it covers.`;
    const advice = `A grant gives only verbs you hold yourself, on names all inside your own bindings and grants (globs are compared as sets of names).${undecided?.why ? ` ${undecided.why}, so dockhand refuses rather than guess.` : ''} Grant a narrower glob or a smaller role, or ask someone who holds more.`;
    const detail = `beyond the granter: ${scope.missing.map((m) => m.verb).join(', ')}`;
    return { reply: problemReply(problem, advice), environment: glob, outcome: 'denied', detail };
  }
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + durationMs).toISOString();
  const grant = await ctx.grants.add({ userId, role, environments: glob, grantedBy: ctx.subject.userId, createdAt: now.toISOString(), expiresAt });
  const text = `Granted <@${userId}> \`${role}\` on \`${glob}\` for ${formatDuration(durationMs)}, until ${slackDayTime(expiresAt)} (grant #${grant.id}).`;
  return { reply: said(`:key: ${text}`), environment: glob, outcome: 'ok', detail: text };
}

async function revoke(command: RevokeArgs, ctx: CommandContext): Promise<CommandOutcome> {
  const access = ctx.access();
  // Someone without `grant` anywhere learns nothing, not even whether the user has grants.
  if (globsHolding(access, ctx.subject, 'grant').length === 0) {
    return { reply: problemReply('You don’t have `grant`, which revoking needs.', heldBy(access, ctx, 'grant', '*')), outcome: 'denied', detail: 'missing grant' };
  }
  const now = ctx.clock.now().toISOString();
  const matching = (await ctx.grants.activeRows(now, command.userId)).filter((g) => command.role === null || (g.role === command.role && g.environments === command.glob));
  const mine = matching.filter((g) => holdsOnAll(access, ctx.subject, 'grant', g.environments));
  if (matching.length === 0) {
    return { reply: said(`<@${command.userId}> has no active grants${command.role ? ` of \`${command.role}\` on \`${command.glob}\`` : ''}.`), outcome: 'not-found' };
  }
  if (mine.length === 0) {
    return { reply: problemReply('You don’t have `grant` on the environments of those grants.', 'Ask someone who does.'), outcome: 'denied' };
  }
  await ctx.grants.revoke(
    mine.map((g) => g.id),
    ctx.subject.userId,
    now,
  );
  const text = `Revoked ${mine.map((g) => `\`${g.role}\` on \`${g.environments}\` (#${g.id})`).join(', ')} from <@${command.userId}>.`;
  return { reply: said(`:lock: ${text}`), outcome: 'ok', detail: text };
}

/** Granting judges the granter's reach itself (on every name of the glob), so the pipeline checks nothing first. */
export const grantCommand: CommandModule<GrantArgs> = {
  verb: 'grant',
  typed: {
    help: { verb: 'grant', usage: '/env grant @user <role> <env-glob> <duration>', summary: 'give someone a role for a while, within what you hold yourself on every environment of the glob', example: '/env grant @maria developer staging-* 8h' },
    parse: (w) => ({ userId: w.user(), role: w.role(), glob: w.glob('an environment glob'), durationMs: w.duration() }),
  },
  permission: () => null,
  run: grant,
};

export const revokeCommand: CommandModule<RevokeArgs> = {
  verb: 'revoke',
  typed: {
    help: { verb: 'revoke', usage: '/env revoke @user [<role> <env-glob>]', summary: 'end someone’s time-boxed grants early, where you hold `grant` on all of their glob', example: '/env revoke @maria' },
    parse(w) {
      const userId = w.user();
      if (w.left === 0) return { userId, role: null, glob: null };
      return { userId, role: w.role(), glob: w.glob('an environment glob') };
    },
  },
  permission: () => null,
  run: revoke,
};
