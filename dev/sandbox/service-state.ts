import { createHash, randomInt, randomUUID } from 'node:crypto';
import type { CpuArchitecture, LogDriver } from './fleet.js';

export interface TaskDefinitionState {
  arn: string;
  family: string;
  revision: number;
  cpu: number;
  memory: number;
  arch: CpuArchitecture;
  registeredAt: number;
  logDriver: LogDriver;
}

export type RolloutState = 'COMPLETED' | 'IN_PROGRESS' | 'FAILED';

export interface DeploymentState {
  id: string;
  status: 'PRIMARY' | 'ACTIVE';
  desiredCount: number;
  createdAt: number;
  updatedAt: number;
  rolloutState: RolloutState;
  rolloutStateReason: string;
  failedTasks: number;
  /** Running tasks step from `fromRunning` to `toRunning` at `readyAt`; until then the gap is pending. */
  fromRunning: number;
  toRunning: number;
  readyAt: number;
}

export interface ServiceEventState {
  id: string;
  createdAt: number;
  message: string;
}

export interface TaskState {
  id: string;
  deploymentId: string;
  lastStatus: 'RUNNING' | 'PENDING' | 'STOPPED';
  desiredStatus: 'RUNNING' | 'STOPPED';
  createdAt: number;
}

/** How a broken service's tasks fail (`Sandbox.breakService`): what its stopped tasks then say. */
export interface TaskFailure {
  kind: 'image-missing' | 'oom' | 'health-check';
  /** image-missing: the tag that does not exist; default `missing`. */
  imageTag?: string;
  /** The circuit breaker rolls back (its rolloutStateReason and events say so). */
  rollback?: boolean;
}

export interface ServiceSeed {
  arn: string;
  name: string;
  clusterArn: string;
  clusterName: string;
  taskDefinition: TaskDefinitionState;
  spot: boolean;
  desired: number;
  running: number;
  degraded: boolean;
  tags: Record<string, string>;
  createdAt: number;
  lastDeployedAt: number;
  convergeDelayMs: number;
  /** How long its stopped tasks stay listed; undefined: until forgotten on request. */
  stoppedTaskRetentionMs?: number | undefined;
}

const MAX_EVENTS = 100;
const TASK_IDS_PER_EVENT = 10;

function deploymentId(): string {
  return `ecs-svc/${randomInt(1e9, 1e10 - 1)}${randomInt(1e8, 1e9 - 1)}`;
}

/** Task ids are derived from their deployment and slot, so events, ListTasks and DescribeTasks agree. */
function taskId(deployment: string, slot: number | string): string {
  return createHash('sha1').update(`${deployment}/${slot}`).digest('hex').slice(0, 32);
}

function runningAt(deployment: DeploymentState, at: number): number {
  return at < deployment.readyAt ? deployment.fromRunning : deployment.toRunning;
}

function pendingAt(deployment: DeploymentState, at: number): number {
  if (deployment.status !== 'PRIMARY' || at >= deployment.readyAt) return 0;
  return Math.max(0, deployment.desiredCount - deployment.fromRunning);
}

/**
 * An ECS service whose counts converge lazily: a change schedules when tasks become ready, and every
 * read first settles whatever has finished by then. Nothing runs on timers, so a virtual clock can jump a week.
 */
export class ServiceState {
  readonly arn: string;
  readonly name: string;
  readonly clusterArn: string;
  readonly clusterName: string;
  readonly taskDefinition: TaskDefinitionState;
  readonly spot: boolean;
  readonly createdAt: number;
  readonly tags: Map<string, string>;
  desiredCount: number;
  /** PRIMARY first, then draining ACTIVE ones. */
  deployments: DeploymentState[];
  /** Newest first, at most 100 as ECS keeps. */
  readonly events: ServiceEventState[] = [];
  /** Running-task count over time as a step function (sorted by `at`): what cost is integrated from. */
  readonly timeline: { at: number; running: number }[];
  /** Tasks beyond this count fail to start; undefined when the service is healthy. */
  private healthyCapacity: number | undefined;
  /** How its tasks fail, once broken; undefined: the generic failure of a seeded degraded service. */
  failure: TaskFailure | undefined;
  /** Stopped tasks before this instant are forgotten, as ECS forgets them about an hour after they stop. */
  private forgottenBefore = -Infinity;
  private readonly stoppedTaskRetentionMs: number | undefined;
  private readonly convergeDelayMs: number;
  /** When the rollout in flight finishes (deployments settle, the steady-state event appears). */
  private settlesAt: number | undefined;

