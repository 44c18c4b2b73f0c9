import type { DigestPolicy } from '../../config/visibility.js';
import { isAllowed } from '../../domain/permissions.js';
import type { CostReports } from '../../store/cost-reports.js';
import type { TrailStore } from '../../store/trail-store.js';
import type { Audience, VisibilityReports } from '../../store/visibility-reports.js';
import type { CommandContext } from './context.js';

/** What `/env cost|idle|who|digest` need besides the common command context. */
export interface VisibilityCommandDeps {
  costs: CostReports;
  reports: VisibilityReports;
  trail: Pick<TrailStore, 'cursors'>;
  snoozeDays: number;
  digests: readonly DigestPolicy[];
}

export type VisibilityContext = CommandContext & VisibilityCommandDeps;

/** The asker sees environments they hold `view` on, and services outside environments only with `view` on `*`. */
export function askerAudience(ctx: CommandContext): Audience {
  const access = ctx.access();
  return {
    sees: (environment) => isAllowed(access, ctx.subject, 'view', environment),
    seesUnplaced: isAllowed(access, ctx.subject, 'view', '*'),
  };
}
