import { idleRulesOf } from '../config/report-policy.js';
import { accessPolicyOf } from '../config/policy.js';
import { withGrants, type AccessPolicy, type ActiveGrant } from '../domain/access/permissions.js';
import { isUp } from '../domain/schedules/schedule.js';
import { trailLocationsOf, trailStaleMsOf } from '../jobs/audit-ingest.js';
import { NativeSchedules } from '../jobs/native-schedules.js';
import { ScheduleService } from '../schedules/schedule-service.js';
import { ApprovalService } from '../operations/approval-service.js';
import { OperationLauncher } from '../operations/launch.js';
import { OperationRunner } from '../operations/runner.js';
import { FleetReports } from '../store/fleet-reports.js';
import type { AwsClients } from '../aws/clients.js';
import { LogReader } from '../aws/logs/reader.js';
import type { Shared } from './shared.js';
import type { Workspace } from './slack.js';
import type { Stores } from './stores.js';

/** What commands, buttons and jobs call: access, operations, schedules, approvals, reports. */
export interface Services {
  /** The policy's bindings plus the grants in force now. */
  access: () => Promise<AccessPolicy>;
  /** Publishes `finished` for every operation; jobs.ts subscribes the follow-up refresh. */
  runner: OperationRunner;
  launcher: OperationLauncher;
  /** What applies, explain, set, extend, overrides: what commands, approvals and the scheduler job call. */
  schedules: ScheduleService;
  /** AWS's own scheduled actions, for the environments `schedules.native` covers. */
  native: NativeSchedules;
  approvals: ApprovalService;
  reports: FleetReports;
  /** `/env logs` (and a few error lines for whoever asks): CloudWatch Logs as the asker. */
  logs: LogReader;
}

export function buildServices(shared: Shared, stores: Stores, aws: AwsClients, workspace: Workspace): Services {
  const { policy, clock, logger } = shared;
  const basePolicy = accessPolicyOf(policy);
  // The same policy object while the same grants are active (the store answers with the same array): what a
  // command derives from it (the environments someone sees) can be kept on it.
  let derived: { grants: readonly ActiveGrant[]; policy: AccessPolicy } | null = null;
  const access = async () => {
    const grants = await stores.grants.active(clock.now().toISOString());
    if (derived?.grants !== grants) derived = { grants, policy: withGrants(basePolicy, grants) };
    return derived.policy;
  };
  const { launcher, runner } = operationsOf(shared, stores, aws, workspace);
  const native = new NativeSchedules({ globs: policy.schedules.native, accounts: policy.accounts, aws, operations: stores.operations, audit: stores.audit, clock, logger, deadlineMs: policy.aws.step_deadline_ms });
  const rules = { named: policy.schedules.named, defaults: policy.schedules.defaults, tagKey: policy.schedules.tag_key };
  const schedules = new ScheduleService({ fleet: stores.fleet, store: stores.schedules, rules, clock, logger, native });
  // A person's start or stop is an override until the next edge (after the metrics, before the refresh).
  runner.finished.subscribe(({ operation }) => schedules.noteOperation(operation));
  const approvals = new ApprovalService({
    store: stores.approvals,
    launcher,
    extend: schedules.extend.bind(schedules),
    fleet: stores.fleet,
    access,
    // The requester is checked again when approved: with their groups as Slack has them now.
    groupsOf: (userId) => workspace.directory.groupsOf(userId, { fresh: true }),
    outbound: workspace.outbound,
    audit: stores.audit,
    clock,
    logger,
    channel: policy.approvals.channel,
    expireMinutes: policy.approvals.expire_minutes,
  });
  const logs = new LogReader({ aws, accounts: policy.accounts, clock, deadlineMs: policy.aws.step_deadline_ms, maxPages: policy.logs.max_pages });
  return { access, runner, launcher, schedules, native, approvals, reports: reportsOf(shared, stores, workspace, schedules, approvals), logs };
}

/** The journaled runner and its launcher; the metrics hear of each finished operation first. */
function operationsOf({ policy, clock, logger, metrics }: Shared, stores: Stores, aws: AwsClients, workspace: Workspace) {
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
    // A claim lives as long as the lease: renewed on the same heartbeat, resumed by the leader once it lapses.
    claimTtlMs: policy.instance.lease_seconds * 1000,
  });
  runner.finished.subscribe(({ operation }) =>
    metrics.operation(operation.verb, operation.status, operation.finishedAt ? (Date.parse(operation.finishedAt) - Date.parse(operation.startedAt)) / 1000 : 0),
  );
  return { runner, launcher: new OperationLauncher(runner, workspace.outbound) };
}

/** Cost, idle and trail reports, and the digests' content. */
function reportsOf({ policy }: Shared, stores: Stores, workspace: Workspace, schedules: ScheduleService, approvals: ApprovalService): FleetReports {
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
    isUp: async (environments) => {
      const applying = new Map((await schedules.applying(environments)).map(({ environment, resolved }) => [environment.name, resolved.schedule]));
      return (name, at) => {
        const schedule = applying.get(name);
        return schedule ? isUp(schedule, at) : null;
      };
    },
    pendingApprovals: async (envs) => (await approvals.pending()).filter((a) => envs.includes(a.environment)),
    activeOverrides: async (envs) =>
      [...(await schedules.explainAll(fleet.environments().filter((e) => envs.includes(e.name))))].flatMap(([environment, e]) => (e.override ? [{ environment, override: e.override }] : [])),
  });
}
