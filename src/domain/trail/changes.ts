import type { DecodedEvent, EventFlag, EventTarget } from './decode.js';
import { environmentNameOf, type EnvironmentRules } from '../environments.js';
import type { ServiceSnapshot } from '../inventory.js';

/** Who changed what: placing CloudTrail events in environments, and summarising them. */

export const WHO_WINDOWS = ['24h', '7d'] as const;
export type WhoWindow = (typeof WHO_WINDOWS)[number];
export const DEFAULT_WHO_WINDOW: WhoWindow = '24h';

export const WHO_WINDOW_MS: Record<WhoWindow, number> = { '24h': 86_400_000, '7d': 7 * 86_400_000 };

export const FLAG_LABELS: Record<EventFlag, string> = {
  'root-activity': 'root account used',
  'scale-to-zero': 'scaled to zero outside dockhand',
  deletion: 'deleted',
  'permission-failure': 'refused for lack of permission',
  'terraform-reset-parked': 'Terraform restarted a parked environment',
  'claims-dockhand': 'claims to be dockhand, but dockhand made no such call',
};

function sameLocation(service: ServiceSnapshot, target: EventTarget): boolean {
  return service.region === target.region && (target.accountId === null || service.account === target.accountId) && service.cluster === target.cluster;
}

/**
 * The environment an event's target belongs to, judged from the inventory: the service's own environment,
 * else the one environment all services of the cluster share (a service deleted since is still placed),
 * else, in cluster mode, the cluster's name when it matches.
 */
export function environmentLocator(services: readonly ServiceSnapshot[], rules: EnvironmentRules): (target: EventTarget) => string | null {
  return (target) => {
    const inCluster = services.filter((s) => sameLocation(s, target));
    const own = target.service === null ? undefined : inCluster.find((s) => s.name === target.service);
    if (own) return own.environment;
    const shared = [...new Set(inCluster.map((s) => s.environment))];
    if (shared.length === 1 && shared[0] !== null && shared[0] !== undefined) return shared[0];
    return rules.mode === 'cluster' ? environmentNameOf(rules, { tags: {} }, { name: target.cluster, tags: {} }) : null;
  };
}

export interface ChangeCount {
  /** Null for events outside any environment. */
  environment: string | null;
  changes: number;
  failed: number;
  flagged: number;
}

/** Events per environment, busiest first. */
export function changeCounts(events: readonly DecodedEvent[]): ChangeCount[] {
  const counts = new Map<string | null, ChangeCount>();
  for (const event of events) {
    const environment = event.what.environment;
    const count = counts.get(environment) ?? { environment, changes: 0, failed: 0, flagged: 0 };
    count.changes += 1;
    if (event.failed) count.failed += 1;
    if (event.flags.length > 0) count.flagged += 1;
    counts.set(environment, count);
  }
  return [...counts.values()].sort(
    (a, b) => b.changes - a.changes || (a.environment === null ? 1 : b.environment === null ? -1 : a.environment.localeCompare(b.environment)),
  );
}

/** How far CloudTrail has been read for one account, region and event source. */
export interface TrailReadState {
  /** How people name the location, e.g. `sandbox us-east-1 ecs.amazonaws.com`. */
  label: string;
  /** Where the first read began and the last one ended, epoch ms; null when it was never read. */
  fromMs: number | null;
  toMs: number | null;
  /** The last read failed (and none has succeeded since). */
  failure: { atMs: number; error: string } | null;
}

/** A 12-digit AWS account id, bare or in the brackets of a location's label (`sandbox (111111111111) us-east-1`). */
const ACCOUNT_ID = / ?\(\d{12}\)|\b\d{12}\b ?/g;

/** A gap as told to someone who may not see account ids: the id cut from its label, a failure without AWS's message. */
export function gapWithoutAccountIds(gap: TrailGap): TrailGap {
  const label = gap.label.replace(ACCOUNT_ID, '').trim() || 'CloudTrail';
  return gap.kind === 'failed' ? { ...gap, label, error: '' } : { ...gap, label };
}

/** A reason "no changes" cannot be said for a window. */
export type TrailGap =
  | { label: string; kind: 'failed'; atMs: number; error: string }
  | { label: string; kind: 'never-read' }
  | { label: string; kind: 'read-since'; fromMs: number }
  | { label: string; kind: 'read-until'; toMs: number };

/**
 * What keeps dockhand from knowing every change in the window: a location whose last read failed, one never
 * read, one read only from after the window began, or one whose reads stopped (`staleMs` before `now`).
 * Empty when CloudTrail was read for all of it.
 */
export function trailGaps(states: readonly TrailReadState[], window: { from: Date; to: Date }, staleMs: number): TrailGap[] {
  return states.flatMap((state): TrailGap[] => {
    const { label } = state;
    if (state.failure) return [{ label, kind: 'failed', atMs: state.failure.atMs, error: state.failure.error }];
    if (state.toMs === null) return [{ label, kind: 'never-read' }];
    if (state.fromMs !== null && state.fromMs > window.from.getTime()) return [{ label, kind: 'read-since', fromMs: state.fromMs }];
    if (state.toMs < window.to.getTime() - staleMs) return [{ label, kind: 'read-until', toMs: state.toMs }];
    return [];
  });
}
