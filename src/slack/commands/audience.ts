import { isAllowed } from '../../domain/access/permissions.js';
import type { Audience } from '../../store/fleet-reports.js';
import type { CommandContext } from './context.js';

/** The asker sees environments they hold `view` on, and services outside environments only with `view` on `*`. */
export function askerAudience(ctx: Pick<CommandContext, 'access' | 'subject'>): Audience {
  const access = ctx.access();
  return {
    sees: (environment) => isAllowed(access, ctx.subject, 'view', environment),
    seesUnplaced: isAllowed(access, ctx.subject, 'view', '*'),
  };
}
