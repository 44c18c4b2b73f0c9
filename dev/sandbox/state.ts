import { createHash } from 'node:crypto';
import type { Clock } from '../../src/domain/clock.js';
import { CloudTrailLog } from './cloudtrail.js';
import type { FleetSpec } from './fleet.js';
import { IdentityRegistry } from './identity.js';
import { LogGroups, logGroupOf } from './logs.js';
import { ServiceState, type TaskDefinitionState } from './service-state.js';

const DAY_MS = 86_400_000;

export interface ClusterState {
  arn: string;
  name: string;
  tags: Map<string, string>;
  /** Insertion-ordered, which is the order ListServices pages through. */
  services: Map<string, ServiceState>;
}

export interface SuspendedState {
  DynamicScalingInSuspended: boolean;
  DynamicScalingOutSuspended: boolean;
  ScheduledScalingSuspended: boolean;
}

export interface ScheduledActionState {
  name: string;
  arn: string;
  schedule: string;
  timezone?: string;
  startTime?: number;
  endTime?: number;
  minCapacity?: number;
  maxCapacity?: number;
  createdAt: number;
}

export interface ScalableTargetState {
  resourceId: string;
  arn: string;
  min: number;
  max: number;
  roleArn: string;
  createdAt: number;
  suspended: SuspendedState;
  scheduledActions: Map<string, ScheduledActionState>;
}

export interface EcsArn {
  region: string;
  account: string;
  /** `cluster`, `service`, `task`, `task-definition`. */
  resourceType: string;
  /** The path after the resource type, split on `/`. */
  path: string[];
}

export function parseEcsArn(arn: string): EcsArn | undefined {
  const match = /^arn:aws[\w-]*:ecs:([\w-]+):(\d{12}):([\w-]+)\/(.+)$/.exec(arn);
  if (!match) return undefined;
  return { region: match[1]!, account: match[2]!, resourceType: match[3]!, path: match[4]!.split('/') };
}

/** Everything one account holds in one region. */
export class RegionState {
  readonly clusters = new Map<string, ClusterState>();
  /** Keyed `family:revision`. */
  readonly taskDefinitions = new Map<string, TaskDefinitionState>();
  /** Keyed by Application Auto Scaling ResourceId, `service/<cluster>/<service>`. */
  readonly scalableTargets = new Map<string, ScalableTargetState>();
  readonly trail = new CloudTrailLog();
  /** CloudWatch Logs groups of awslogs task definitions. */
  readonly logs = new LogGroups();

  constructor(
    readonly account: string,
    readonly region: string,
  ) {}

  arn(resource: string): string {
    return `arn:aws:ecs:${this.region}:${this.account}:${resource}`;
  }

  /** A cluster by name or ARN; ECS means the cluster named `default` when none is given. */
  findCluster(ref: string | undefined): ClusterState | undefined {
    const name = ref ?? 'default';
    if (!name.startsWith('arn:')) return this.clusters.get(name);
    const arn = parseEcsArn(name);
    if (!arn || arn.resourceType !== 'cluster' || !this.owns(arn)) return undefined;
    return this.clusters.get(arn.path.join('/'));
  }

  /** A service of a cluster by name or by ARN (long `service/<cluster>/<name>` or old `service/<name>` form). */
  findService(cluster: ClusterState, ref: string): ServiceState | undefined {
    if (!ref.startsWith('arn:')) return cluster.services.get(ref);
    const arn = parseEcsArn(ref);
    if (!arn || arn.resourceType !== 'service' || !this.owns(arn)) return undefined;
    const [first, second] = arn.path;
    if (second !== undefined && first !== cluster.name) return undefined;
    return cluster.services.get(second ?? first!);
  }

  serviceByResourceId(resourceId: string): ServiceState | undefined {
    const match = /^service\/([^/]+)\/([^/]+)$/.exec(resourceId);
    if (!match) return undefined;
    return this.clusters.get(match[1]!)?.services.get(match[2]!);
  }

  private owns(arn: EcsArn): boolean {
    return arn.account === this.account && arn.region === this.region;
  }
}

export interface WorldOptions {
  clock: Clock;
  convergeDelayMs: number;
  /** How long after an API call its CloudTrail event becomes visible to LookupEvents. */
  cloudTrailLagMs: number;
  /** How many (day, group) pairs one GetCostAndUsage page holds. */
  costExplorerPageSize: number;
  /** How long stopped tasks stay listed (ECS: about an hour); undefined keeps them until forgotten on request. */
  stoppedTaskRetentionMs?: number | undefined;
}

