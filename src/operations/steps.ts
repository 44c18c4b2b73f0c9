import { resourceIdOf, setBounds } from '../aws/autoscaling/targets.js';
import type { AwsClients } from '../aws/clients.js';
import { forceNewDeployment, setDesiredCount } from '../aws/ecs/actions.js';
import type { Account } from '../config/policy.js';
import { checkScale, parkRecordFor, restoreTargetFor, type ServiceCurrent } from '../domain/operations.js';
import type { OperationRow, OperationsStore, OperationVerb, StepRow } from '../store/operations-store.js';
import { plural } from '../slack/blocks/format.js';
import type { AuditedCall } from './current.js';

export interface StepContext {
  operation: OperationRow;
  current: Map<string, ServiceCurrent | null>;
  aws: AwsClients;
  operations: OperationsStore;
  account: (id: string) => Account;
  audited: AuditedCall;
  fallbackDesired: number;
  now: () => string;
  resumed: boolean;
}

export interface StepOutcome {
  text: string;
  skipped?: boolean;
  /** The desired count the step set, so the stored inventory can show it before the next refresh. */
  desired?: number;
}

/** A step dockhand decided not to take (e.g. a count outside the autoscaling bounds): nothing was called. */
export class StepRefused extends Error {}

interface StepAction {
  /** Runs once before any step, e.g. to record the original state of every service. */
  prepare?: (steps: readonly StepRow[], context: StepContext) => void;
  run: (step: StepRow, context: StepContext) => Promise<StepOutcome>;
}

function bounds(min: number | null, max: number | null): string {
  return min !== null && max !== null ? `, autoscaling ${min}–${max}` : '';
}

function tasks(count: number): string {
  return plural(count, 'task');
}

function tools(step: StepRow, context: StepContext) {
  const account = context.account(step.account);
  const actor = context.operation.requestedBy;
  return { ecs: context.aws.ecs(account, step.region, actor), autoscaling: context.aws.autoscaling(account, step.region, actor) };
}

function liveOrGone(step: StepRow, context: StepContext): ServiceCurrent | null {
  return context.current.get(step.serviceArn) ?? null;
}

const GONE: StepOutcome = { text: 'no longer exists in AWS; skipped', skipped: true };

async function updateDesired(step: StepRow, context: StepContext, desiredCount: number): Promise<void> {
  const { ecs } = tools(step, context);
  await context.audited({
    action: 'ecs:UpdateService',
    params: { cluster: step.cluster, service: step.service, desiredCount },
    run: () => setDesiredCount(ecs, step.cluster, step.service, desiredCount),
  });
}

async function updateBounds(step: StepRow, context: StepContext, min: number, max: number): Promise<void> {
  const { autoscaling } = tools(step, context);
  const resourceId = resourceIdOf(step.cluster, step.service);
  await context.audited({
    action: 'application-autoscaling:RegisterScalableTarget',
    params: { resourceId, min, max },
    run: () => setBounds(autoscaling, resourceId, { min, max }),
  });
}

export const STEP_ACTIONS: Record<OperationVerb, StepAction> = {
  stop: {
    // Record every service's original state in one transaction before the first one is touched. A resumed
    // stop keeps the records it made: some services are half-parked by now and must not be recorded so.
    prepare(steps, context) {
      const existing = context.operations.parkRecords(steps.map((s) => s.serviceArn));
      const records = steps.flatMap((step) => {
        const live = liveOrGone(step, context);
        if (!live) return [];
        const record = existing.get(step.serviceArn);
        return [context.resumed && record ? record : parkRecordFor(live, record)];
      });
      context.operations.saveParkRecords(context.operation.environment, records, context.now(), context.operation.requestedBy);
    },
    async run(step, context) {
      const live = liveOrGone(step, context);
      if (!live) return GONE;
      const record = context.operations.parkRecords([step.serviceArn]).get(step.serviceArn);
      // Bounds first: with min > 0 the autoscaler would push the desired count straight back up.
      if (live.scalable) await updateBounds(step, context, 0, 0);
      await updateDesired(step, context, 0);
      return { text: `parked (was ${tasks(record?.desired ?? live.desired)}${bounds(record?.minCapacity ?? null, record?.maxCapacity ?? null)})`, desired: 0 };
    },
  },
  start: {
    async run(step, context) {
      const live = liveOrGone(step, context);
      if (!live) return GONE;
      const record = context.operations.parkRecords([step.serviceArn]).get(step.serviceArn);
      const target = restoreTargetFor(live, record, context.fallbackDesired);
      if (target.bounds && live.scalable) await updateBounds(step, context, target.bounds.min, target.bounds.max);
      await updateDesired(step, context, target.desired);
      if (record) context.operations.deleteParkRecord(step.serviceArn);
      const how = target.source === 'recorded' ? 'as recorded' : `nothing was recorded, so the fallback of ${context.fallbackDesired}`;
      return { text: `${tasks(target.desired)}${target.bounds ? bounds(target.bounds.min, target.bounds.max) : ''} (${how})`, desired: target.desired };
    },
  },
  restart: {
    async run(step, context) {
      if (!liveOrGone(step, context)) return GONE;
      const { ecs } = tools(step, context);
      await context.audited({
        action: 'ecs:UpdateService',
        params: { cluster: step.cluster, service: step.service, forceNewDeployment: true },
        run: () => forceNewDeployment(ecs, step.cluster, step.service),
      });
      return { text: 'new deployment started' };
    },
  },
  scale: {
    async run(step, context) {
      const live = liveOrGone(step, context);
      if (!live) return GONE;
      const count = Number(context.operation.params.count);
      const check = checkScale(step.service, count, live.scalable);
      if (!check.ok) throw new StepRefused(check.reason);
      await updateDesired(step, context, count);
      return { text: `${tasks(live.desired)} → ${tasks(count)}`, desired: count };
    },
  },
};
