import { resourceIdOf, setBounds } from '../aws/autoscaling/targets.js';
import type { AwsClients } from '../aws/clients.js';
import { explainAwsError } from '../aws/errors.js';
import { forceNewDeployment, setDesiredCount, tagService, untagService } from '../aws/ecs/actions.js';
import type { Account } from '../config/policy.js';
import { checkScale, isParked, parkRecordFor, restoreTargetFor, type ParkRecord, type ServiceCurrent } from '../domain/operations.js';
import { formatParkTag, PARK_TAG_KEY, parkRecordFromTag, parseParkTag } from '../domain/park-tag.js';
import type { OperationRow, OperationsStore, OperationVerb, StepRow } from '../store/operations-store.js';
import { plural } from '../domain/words.js';
import type { AuditedCall } from './read-current.js';

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
  prepare?: (steps: readonly StepRow[], context: StepContext) => Promise<void>;
  run: (step: StepRow, context: StepContext) => Promise<StepOutcome>;
}

function bounds(min: number | null, max: number | null): string {
  return min !== null && max !== null ? `, autoscaling ${min}–${max}` : '';
}

function tasks(count: number): string {
  return plural(count, 'task');
}

/** The ECS and Application Auto Scaling clients for the step's account and region, acting for the requester. */
function stepClients(step: StepRow, context: StepContext) {
  const account = context.account(step.account);
  const actor = context.operation.requestedBy;
  return { ecs: context.aws.ecs(account, step.region, actor), autoscaling: context.aws.autoscaling(account, step.region, actor) };
}

function liveOrGone(step: StepRow, context: StepContext): ServiceCurrent | null {
  return context.current.get(step.serviceArn) ?? null;
}

const GONE: StepOutcome = { text: 'no longer exists in AWS; skipped', skipped: true };

async function updateDesired(step: StepRow, context: StepContext, desiredCount: number): Promise<void> {
  const { ecs } = stepClients(step, context);
  await context.audited({
    action: 'ecs:UpdateService',
    params: { cluster: step.cluster, service: step.service, desiredCount },
    run: () => setDesiredCount(ecs, step.cluster, step.service, desiredCount),
  });
}

async function updateBounds(step: StepRow, context: StepContext, min: number, max: number): Promise<void> {
  const { autoscaling } = stepClients(step, context);
  const resourceId = resourceIdOf(step.cluster, step.service);
  await context.audited({
    action: 'application-autoscaling:RegisterScalableTarget',
    params: { resourceId, min, max },
    run: () => setBounds(autoscaling, resourceId, { min, max }),
  });
}

/** Why a call failed, in the words the step detail uses (the IAM action named when access was denied). */
function reasonOf(error: unknown, action: string): string {
  return explainAwsError(error, action).message.replace(/\.$/, '');
}

/**
 * Writes the park record onto the service before anything changes. A failure does not stop the park (the
 * database is the primary record), but the reply says that only the database holds it.
 */
async function writeParkTag(step: StepRow, context: StepContext, record: ParkRecord): Promise<string> {
  const { ecs } = stepClients(step, context);
  const value = formatParkTag(record, context.operation.requestedBy, new Date(context.now()));
  try {
    await context.audited({
      action: 'ecs:TagResource',
      params: { resourceArn: step.serviceArn, key: PARK_TAG_KEY, value },
      run: () => tagService(ecs, step.serviceArn, PARK_TAG_KEY, value),
    });
    return '';
  } catch (error) {
    return `; its ${PARK_TAG_KEY} tag could not be written (${reasonOf(error, 'ecs:TagResource')}), so only dockhand's database holds the record`;
  }
}

/** Removes the park tag once the service is restored; a failure is said, not fatal. */
async function removeParkTag(step: StepRow, context: StepContext): Promise<string> {
  const { ecs } = stepClients(step, context);
  try {
    await context.audited({
      action: 'ecs:UntagResource',
      params: { resourceArn: step.serviceArn, key: PARK_TAG_KEY },
      run: () => untagService(ecs, step.serviceArn, PARK_TAG_KEY),
    });
    return '';
  } catch (error) {
    return `; its ${PARK_TAG_KEY} tag is still there (${reasonOf(error, 'ecs:UntagResource')})`;
  }
}