/** All sandbox state: per account and region, plus the access keys the sandbox knows. */
export class World {
  readonly identities = new IdentityRegistry();
  private readonly regions = new Map<string, RegionState>();

  constructor(readonly options: WorldOptions) {}

  now(): number {
    return this.options.clock.now().getTime();
  }

  region(account: string, region: string): RegionState {
    const key = `${account}/${region}`;
    let state = this.regions.get(key);
    if (!state) {
      state = new RegionState(account, region);
      this.regions.set(key, state);
    }
    return state;
  }

  /** Like region(), without creating an empty one. */
  findRegion(account: string, region: string): RegionState | undefined {
    return this.regions.get(`${account}/${region}`);
  }

  allRegions(): RegionState[] {
    return [...this.regions.values()];
  }

  seed(fleet: FleetSpec): void {
    const now = this.now();
    const delay = this.options.convergeDelayMs;
    for (const account of fleet.accounts) for (const region of account.regions) this.region(account.id, region);
    for (const spec of fleet.clusters) {
      const state = this.region(spec.account, spec.region);
      if (state.clusters.has(spec.name)) throw new Error(`fleet: cluster ${spec.name} is listed twice in ${spec.account}/${spec.region}`);
      const cluster: ClusterState = {
        arn: state.arn(`cluster/${spec.name}`),
        name: spec.name,
        tags: new Map(Object.entries(spec.tags)),
        services: new Map(),
      };
      state.clusters.set(spec.name, cluster);
      for (const service of spec.services) {
        if (cluster.services.has(service.name)) throw new Error(`fleet: service ${service.name} is listed twice in cluster ${spec.name}`);
        const createdAt = now - (service.createdDaysAgo ?? 90) * DAY_MS;
        const lastDeployedAt = Math.max(createdAt, Math.min(now - delay, now - (service.lastDeployedDaysAgo ?? 3) * DAY_MS));
        const family = service.taskFamily ?? service.name;
        const revision = service.revision ?? 1;
        const key = `${family}:${revision}`;
        const existing = state.taskDefinitions.get(key);
        if (existing && (existing.cpu !== service.cpu || existing.memory !== service.memory || existing.arch !== service.arch)) {
          throw new Error(`fleet: task definition ${key} is shared by services with different cpu, memory or architecture`);
        }
        const taskDefinition = existing ?? {
          arn: state.arn(`task-definition/${key}`),
          family,
          revision,
          cpu: service.cpu,
          memory: service.memory,
          arch: service.arch,
          registeredAt: createdAt,
          logDriver: service.logDriver ?? 'awslogs',
        };
        if (taskDefinition.logDriver === 'awslogs') state.logs.declare(logGroupOf(family), { family, failing: (service.degraded ?? false) || /worker/.test(family) });
        state.taskDefinitions.set(key, taskDefinition);
        const running = Math.min(service.running ?? service.desired, service.desired);
        cluster.services.set(
          service.name,
          new ServiceState({
            arn: state.arn(`service/${spec.name}/${service.name}`),
            name: service.name,
            clusterArn: cluster.arn,
            clusterName: spec.name,
            taskDefinition,
            spot: service.spot,
            desired: service.desired,
            running,
            degraded: service.degraded ?? false,
            tags: service.tags,
            createdAt,
            lastDeployedAt,
            convergeDelayMs: delay,
            stoppedTaskRetentionMs: this.options.stoppedTaskRetentionMs,
          }),
        );
        if (service.scalable) {
          const resourceId = `service/${spec.name}/${service.name}`;
          state.scalableTargets.set(resourceId, newScalableTarget(state, resourceId, service.scalable, createdAt));
        }
      }
    }
  }
}

export function newScalableTarget(
  state: RegionState,
  resourceId: string,
  capacity: { min: number; max: number },
  createdAt: number,
): ScalableTargetState {
  return {
    resourceId,
    arn: `arn:aws:application-autoscaling:${state.region}:${state.account}:scalable-target/${stableTargetId(resourceId)}`,
    min: capacity.min,
    max: capacity.max,
    roleArn: `arn:aws:iam::${state.account}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService`,
    createdAt,
    suspended: { DynamicScalingInSuspended: false, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false },
    scheduledActions: new Map(),
  };
}

function stableTargetId(resourceId: string): string {
  return `0ec5${createHash('sha256').update(resourceId).digest('hex').slice(0, 28)}`;
}
