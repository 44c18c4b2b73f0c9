import pLimit from 'p-limit';
import { describeScheduledActions, deleteScheduledAction, putScheduledAction, setScheduledScalingSuspended } from '../aws/autoscaling/scheduled-actions.js';
import { describeBounds, resourceIdOf, setBounds } from '../aws/autoscaling/targets.js';
import { withDeadline } from '../aws/call-scope.js';
import type { AwsClients } from '../aws/clients.js';
import type { Account } from '../config/policy.js';
import type { Clock } from '../domain/clock.js';
import type { Environment } from '../domain/environments.js';
import { matchesAny } from '../domain/glob.js';
import type { ScalableBounds } from '../domain/operations.js';
import { SCHEDULER_ACTOR } from '../domain/schedules/decide.js';
import { toAwsScheduledActions, type Schedule } from '../domain/schedules/schedule.js';
import { errorMessage, type Logger } from '../log.js';
import { auditedAwsCall } from '../operations/audited.js';
import type { AuditStore } from '../store/audit-store.js';
import type { OperationsStore } from '../store/operations-store.js';

export interface NativeSchedulesDeps {
  globs: readonly string[];
  accounts: readonly Account[];
  aws: AwsClients;
  operations: OperationsStore;
  audit: AuditStore;
  clock: Clock;
  logger: Logger;
  /** How long one environment's writes may take (`aws.step_deadline_ms`): a hung AWS endpoint gives them up, its retries refused. */
  deadlineMs: number;
}

export interface SyncResult {
  registered: number;
  put: number;
  deleted: number;
}

const PREFIX = 'dockhand-';

/**
 * Native mode: the schedule is also written to Application Auto Scaling as scheduled actions with a Timezone
 * on every service, so environments still park and start while dockhand is down. Only actions named
 * `dockhand-…` are touched; anything else on the targets is left alone.
 */
export class NativeSchedules {
  constructor(private readonly deps: NativeSchedulesDeps) {}

  get enabled(): boolean {
    return this.deps.globs.length > 0;
  }

  applies(environment: string): boolean {
    return this.enabled && matchesAny(this.deps.globs, environment);
  }

  private account(id: string): Account {
    const account = this.deps.accounts.find((a) => a.id === id);
    if (!account) throw new Error(`account ${id} is not in the policy file`);
    return account;
  }

  private call<T>(environment: string, action: string, params: Record<string, unknown>, run: () => Promise<T>): Promise<T> {
    return auditedAwsCall(this.deps.audit, this.deps.clock, { actor: SCHEDULER_ACTOR, environment, action: `application-autoscaling:${action}`, params }, run);
  }

  /** Makes the scheduled actions of every service match the schedule: registers targets, puts and deletes actions. */
  sync(env: Environment, schedule: Schedule | null): Promise<SyncResult> {
    return withDeadline(this.deps.deadlineMs, `writing the native schedule of ${env.name}`, () => this.syncNow(env, schedule));
  }

  private async syncNow(env: Environment, schedule: Schedule | null): Promise<SyncResult> {
    const result: SyncResult = { registered: 0, put: 0, deleted: 0 };
    const wanted = schedule ? toAwsScheduledActions(schedule) : [];
    const parked = await this.deps.operations.parkRecords(env.services.map((s) => s.arn));
    const limit = pLimit(4);
    const locations = new Map<string, Environment['services'][number][]>();
    for (const service of env.services) locations.set(`${service.account}/${service.region}`, [...(locations.get(`${service.account}/${service.region}`) ?? []), service]);
    for (const services of locations.values()) {
      const first = services[0] as Environment['services'][number];
      const client = this.deps.aws.autoscaling(this.account(first.account), first.region);
      const ids = services.map((s) => resourceIdOf(s.cluster, s.name));
      const bounds = await this.call(env.name, 'DescribeScalableTargets', { resourceIds: ids }, () => describeBounds(client, ids));
      await Promise.all(
        services.map((service) =>
          limit(async () => {
            const resourceId = resourceIdOf(service.cluster, service.name);
            const record = parked.get(service.arn);
            let current = bounds.get(resourceId);
            if (!current && wanted.length > 0) {
              // Scheduled actions need a scalable target: pin the service at its count, which is what it had.
              const count = record?.desired ?? service.desired;
              current = { min: count, max: count };
              await this.call(env.name, 'RegisterScalableTarget', { resourceId, ...current }, () => setBounds(client, resourceId, current as ScalableBounds));
              result.registered += 1;
            }
            if (!current) return;
            const up: ScalableBounds = record
              ? { min: record.minCapacity ?? record.desired, max: record.maxCapacity ?? record.desired }
              : current.max > 0
                ? current
                : { min: service.desired, max: Math.max(service.desired, 1) };
            const existing = await this.call(env.name, 'DescribeScheduledActions', { resourceId }, () => describeScheduledActions(client, resourceId));
            for (const action of wanted) {
              const target = action.kind === 'up' ? up : { min: 0, max: 0 };
              const have = existing.get(action.name);
              const same =
                have?.Schedule === action.schedule &&
                have.Timezone === action.timezone &&
                have.ScalableTargetAction?.MinCapacity === target.min &&
                have.ScalableTargetAction?.MaxCapacity === target.max;
              if (same) continue;
              const params = { resourceId, name: action.name, schedule: action.schedule, timezone: action.timezone, ...target };
              await this.call(env.name, 'PutScheduledAction', params, () => putScheduledAction(client, resourceId, { ...action, bounds: target }));
              result.put += 1;
            }
            for (const name of existing.keys()) {
              if (!name.startsWith(PREFIX) || wanted.some((a) => a.name === name)) continue;
              await this.call(env.name, 'DeleteScheduledAction', { resourceId, name }, () => deleteScheduledAction(client, resourceId, name));
              result.deleted += 1;
            }
          }),
        ),
      );
    }
    return result;
  }

  /** While an override holds, AWS must not park the environment on its own: scheduled scaling is suspended. */
  async setSuspended(env: Environment, suspended: boolean): Promise<void> {
    await withDeadline(this.deps.deadlineMs, `${suspended ? 'suspending' : 'resuming'} the native schedule of ${env.name}`, () => this.setSuspendedNow(env, suspended));
  }

  private async setSuspendedNow(env: Environment, suspended: boolean): Promise<void> {
    await Promise.all(
      env.services.map(async (service) => {
        const client = this.deps.aws.autoscaling(this.account(service.account), service.region);
        const resourceId = resourceIdOf(service.cluster, service.name);
        await this.call(env.name, 'RegisterScalableTarget', { resourceId, scheduledScalingSuspended: suspended }, () => setScheduledScalingSuspended(client, resourceId, suspended));
      }),
    );
  }

  /** The daily drift check: whatever changed the actions in AWS, they are put back to what the policy says. */
  async repairAll(environments: ReadonlyArray<{ env: Environment; schedule: Schedule | null }>): Promise<SyncResult> {
    const total: SyncResult = { registered: 0, put: 0, deleted: 0 };
    for (const { env, schedule } of environments) {
      if (!this.applies(env.name)) continue;
      try {
        const result = await this.sync(env, schedule);
        total.registered += result.registered;
        total.put += result.put;
        total.deleted += result.deleted;
      } catch (error) {
        this.deps.logger.error('native schedule repair failed', { environment: env.name, error: errorMessage(error) });
      }
    }
    return total;
  }
}