  constructor(seed: ServiceSeed) {
    this.arn = seed.arn;
    this.name = seed.name;
    this.clusterArn = seed.clusterArn;
    this.clusterName = seed.clusterName;
    this.taskDefinition = seed.taskDefinition;
    this.spot = seed.spot;
    this.createdAt = seed.createdAt;
    this.tags = new Map(Object.entries(seed.tags));
    this.desiredCount = seed.desired;
    this.convergeDelayMs = seed.convergeDelayMs;
    this.stoppedTaskRetentionMs = seed.stoppedTaskRetentionMs;
    this.healthyCapacity = seed.degraded ? seed.running : undefined;
    const failing = seed.degraded && seed.running < seed.desired;
    const id = deploymentId();
    const deployment: DeploymentState = {
      id,
      status: 'PRIMARY',
      desiredCount: seed.desired,
      createdAt: seed.lastDeployedAt,
      updatedAt: seed.lastDeployedAt + seed.convergeDelayMs,
      rolloutState: failing ? 'FAILED' : 'COMPLETED',
      rolloutStateReason: `ECS deployment ${id} completed.`,
      failedTasks: 0,
      fromRunning: seed.running,
      toRunning: seed.running,
      readyAt: seed.lastDeployedAt,
    };
    this.deployments = [deployment];
    this.timeline = [{ at: seed.createdAt, running: seed.running }];
    if (seed.desired > 0) this.addEvent(seed.lastDeployedAt, this.startedMessage(deployment.id, 0, seed.desired));
    if (failing) {
      this.failRollout(deployment, seed.lastDeployedAt + seed.convergeDelayMs);
    } else {
      this.completeRollout(deployment, seed.lastDeployedAt + seed.convergeDelayMs);
    }
  }

  get primary(): DeploymentState {
    return this.deployments[0]!;
  }

  runningCount(at: number): number {
    return this.deployments.reduce((sum, d) => sum + runningAt(d, at), 0);
  }

  pendingCount(at: number): number {
    return this.deployments.reduce((sum, d) => sum + pendingAt(d, at), 0);
  }

  deploymentCounts(deployment: DeploymentState, at: number): { running: number; pending: number } {
    return { running: runningAt(deployment, at), pending: pendingAt(deployment, at) };
  }

  /** Applies the end of a rollout that finished by `now`. Call before reading or changing the service. */
  settle(now: number): void {
    if (this.settlesAt === undefined || this.settlesAt > now) return;
    const at = this.settlesAt;
    this.settlesAt = undefined;
    const previous = this.deployments[1];
    this.deployments = [this.primary];
    const primary = this.primary;
    primary.updatedAt = at;
    if (this.healthyCapacity !== undefined && primary.desiredCount > this.healthyCapacity) {
      this.failRollout(primary, at, previous);
    } else {
      this.completeRollout(primary, at);
    }
  }

  /** UpdateService desiredCount: the PRIMARY deployment moves to the new count after the converge delay. */
  scale(desired: number, now: number): void {
    this.settle(now);
    const primary = this.primary;
    const running = runningAt(primary, now);
    this.desiredCount = desired;
    primary.desiredCount = desired;
    primary.updatedAt = now;
    if (desired === running && this.settlesAt === undefined) return;
    primary.fromRunning = running;
    primary.toRunning = this.achievable(desired);
    primary.readyAt = now + this.convergeDelayMs;
    if (desired > running) this.addEvent(now, this.startedMessage(primary.id, running, desired));
    if (desired < running) this.addEvent(now, this.stoppedMessage(primary.id, desired, running));
    this.settlesAt = Math.max(this.settlesAt ?? 0, now + this.convergeDelayMs);
    this.recordTimeline(now);
  }

  /**
   * UpdateService forceNewDeployment: a new PRIMARY starts its tasks (ready halfway through the delay),
   * the old tasks keep running until the delay ends, so for a while the service runs up to 200%.
   */
  forceNewDeployment(now: number, desired = this.desiredCount): void {
    this.settle(now);
    this.desiredCount = desired;
    for (const old of this.deployments) {
      old.fromRunning = runningAt(old, now);
      old.toRunning = 0;
      old.readyAt = now + this.convergeDelayMs;
      old.status = 'ACTIVE';
      old.updatedAt = now;
    }
    const deployment: DeploymentState = {
      id: deploymentId(),
      status: 'PRIMARY',
      desiredCount: this.desiredCount,
      createdAt: now,
      updatedAt: now,
      rolloutState: 'IN_PROGRESS',
      rolloutStateReason: 'ECS deployment detected.',
      failedTasks: 0,
      fromRunning: 0,
      toRunning: this.achievable(this.desiredCount),
      readyAt: now + this.convergeDelayMs / 2,
    };
    this.deployments = [deployment, ...this.deployments];
    if (this.desiredCount > 0) this.addEvent(now, this.startedMessage(deployment.id, 0, this.desiredCount));
    this.settlesAt = now + this.convergeDelayMs;
    this.recordTimeline(now);
  }

  /**
   * Makes every new task fail the given way from now on, and starts a deployment that will fail; with
   * `deployNow` false the running tasks stay up and the next deployment (a restart, a scale up) fails.
   */
  break(failure: TaskFailure, now: number, deployNow = true): void {
    this.settle(now);
    this.failure = failure;
    this.healthyCapacity = 0;
    if (deployNow) this.forceNewDeployment(now);
  }

  /** Drops the stopped tasks known so far, as ECS does after a while. */
  forgetStoppedTasks(now: number): void {
    this.forgottenBefore = now + 1;
  }

