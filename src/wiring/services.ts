import { idleRulesOf } from '../config/report-policy.js';
import { accessPolicyOf } from '../config/policy.js';
import { withGrants, type AccessPolicy } from '../domain/access/permissions.js';
import { isUp } from '../domain/schedules/schedule.js';
import { trailLocationsOf, trailStaleMsOf } from '../jobs/audit-ingest.js';
import { NativeSchedules } from '../jobs/native-schedules.js';
import { SCHEDULER_ACTOR, Scheduler } from '../jobs/scheduler.js';
import { ApprovalService } from '../operations/approval-service.js';
import { OperationLauncher } from '../operations/launch.js';
import { OperationRunner } from '../operations/runner.js';
import { FleetReports } from '../store/fleet-reports.js';
import type { AwsClients } from '../aws/clients.js';
import { OperationFinished } from './operation-finished.js';
import type { DockhandOptions } from './options.js';
import type { Shared } from './shared.js';
import type { Workspace } from './slack.js';
import type { Stores } from './stores.js';

/** What commands, buttons and jobs call: access, operations, schedules, approvals, reports. */
export interface Services {
  /** The policy's bindings plus the grants in force now. */
  access: () => AccessPolicy;
  /** Told once per finished operation; jobs.ts subscribes the follow-up refresh. */
  operationFinished: OperationFinished;
  launcher: OperationLauncher;
  scheduler: Scheduler;
  approvals: ApprovalService;
  reports: FleetReports;
}

export function buildServices(shared: Shared, stores: Stores, aws: AwsClients, workspace: Workspace, options: Pick<DockhandOptions, 'schedulerTick'>): Services {
  const { policy, clock, logger } = shared;
  const basePolicy = accessPolicyOf(policy);
  const access = () => withGrants(basePolicy, stores.grants.active(clock.now().toISOString()));
  const { operationFinished, launcher, runner } = operationsOf(shared, stores, aws, workspace);
  const scheduler = schedulerOf(shared, stores, aws, workspace, runner, options.schedulerTick);
  operationFinished.on((operation) => scheduler.noteOperation(operation));
  const approvals = new ApprovalService({
    store: stores.approvals,
    launcher,
    extend: scheduler.extend.bind(scheduler),
    fleet: stores.fleet,
    access,
    groupsOf: (userId) => workspace.directory.groupsOf(userId),
    outbound: workspace.outbound,
    audit: stores.audit,
    clock,
    logger,
    channel: policy.approvals.channel,
    expireMinutes: policy.approvals.expire_minutes,
  });
  return { access, operationFinished, launcher, scheduler, approvals, reports: reportsOf(shared, stores, workspace, scheduler, approvals) };
}

/** The journaled runner and its launcher; the metrics hear of each finished operation first. */
function operationsOf({ policy, clock, logger, metrics }: Shared, stores: Stores, aws: AwsClients, workspace: Workspace) {
  const operationFinished = new OperationFinished();
  operationFinished.on((operation) =>
    metrics.operation(operation.verb, operation.status, operation.finishedAt ? (Date.parse(operation.finishedAt) - Date.parse(operation.startedAt)) / 1000 : 0),
  );
  const runner = new OperationRunner({
    accounts: policy.accounts,
    aws,
    operations: stores.operations,
    audit: stores.audit,
    clock,
    logger,
    startFallbackDesired: policy.operations.start_fallback_desired,
    stepDeadlineMs: policy.aws.step_deadline_ms,
    onDesiredSet: (arn, desired) => stores.inventory.setDesired(arn, desired),
    afterOperation: operationFinished.emit,
  });
  return { operationFinished, runner, launcher: new OperationLauncher(runner, workspace.outbound) };
}

/** The schedule service and its every-minute reconciler, in one class until the scheduler split. */
function schedulerOf({ policy, clock, logger, metrics }: Shared, stores: Stores, aws: AwsClients, workspace: Workspace, runner: OperationRunner, tickCron: string | undefined): Scheduler {
  return new Scheduler({
    fleet: stores.fleet,
    store: stores.schedules,
    operations: stores.operations,
    runner,
    outbound: workspace.outbound,
    clock,
    logger,
    rules: { named: policy.schedules.named, defaults: policy.schedules.defaults, tagKey: policy.schedules.tag_key },
    channel: policy.schedules.channel,
    graceMs: policy.schedules.grace_minutes * 60_000,
    warnMs: policy.schedules.warn_minutes * 60_000,
    catchUpMs: policy.schedules.catch_up_hours * 3600_000,
    lastActivity: (environment) => stores.audit.lastActivity(environment, [SCHEDULER_ACTOR]),
    onEdge: (action, result) => metrics.schedulerEdge(action, result),
    ...(tickCron ? { tickCron } : {}),
    native: new NativeSchedules({ globs: policy.schedules.native, accounts: policy.accounts, aws, operations: stores.operations, audit: stores.audit, clock, logger }),
  });
}

/** Cost, idle and trail reports, and the digests' content. */
function reportsOf({ policy }: Shared, stores: Stores, workspace: Workspace, scheduler: Scheduler, approvals: ApprovalService): FleetReports {
  const { fleet } = stores;
  const { members } = workspace;
  return new FleetReports({
    fleet,
    services: () => stores.inventory.services(),
    costs: stores.costs,
    trail: stores.trail,
    store: stores.notices,
    idleRules: idleRulesOf(policy.idle),
    trailLocations: trailLocationsOf(policy.accounts, policy.cloudtrail).map(({ account, ...location }) => ({ ...location, account: account.id })),
    trailStaleMs: trailStaleMsOf(policy.cloudtrail),
    ...(members ? { activeOwners: () => members.activeOwners() } : {}),
    isUp: (name, at) => {
      const env = fleet.environment(name);
      const schedule = env ? scheduler.resolve(env).schedule : null;
      return schedule ? isUp(schedule, at) : null;
    },
    pendingApprovals: (envs) => approvals.pending().filter((a) => envs.includes(a.environment)),
    activeOverrides: (envs) =>
      [...scheduler.explainAll(fleet.environments().filter((e) => envs.includes(e.name)))].flatMap(([environment, e]) => (e.override ? [{ environment, override: e.override }] : [])),
  });
}
