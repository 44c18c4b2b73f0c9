import type { DigestPolicy } from '../../config/report-policy.js';
import { isAllowed } from '../../domain/access/permissions.js';
import type { CostReports } from '../../store/cost-reports.js';
import type { TrailStore } from '../../store/trail-store.js';
import type { Audience, FleetReports } from '../../store/fleet-reports.js';
import type { CommandContext } from './context.js';

/** What `/env cost|idle|who|digest` need besides the common command context. */
export interface ReportCommandDeps {
  costs: CostReports;
  reports: FleetReports;
  trail: Pick<TrailStore, 'cursors'>;
  snoozeDays: number;
  digests: readonly DigestPolicy[];
}

export type ReportContext = CommandContext & ReportCommandDeps;

/** The asker sees environments they hold `view` on, and services outside environments only with `view` on `*`. */
export function askerAudience(ctx: CommandContext): Audience {
  const access = ctx.access();
  return {
    sees: (environment) => isAllowed(access, ctx.subject, 'view', environment),
    seesUnplaced: isAllowed(access, ctx.subject, 'view', '*'),
  };
}
