import type { EnvCommand } from '../../domain/command.js';
import { formatDuration } from '../../domain/duration.js';
import { holdersOf, isAllowed, mention } from '../../domain/permissions.js';
import { problemReply, section, type Reply } from '../blocks/common.js';
import { escapeMrkdwn } from '../blocks/format.js';
import type { CommandContext, CommandOutcome } from './context.js';

function said(text: string): Reply {
  return { text, blocks: [section(text)] };
}

/**
 * A time-boxed role. The granter needs `grant` on the glob itself, checked as if the glob were an
 * environment name: a binding on `staging-*` covers `staging-*` and `staging-3`, not `*`.
 */
export function grantCommand(command: Extract<EnvCommand, { verb: 'grant' }>, ctx: CommandContext): CommandOutcome {
  const access = ctx.access();
  const { userId, role, glob, durationMs } = command;
  if (!isAllowed(access, ctx.subject, 'grant', glob)) {
    const holders = holdersOf(access, 'grant', glob).map(mention).slice(0, 5);
    const reply = problemReply(`You don’t have \`grant\` on \`${glob}\`.`, holders.length > 0 ? `It is held by ${holders.join(', ')}.` : 'Nobody holds it in dockhand.yml.');
    return { reply, environment: glob, outcome: 'denied', detail: 'missing grant' };
  }
  if (!(role in access.roles)) {
    const reply = problemReply(`There is no role \`${role}\`.`, `Roles in dockhand.yml: ${escapeMrkdwn(Object.keys(access.roles).join(', ')) || 'none'}.`);
    return { reply, environment: glob, outcome: 'invalid', detail: `unknown role ${role}` };
  }
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + durationMs).toISOString();
  const grant = ctx.grants.add({ userId, role, environments: glob, grantedBy: ctx.subject.userId, createdAt: now.toISOString(), expiresAt });
  const text = `Granted <@${userId}> \`${role}\` on \`${glob}\` for ${formatDuration(durationMs)}, until ${expiresAt.slice(0, 16).replace('T', ' ')} UTC (grant #${grant.id}).`;
  return { reply: said(`:key: ${text}`), environment: glob, outcome: 'ok', detail: text };
}

export function revokeCommand(command: Extract<EnvCommand, { verb: 'revoke' }>, ctx: CommandContext): CommandOutcome {
  const access = ctx.access();
  const now = ctx.clock.now().toISOString();
  const matching = ctx.grants
    .activeRows(now, command.userId)
    .filter((g) => command.role === null || (g.role === command.role && g.environments === command.glob));
  const mine = matching.filter((g) => isAllowed(access, ctx.subject, 'grant', g.environments));
  if (matching.length === 0) {
    return { reply: said(`<@${command.userId}> has no active grants${command.role ? ` of \`${command.role}\` on \`${command.glob}\`` : ''}.`), outcome: 'not-found' };
  }
  if (mine.length === 0) {
    return { reply: problemReply('You don’t have `grant` on the environments of those grants.', 'Ask someone who does.'), outcome: 'denied' };
  }
  ctx.grants.revoke(
    mine.map((g) => g.id),
    ctx.subject.userId,
    now,
  );
  const text = `Revoked ${mine.map((g) => `\`${g.role}\` on \`${g.environments}\` (#${g.id})`).join(', ')} from <@${command.userId}>.`;
  return { reply: said(`:lock: ${text}`), outcome: 'ok', detail: text };
}
