/**
 * Live alerts, decided from plain data: which failed deployments, lasting degradations and flagged CloudTrail
 * events to tell an environment's channel about, each with an identity so it is told once. Pure.
 */
import { rolloutOf } from './diagnosis.js';
import type { Environment } from './environments.js';
import type { ServiceSnapshot } from './inventory.js';
import type { DecodedEvent, EventFlag } from './trail/decode.js';

/** A deployment ECS gave up on (the circuit breaker failed it, rolling back or not). */
export interface FailedDeploymentAlert {
  kind: 'deployment-failed';
  service: string;
  serviceArn: string;
  deploymentId: string;
  /** The circuit breaker rolled the service back to its last completed deployment. */
  rolledBack: boolean;
  /** ECS's words for it (rolloutStateReason). */
  reason: string | null;
  failedTasks: number;
  /** When ECS last changed the deployment (when it failed). */
  at: string | null;
}

export interface ShortService {
  name: string;
  running: number;
  desired: number;
}

/** An environment short of its desired tasks since `since`, for at least the configured minutes. */
export interface DegradedAlert {
  kind: 'degraded';
  since: string;
  services: ShortService[];
}

/** A CloudTrail event the ingest flagged (Root activity, scale to zero outside dockhand, …). */
export interface TrailFlagAlert {
  kind: 'trail-flag';
  event: DecodedEvent;
}

export type AlertItem = FailedDeploymentAlert | DegradedAlert | TrailFlagAlert;

/** What one message tells one environment's channel (environment null: events placed in no environment). */
export interface LiveAlert {
  environment: string | null;
  items: AlertItem[];
  now: Date;
}

/** Flags after which the environment is down or not as dockhand parked it: `/env start` puts it back. */
export const START_AGAIN_FLAGS: readonly EventFlag[] = ['scale-to-zero', 'terraform-reset-parked'];

/** The alert's identity in the claim table: the same failure, degradation or event is claimed once per channel. */
export function alertKey(environment: string | null, item: AlertItem): string {
  switch (item.kind) {
    case 'deployment-failed':
      return `deployment:${item.serviceArn}:${item.deploymentId}`;
    case 'degraded':
      return `degraded:${environment ?? ''}:${item.since}`;
    case 'trail-flag':
      return `trail:${item.event.eventId}`;
  }
}

/** ECS's service event for a failed rollout: "(service x) (deployment ecs-svc/1) deployment failed: tasks failed to start." */
const FAILED_EVENT = /\(deployment ([^)\s]+)\) deployment failed(?::\s*(.*))?/i;

/**
 * Deployments that FAILED, changed no longer ago than `maxAgeMs` (one that failed last month and is still the
 * service's last word is not news to a dockhand with a new database). A failure ECS has already rolled back
 * and dropped from the deployments is still named by the service's events, under the same deployment id.
 */
export function failedDeployments(service: ServiceSnapshot, now: Date, maxAgeMs: number): FailedDeploymentAlert[] {
  const rolledBack = (rolloutOf(service, now)?.rollbacks ?? 0) > 0;
  const recent = (at: string | null) => at === null || now.getTime() - Date.parse(at) <= maxAgeMs;
  const alert = (deploymentId: string, reason: string | null, failedTasks: number, at: string | null): FailedDeploymentAlert => ({
    kind: 'deployment-failed',
    service: service.name,
    serviceArn: service.arn,
    deploymentId,
    rolledBack,
    reason,
    failedTasks,
    at,
  });
  const listed = service.deployments.filter((d) => d.rolloutState === 'FAILED');
  const fromDeployments = listed.filter((d) => recent(d.updatedAt ?? d.createdAt)).map((d) => alert(d.id, d.rolloutStateReason ?? null, d.failedTasks, d.updatedAt ?? d.createdAt));
  const known = new Set(listed.map((d) => d.id));
  const fromEvents = service.events.flatMap((event) => {
    const match = FAILED_EVENT.exec(event.message);
    if (!match?.[1] || known.has(match[1]) || !recent(event.at)) return [];
    known.add(match[1]);
    return [alert(match[1], match[2] ?? null, 0, event.at)];
  });
  return [...fromDeployments, ...fromEvents];
}

/** Services running fewer tasks than they should. */
export function shortServices(env: Pick<Environment, 'services'>): ShortService[] {
  return env.services.filter((s) => s.desired > 0 && s.running < s.desired).map((s) => ({ name: s.name, running: s.running, desired: s.desired }));
}

export interface DegradedSteps {
  /** Environments seen short for the first time: remember since when. */
  started: string[];
  /** Environments remembered as short that are whole again (or gone): forget them. */
  recovered: string[];
  /** Short for at least the threshold: alert (once per environment and start). */
  due: { environment: string; alert: DegradedAlert }[];
}

/** One refresh's view of degradation, against when each environment was first seen short. */
export function degradedSteps(environments: readonly Environment[], since: ReadonlyMap<string, string>, now: Date, thresholdMs: number): DegradedSteps {
  const short = new Map(environments.map((env) => [env.name, shortServices(env)] as const).filter(([, services]) => services.length > 0));
  const started = [...short.keys()].filter((name) => !since.has(name));
  const recovered = [...since.keys()].filter((name) => !short.has(name));
  const due = [...since.entries()].flatMap(([environment, at]) => {
    const services = short.get(environment);
    if (!services || now.getTime() - Date.parse(at) < thresholdMs) return [];
    return [{ environment, alert: { kind: 'degraded' as const, since: at, services } }];
  });
  return { started, recovered, due };
}

/** Items grouped into one alert per environment, in the order environments first appear. */
export function alertsByEnvironment(items: readonly { environment: string | null; item: AlertItem }[], now: Date): LiveAlert[] {
  const grouped = new Map<string | null, AlertItem[]>();
  for (const { environment, item } of items) grouped.set(environment, [...(grouped.get(environment) ?? []), item]);
  return [...grouped.entries()].map(([environment, grouped]) => ({ environment, items: grouped, now }));
}
