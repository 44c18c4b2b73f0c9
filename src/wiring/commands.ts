import type { SlackListenerDeps } from '../slack/app.js';
import { idleSnoozer } from '../slack/commands/idle.js';
import type { Jobs } from './jobs.js';
import type { Services } from './services.js';
import type { Shared } from './shared.js';
import type { Workspace } from './slack.js';
import type { Stores } from './stores.js';

/** What `/env`, its buttons and the approval clicks call: the Slack listeners and `Dockhand.handle` alike. */
export function commandDepsOf({ policy, clock, logger, metrics }: Shared, stores: Stores, services: Services, jobs: Jobs, workspace: Workspace): SlackListenerDeps {
  return {
    command: {
      fleet: stores.fleet,
      access: services.access,
      protect: policy.protect,
      refresh: (trigger) => jobs.refresher.refresh(trigger),
      launcher: services.launcher,
      approvals: services.approvals,
      audit: stores.audit,
      grants: stores.grants,
      schedules: services.schedules,
      costs: stores.costs,
      reports: services.reports,
      trail: stores.trail,
      digests: policy.digests,
      logs: services.logs,
      maxLogLines: policy.logs.max_lines,
      snoozeDays: policy.idle.snooze_days,
      snooze: idleSnoozer({ store: stores.notices, snoozeDays: policy.idle.snooze_days }),
      stoppedTasks: stores.stoppedTasks,
      charts: workspace.outbound,
      clock,
      directory: workspace.directory,
      logger,
      metrics,
    },
    handled: stores.handled,
  };
}
