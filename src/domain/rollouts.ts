/**
 * Following a rollout to its end: after a restart, start or scale, whether each service's deployment has
 * completed, failed or is still rolling out, judged from inventory snapshots alone. Pure.
 */
import type { ServiceDiagnosis } from './diagnosis.js';
import type { ServiceSnapshot } from './inventory.js';

/** The verbs whose rollouts are followed (a stop needs no following: its tasks just go). */
export const FOLLOWED_VERBS = ['restart', 'start', 'scale'] as const;
export type FollowedVerb = (typeof FOLLOWED_VERBS)[number];

export function isFollowedVerb(verb: string): verb is FollowedVerb {
  return (FOLLOWED_VERBS as readonly string[]).includes(verb);
}

/** Where one followed service's rollout got to; `rolling` until it ends. */
export type RolloutLine =
  | { service: string; state: 'rolling'; running: number; desired: number }
  | { service: string; state: 'completed'; seconds: number }
  | { service: string; state: 'failed'; seconds: number; reason: string | null; rollback: boolean; diagnosis: ServiceDiagnosis }
  /** The follow limit passed first: said honestly, with where to look. */
  | { service: string; state: 'timed-out'; minutes: number; running: number; desired: number }
  /** No longer in the inventory (deleted, or no longer discovered). */
  | { service: string; state: 'gone' };

export type RolloutJudgement = { state: 'rolling'; running: number; desired: number } | { state: 'completed'; at: Date } | { state: 'failed'; at: Date; reason: string | null; rollback: boolean };

/** ECS's clock and dockhand's may differ a little: a deployment this much older than the operation still counts as its own. */
const CLOCK_SKEW_MS = 5_000;
const ROLLBACK = /rolling back|rolled back|rollback/i;

function parsed(at: string | null | undefined): number | null {
  if (!at) return null;
  const ms = Date.parse(at);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * Judges one service from a snapshot read after the operation. A restart makes a new deployment: that one
 * (or any made since, such as a circuit-breaker rollback's) decides. A start or scale changes the count of
 * the deployment there is: it has ended when that deployment is alone, settled and running what is desired.
 * `seenAt` is when the snapshot was read: an end ECS does not date is dated then.
 */
export function judgeRollout(verb: FollowedVerb, service: ServiceSnapshot, since: Date, seenAt: Date): RolloutJudgement {
  const from = since.getTime() - CLOCK_SKEW_MS;
  const primary = service.deployments.find((d) => d.status === 'PRIMARY') ?? service.deployments[0];
  const endedAt = (updatedAt: string | null) => new Date(Math.min(seenAt.getTime(), Math.max(since.getTime(), parsed(updatedAt) ?? seenAt.getTime())));
  // The new deployment's tasks: during a restart the old ones run beside them for a while.
  const rolling = { state: 'rolling' as const, running: primary?.running ?? service.running, desired: primary?.desired ?? service.desired };
  if (verb === 'restart') {
    const ours = service.deployments.filter((d) => (parsed(d.createdAt) ?? -Infinity) >= from);
    const failed = ours.find((d) => d.rolloutState === 'FAILED');
    if (failed) return { state: 'failed', at: endedAt(failed.updatedAt), reason: failed.rolloutStateReason ?? null, rollback: ROLLBACK.test(failed.rolloutStateReason ?? '') };
    if (primary && ours.includes(primary) && primary.rolloutState === 'COMPLETED' && service.deployments.length === 1) return { state: 'completed', at: endedAt(primary.updatedAt) };
    return rolling;
  }
  if (!primary) return rolling;
  const touched = Math.max(parsed(primary.updatedAt) ?? -Infinity, parsed(primary.createdAt) ?? -Infinity) >= from;
  if (primary.rolloutState === 'FAILED' && touched) {
    return { state: 'failed', at: endedAt(primary.updatedAt), reason: primary.rolloutStateReason ?? null, rollback: ROLLBACK.test(primary.rolloutStateReason ?? '') };
  }
  if (service.deployments.length === 1 && primary.rolloutState !== 'IN_PROGRESS' && service.running === service.desired && service.pending === 0) {
    return { state: 'completed', at: endedAt(touched ? primary.updatedAt : null) };
  }
  return rolling;
}

export function isFinal(line: RolloutLine): boolean {
  return line.state !== 'rolling';
}

/** What a followed rollout's message shows: the line per service, and until when it is followed. */
export interface RolloutsView {
  lines: readonly RolloutLine[];
  /** The follow limit (ISO time). */
  until: string;
  /** Every line is final: the message will not change again. */
  ended: boolean;
}
