import { isAllowed } from '../../domain/access/permissions.js';
import { auditReply } from '../blocks/audit.js';
import { code } from '../blocks/format.js';
import type { CommandContext, CommandOutcome } from './context.js';
import { authorizedEnvironment } from './environment.js';

const SHOWN = 25;

/** One environment's trail for anyone who may view it; the whole trail only for those who may view `*`. */
export function auditCommand(environment: string | null, ctx: CommandContext): CommandOutcome {
  if (environment) {
    const found = authorizedEnvironment(environment, 'view', ctx);
    if ('refusal' in found) return found.refusal;
    return { reply: auditReply(ctx.audit.recent(SHOWN, found.env.name), code(found.env.name)), environment: found.env.name, outcome: 'ok' };
  }
  const access = ctx.access();
  const rows = ctx.audit.recent(SHOWN * 4).filter((row) => (row.environment ? isAllowed(access, ctx.subject, 'view', row.environment) : row.actor === ctx.subject.userId));
  return { reply: auditReply(rows.slice(0, SHOWN), 'the environments you can see'), outcome: 'ok' };
}
