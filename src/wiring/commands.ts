import type { SlackListenerDeps } from '../slack/app.js';
import { idleSnoozer } from '../slack/commands/idle.js';
import type { Jobs } from './jobs.js';
import type { Services } from './services.js';
import type { Shared } from './shared.js';
import type { Workspace } from './slack.js';
import type { Stores } from './stores.js';

/** What `/env`, its buttons and the approval clicks call: the Slack listeners and `Dockhand.handle` alike. */
export function commandDepsOf({ policy, clock, sleep, logger, metrics }: Shared, stores: Stores, services: Services, jobs: Jobs, workspace: Workspace): SlackListenerDeps {
  const { members } = workspace;
  return {
    command: {
      fleet: stores.fleet,
      access: services.access,
      protect: policy.protect,
      refresh: (trigger) => jobs.refresher.refreshAsked(trigger, policy.inventory.refresh_cooldown_seconds * 1000),
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
      whyLogDeadlineMs: policy.logs.why_deadline_ms,
      snoozeDays: policy.idle.snooze_days,
      snooze: idleSnoozer({ store: stores.notices, snoozeDays: policy.idle.snooze_days }),
      stoppedTasks: stores.stoppedTasks,
      lastParked: (environment) => stores.operations.lastParked(environment),
      ...(members ? { ownerMentions: () => members.ownerMentions() } : {}),
      charts: workspace.outbound,
      clock,
      directory: workspace.directory,
      logger,
      metrics,
    },
    handled: stores.handled,
    // The App Home redraws when an environment changes: an operation finished (after the refresh it starts), an approval, a schedule or extension.
    home: {
      onChange: (listener) => {
        services.runner.finished.subscribe(({ operation }) => listener(operation.environment));
        services.approvals.changed.subscribe(({ environment }) => listener(environment));
        services.schedules.changed.subscribe(({ environment }) => listener(environment));
      },
      fleetSettled: () => jobs.refresher.settled(),
      ...(sleep ? { sleep } : {}),
    },
  };
}