  /** Running task-seconds between two instants, integrated over the timeline. */
  taskSeconds(from: number, to: number): number {
    let total = 0;
    for (let i = 0; i < this.timeline.length; i++) {
      const segment = this.timeline[i]!;
      const start = Math.max(from, segment.at);
      const end = Math.min(to, this.timeline[i + 1]?.at ?? Infinity);
      if (end > start) total += segment.running * (end - start);
    }
    return total / 1000;
  }

  /** The tasks a service has at `now`: running and pending ones per deployment, and failed ones as STOPPED. */
  tasks(now: number): TaskState[] {
    const tasks: TaskState[] = [];
    for (const deployment of this.deployments) {
      const running = runningAt(deployment, now);
      const pending = pendingAt(deployment, now);
      for (let slot = 0; slot < running + pending; slot++) {
        tasks.push({
          id: taskId(deployment.id, slot),
          deploymentId: deployment.id,
          lastStatus: slot < running ? 'RUNNING' : 'PENDING',
          desiredStatus: 'RUNNING',
          createdAt: deployment.createdAt,
        });
      }
      const forgotten = Math.max(this.forgottenBefore, this.stoppedTaskRetentionMs === undefined ? -Infinity : now - this.stoppedTaskRetentionMs);
      if (deployment.updatedAt < forgotten) continue;
      for (let failure = 0; failure < Math.min(deployment.failedTasks, 10); failure++) {
        tasks.push({
          id: taskId(deployment.id, `failed-${failure}`),
          deploymentId: deployment.id,
          lastStatus: 'STOPPED',
          desiredStatus: 'STOPPED',
          createdAt: deployment.updatedAt,
        });
      }
    }
    return tasks;
  }

  private achievable(desired: number): number {
    return this.healthyCapacity === undefined ? desired : Math.min(desired, this.healthyCapacity);
  }

  private completeRollout(deployment: DeploymentState, at: number): void {
    if (deployment.rolloutState !== 'COMPLETED') {
      deployment.rolloutState = 'COMPLETED';
      deployment.rolloutStateReason = `ECS deployment ${deployment.id} completed.`;
      this.addEvent(at, `(service ${this.name}) (deployment ${deployment.id}) deployment completed.`);
    }
    this.addEvent(at, `(service ${this.name}) has reached a steady state.`);
  }

  private failRollout(deployment: DeploymentState, at: number, previous?: DeploymentState): void {
    const failed = deployment.desiredCount - deployment.toRunning;
    deployment.failedTasks += failed * 2;
    deployment.rolloutState = 'FAILED';
    deployment.rolloutStateReason =
      this.failure?.rollback && previous ? `ECS deployment circuit breaker: rolling back to deploymentId ${previous.id}.` : `ECS deployment circuit breaker: tasks failed to start.`;
    for (let failure = 0; failure < Math.min(failed, TASK_IDS_PER_EVENT); failure++) {
      this.addEvent(at, `(service ${this.name}) (task ${taskId(deployment.id, `failed-${failure}`)}) failed container health checks.`);
    }
    this.addEvent(at, `(service ${this.name}) (deployment ${deployment.id}) deployment failed: tasks failed to start.`);
    if (this.failure?.rollback && previous) this.addEvent(at, `(service ${this.name}) rolling back to deployment ${previous.id}.`);
  }

  private startedMessage(deployment: string, fromSlot: number, toSlot: number): string {
    const count = toSlot - fromSlot;
    return `(service ${this.name}) has started ${count} tasks: ${this.taskList(deployment, fromSlot, toSlot)}.`;
  }

  private stoppedMessage(deployment: string, fromSlot: number, toSlot: number): string {
    const count = toSlot - fromSlot;
    return `(service ${this.name}) has stopped ${count} running tasks: ${this.taskList(deployment, fromSlot, toSlot)}.`;
  }

  private taskList(deployment: string, fromSlot: number, toSlot: number): string {
    const shown = Math.min(toSlot, fromSlot + TASK_IDS_PER_EVENT);
    const ids: string[] = [];
    for (let slot = fromSlot; slot < shown; slot++) ids.push(`(task ${taskId(deployment, slot)})`);
    return ids.join(' ');
  }

  private addEvent(at: number, message: string): void {
    this.events.unshift({ id: randomUUID(), createdAt: at, message });
    if (this.events.length > MAX_EVENTS) this.events.length = MAX_EVENTS;
  }

  /** Rewrites the running-count timeline from `now` on: later breakpoints were predictions this change supersedes. */
  private recordTimeline(now: number): void {
    while (this.timeline.length > 1 && this.timeline.at(-1)!.at >= now) this.timeline.pop();
    const breakpoints = [now, ...this.deployments.map((d) => d.readyAt).filter((t) => t > now)].sort((a, b) => a - b);
    for (const at of breakpoints) {
      const running = this.runningCount(at);
      if (this.timeline.at(-1)!.running !== running) this.timeline.push({ at, running });
    }
  }
}