/** The record a service's own park tag holds, when it has a valid one. */
function recordFromTag(live: ServiceCurrent): ParkRecord | undefined {
  const read = live.parkTag === null ? null : parseParkTag(live.parkTag);
  return read?.ok ? parkRecordFromTag(live, read.tag) : undefined;
}

/** Where start takes a service's target from: the database first, then the service's own tag. */
async function restoreSource(step: StepRow, live: ServiceCurrent, context: StepContext): Promise<{ record: ParkRecord | undefined; from: 'database' | 'tag' | 'none'; badTag: string | null }> {
  const stored = (await context.operations.parkRecords([step.serviceArn])).get(step.serviceArn);
  if (stored) return { record: stored, from: 'database', badTag: null };
  if (live.parkTag === null) return { record: undefined, from: 'none', badTag: null };
  const read = parseParkTag(live.parkTag);
  if (read.ok) return { record: parkRecordFromTag(live, read.tag), from: 'tag', badTag: null };
  return { record: undefined, from: 'none', badTag: read.reason };
}

export const STEP_ACTIONS: Record<OperationVerb, StepAction> = {
  stop: {
    // Record every service's original state in one transaction before the first one is touched. A resumed
    // stop keeps the records it made: some services are half-parked by now and must not be recorded so.
    // A service already parked is left alone, its record (when, by whom, what it ran) included: a second stop
    // never records the parked state over the original one.
    async prepare(steps, context) {
      const existing = await context.operations.parkRecords(steps.map((s) => s.serviceArn));
      const records = steps.flatMap((step) => {
        const live = liveOrGone(step, context);
        if (!live || isParked(live)) return [];
        const record = existing.get(step.serviceArn);
        if (context.resumed && record) return [];
        // Without a database record, a service's own tag (e.g. it was scaled up by hand since) is its original state.
        return [parkRecordFor(live, record ?? recordFromTag(live))];
      });
      await context.operations.saveParkRecords(context.operation.environment, records, context.now(), context.operation.requestedBy);
    },
    async run(step, context) {
      const live = liveOrGone(step, context);
      if (!live) return GONE;
      if (isParked(live)) return { text: 'already parked; left as it was', skipped: true };
      const record = (await context.operations.parkRecords([step.serviceArn])).get(step.serviceArn) ?? parkRecordFor(live, undefined);
      // The record goes onto the service before anything changes, so losing the database loses nothing.
      const tagged = await writeParkTag(step, context, record);
      // Bounds first: with min > 0 the autoscaler would push the desired count straight back up.
      if (live.scalable) await updateBounds(step, context, 0, 0);
      await updateDesired(step, context, 0);
      return { text: `parked (was ${tasks(record.desired)}${bounds(record.minCapacity, record.maxCapacity)})${tagged}`, desired: 0 };
    },
  },
  start: {
    async run(step, context) {
      const live = liveOrGone(step, context);
      if (!live) return GONE;
      const { record, from, badTag } = await restoreSource(step, live, context);
      // Running and nothing recorded to restore: starting it would only set the count it has.
      if (from === 'none' && live.desired > 0) return { text: `already running (${tasks(live.desired)}); left as it was`, skipped: true };
      const target = restoreTargetFor(live, record, context.fallbackDesired);
      if (target.bounds && live.scalable) await updateBounds(step, context, target.bounds.min, target.bounds.max);
      await updateDesired(step, context, target.desired);
      if (from === 'database') await context.operations.deleteParkRecord(step.serviceArn);
      // A bad tag stays where it is for a person to look at; a used (or outdated) one is done with.
      const untagged = live.parkTag !== null && badTag === null ? await removeParkTag(step, context) : '';
      const how =
        from === 'database'
          ? 'as recorded'
          : from === 'tag'
            ? `as recorded in its ${PARK_TAG_KEY} tag: dockhand's database had no record`
            : `nothing was recorded, so the fallback of ${context.fallbackDesired}${badTag ? `; its ${PARK_TAG_KEY} tag was not used: ${badTag}` : ''}`;
      return { text: `${tasks(target.desired)}${target.bounds ? bounds(target.bounds.min, target.bounds.max) : ''} (${how})${untagged}`, desired: target.desired };
    },
  },
  restart: {
    async run(step, context) {
      if (!liveOrGone(step, context)) return GONE;
      const { ecs } = stepClients(step, context);
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
