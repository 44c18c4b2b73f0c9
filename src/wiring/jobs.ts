import { AnomalyMonitor } from '../jobs/anomalies.js';
import { AuditIngestJob } from '../jobs/audit-ingest.js';
import { CostIngestJob } from '../jobs/cost-ingest.js';
import { DigestJob } from '../jobs/digest.js';
import { Housekeeping } from '../jobs/housekeeping.js';
import { InventoryRefresher } from '../jobs/inventory-refresh.js';
import { InventorySampler } from '../jobs/inventory-samples.js';
import { LIVE_ALERT_CLAIMS_KEPT_MS, LiveAlerts } from '../jobs/live-alerts.js';
import { RolloutFollower } from '../jobs/rollout-follower.js';
import { SCHEDULER_ACTOR, Scheduler } from '../jobs/scheduler.js';
import type { AwsClients } from '../aws/clients.js';
import type { DockhandOptions } from './options.js';
import type { Services } from './services.js';
import type { Shared } from './shared.js';
import type { Workspace } from './slack.js';
import type { Stores } from './stores.js';
import { errorMessage } from '../log.js';

/** What runs on its own: timers and crons, started and stopped by the lease (lifecycle.ts). */
export interface Jobs {
  refresher: InventoryRefresher;
  /** The every-minute reconciler: tick → decide → park or restore → one report. */
  scheduler: Scheduler;
  housekeeping: Housekeeping;
  auditIngest: AuditIngestJob;
  costIngest: CostIngestJob;
  digests: DigestJob;
}

export function buildJobs(shared: Shared, stores: Stores, aws: AwsClients, workspace: Workspace, services: Services, options: Pick<DockhandOptions, 'schedulerTick'>): Jobs {
  const { policy, clock, logger } = shared;
  // Cost samples from every refresh; CloudTrail's gaps are judged against their spacing.
  const sampler = new InventorySampler({
    store: stores.history,
    clock,
    refreshIntervalMs: shared.refreshMs,
    retentionDays: policy.cost.sample_retention_days,
    parkedDesired: async (arns) => new Map([...(await stores.operations.parkRecords(arns))].map(([arn, record]) => [arn, record.desired])),
  });
  const anomalies = new AnomalyMonitor({ costs: stores.costs, environments: () => stores.fleet.environments(), policy: policy.anomalies, digests: policy.digests, store: stores.notices, outbound: workspace.outbound, clock, logger });
  const alerts = new LiveAlerts({ policy: policy.alerts, anomalies: policy.anomalies, digests: policy.digests, environments: () => stores.fleet.environments(), trail: stores.trail, store: stores.notices, outbound: workspace.outbound, clock, logger });
  // A restart's, start's or scale's progress message follows its rollouts at each refresh; subscribed before
  // the refresh after the operation, so that refresh already moves it on.
  const follower = new RolloutFollower({ follows: stores.rolloutFollows, operations: stores.operations, services: () => stores.inventory.services(), stoppedTasks: stores.stoppedTasks, outbound: workspace.outbound, clock, logger, followMs: policy.rollouts.follow_minutes * 60_000 });
  services.runner.finished.subscribe(({ operation }) => follower.begin(operation));
  const refresher = refresherOf(shared, stores, aws, sampler, { anomalies, alerts, follower });
  // `/env list` shows an operation's outcome soon.
  services.runner.finished.subscribe(() => void refresher.refresh('after operation').catch(() => undefined));
  return {
    refresher,
    scheduler: schedulerOf(shared, stores, workspace, services, options.schedulerTick),
    housekeeping: new Housekeeping({
      approvals: services.approvals,
      handled: stores.handled,
      audit: stores.audit,
      auditRetentionDays: policy.audit.retention_days,
      liveAlerts: { store: stores.notices, keptMs: LIVE_ALERT_CLAIMS_KEPT_MS },
      clock,
      logger,
    }),
    auditIngest: new AuditIngestJob({
      accounts: policy.accounts,
      clients: aws,
      store: stores.trail,
      history: stores.history,
      audit: stores.audit,
      parked: stores.operations,
      services: () => stores.inventory.services(),
      rules: shared.rules,
      policy: policy.cloudtrail,
      maxSampleGapMs: sampler.maxSampleGapMs,
      onIngested: (_run, now) => alerts.afterTrailRun(now),
      clock,
      logger,
    }),
    costIngest: new CostIngestJob({ accounts: policy.accounts, clients: aws, store: stores.actuals, policy: policy.cost.actuals, tagKey: policy.discovery.tag_key, clock, logger }),
    digests: new DigestJob({
      digests: policy.digests,
      reports: services.reports,
      store: stores.notices,
      outbound: workspace.outbound,
      clock,
      logger,
      costPerDay: (now, audience) => stores.costs.daily('7d', now, audience.sees),
    }),
  };
}

/** Reads the fleet; after each read: the refresh metrics, a cost sample, the followed rollouts, the anomaly check, the live alerts. */
function refresherOf({ policy, rules, clock, logger, metrics }: Shared, stores: Stores, aws: AwsClients, sampler: InventorySampler, after: { anomalies: AnomalyMonitor; alerts: LiveAlerts; follower: RolloutFollower }): InventoryRefresher {
  const locations = policy.accounts.reduce((sum, account) => sum + account.regions.length, 0);
  return new InventoryRefresher({
    accounts: policy.accounts,
    rules,
    aws,
    store: stores.inventory,
    stoppedTasks: stores.stoppedTasks,
    clock,
    logger,
    deadlineMs: policy.aws.refresh_deadline_ms,
    onRefreshed: async (record) => {
      const outcome = record.errors.length === 0 ? 'ok' : record.errors.length >= locations ? 'failed' : 'partial';
      metrics.refresh(outcome, (Date.parse(record.finishedAt) - Date.parse(record.startedAt)) / 1000);
      await sampler.record(stores.inventory.services(), record.startedAt);
      // Each on its own: an anomaly check that throws must not cost the rollouts or the alerts their turn.
      const steps = { rollouts: () => after.follower.onRefreshed(record), anomalies: () => after.anomalies.runOnce(), alerts: () => after.alerts.afterRefresh() };
      for (const [name, step] of Object.entries(steps)) {
        try {
          await step();
        } catch (error) {
          logger.error('after-refresh step failed', { step: name, error: errorMessage(error) });
        }
      }
    },
  });
}

/** The schedule edges acted on: through the schedule service and the same journaled runner as `/env stop`. */
function schedulerOf({ policy, clock, logger, metrics }: Shared, stores: Stores, workspace: Workspace, services: Services, tickCron: string | undefined): Scheduler {
  return new Scheduler({
    fleet: stores.fleet,
    store: stores.schedules,
    schedules: services.schedules,
    operations: stores.operations,
    runner: services.runner,
    outbound: workspace.outbound,
    clock,
    logger,
    channel: policy.schedules.channel,
    graceMs: policy.schedules.grace_minutes * 60_000,
    warnMs: policy.schedules.warn_minutes * 60_000,
    catchUpMs: policy.schedules.catch_up_hours * 3600_000,
    lastActivity: (environment) => stores.audit.lastActivity(environment, [SCHEDULER_ACTOR]),
    onEdge: (action, result) => metrics.schedulerEdge(action, result),
    ...(tickCron ? { tickCron } : {}),
    native: services.native,
  });
}
