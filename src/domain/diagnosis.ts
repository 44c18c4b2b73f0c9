/**
 * Why a service is not healthy, in plain words: its rollout and its most recent stopped tasks, decoded from
 * ECS's stop codes, stopped reasons and exit codes into what happened and what to do next. Pure.
 */
import type { ServiceSnapshot } from './inventory.js';

export interface StoppedContainer {
  name: string;
  /** Null when the container never ran (an image pull failure, say). */
  exitCode: number | null;
  reason: string | null;
  image: string | null;
}

/** What dockhand keeps of a stopped task, after ECS has forgotten it. */
export interface StoppedTask {
  taskArn: string;
  serviceArn: string;
  stoppedAt: string;
  stopCode: string | null;
  stoppedReason: string | null;
  /** The task's memory limit in MiB, as DescribeTasks said (the task definition's otherwise). */
  memoryMiB: number | null;
  containers: StoppedContainer[];
}

/** Bounds of what is kept per task: ECS reasons can be long, a task can have many containers. */
export const STOPPED_TASK_LIMITS = { reasonChars: 400, containers: 5 } as const;

/** Whether a restart could help: `no` when the cause is in the image, configuration or permissions. */
export type RestartVerdict = 'no' | 'maybe' | 'not-needed';

export interface DecodedStop {
  taskId: string;
  stoppedAt: string;
  /** What happened, in plain words. */
  what: string;
  /** What to do next, when it can be said. */
  next: string | null;
  restart: RestartVerdict;
  /** ECS's own words, for whoever wants them. */
  raw: string;
  /** How many of the recent stopped tasks stopped this same way (this one is the newest of them). */
  times: number;
}

/** What a stop means: the decoded part of a DecodedStop. */
type Verdict = Pick<DecodedStop, 'what' | 'next' | 'restart'>;

export interface RolloutSummary {
  state: string;
  reason: string | null;
  /** How long it has been trying (until now, or until it failed), in seconds; null once completed. */
  tryingForSeconds: number | null;
  failedTasks: number;
  /** Circuit-breaker rollbacks seen in the rollout reasons and the service's events. */
  rollbacks: number;
}

export interface ServiceDiagnosis {
  service: string;
  running: number;
  desired: number;
  /** Why it counts as not healthy. */
  symptoms: string[];
  rollout: RolloutSummary | null;
  stops: DecodedStop[];
  /** The advice of its stops, most recent first, each once. */
  advice: string[];
}

/** Not healthy: short of its desired count, a rollout in flight or failed, or tasks failing. */
export function symptomsOf(service: ServiceSnapshot): string[] {
  const symptoms: string[] = [];
  if (service.running < service.desired) symptoms.push(`${service.running}/${service.desired} tasks running`);
  const failed = service.deployments.find((d) => d.rolloutState === 'FAILED');
  if (failed) symptoms.push('its deployment failed');
  else if (service.deployments.length > 1 || service.deployments.some((d) => d.rolloutState === 'IN_PROGRESS')) symptoms.push('a deployment is in flight');
  const failing = service.deployments.reduce((sum, d) => sum + (d.rolloutState === 'COMPLETED' ? 0 : d.failedTasks), 0);
  if (failing > 0) symptoms.push(`${failing} tasks failed`);
  return symptoms;
}

export function isHealthy(service: ServiceSnapshot): boolean {
  return symptomsOf(service).length === 0;
}

const ROLLBACK = /rolling back|rolled back|rollback/i;

export function rolloutOf(service: ServiceSnapshot, now: Date): RolloutSummary | null {
  const primary = service.deployments.find((d) => d.status === 'PRIMARY') ?? service.deployments[0];
  if (!primary) return null;
  const reasons = service.deployments.map((d) => d.rolloutStateReason ?? '');
  // The reason and the event tell of the same rollback; events (newest few) may also tell of earlier ones.
  const rollbacks = Math.max(reasons.filter((r) => ROLLBACK.test(r)).length, service.events.filter((e) => ROLLBACK.test(e.message)).length);
  // A rollout still going has been trying until now; a failed one tried until ECS gave up on it.
  const until = primary.rolloutState === 'FAILED' && primary.updatedAt ? Date.parse(primary.updatedAt) : now.getTime();
  const since = primary.createdAt ? Math.max(0, Math.round((until - Date.parse(primary.createdAt)) / 1000)) : null;
  return {
    state: primary.rolloutState ?? 'IN_PROGRESS',
    reason: primary.rolloutStateReason ?? null,
    tryingForSeconds: primary.rolloutState === 'COMPLETED' ? null : since,
    failedTasks: service.deployments.reduce((sum, d) => sum + d.failedTasks, 0),
    rollbacks,
  };
}

function taskIdOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

function imageOf(text: string, fallback: string | null): string | null {
  const match = /(?:ref|image|pull)\s+"?([\w.-]+(?::\d+)?\/[\w./-]+(?::[\w.-]+)?(?:@sha256:[a-f0-9]+)?)/i.exec(text);
  return match?.[1] ?? fallback;
}

function pullFailure(text: string, image: string | null): Verdict {
  const name = image ?? 'the image';
  if (/not found|manifest unknown|does not exist|no such image|repository .* not found/i.test(text)) {
    return {
      what: `image ${name} not found: that tag (or repository) does not exist in the registry`,
      next: 'Push the image, or deploy a task definition whose tag exists. A restart will not fix it: ECS will pull the same missing tag.',
      restart: 'no',
    };
  }
  if (/access ?denied|not authorized|unauthorized|forbidden|403|denied/i.test(text)) {
    return {
      what: `the task may not pull ${name}: ECR refused the execution role`,
      next: 'Give the task execution role ecr:GetAuthorizationToken, ecr:BatchGetImage and ecr:GetDownloadUrlForLayer (and check the repository policy). A restart will not fix it.',
      restart: 'no',
    };
  }
  if (/timeout|timed out|dial tcp|no route|connection refused|network|unreachable|deadline exceeded/i.test(text)) {
    return {
      what: `the task could not reach the registry to pull ${name}`,
      next: 'Check the subnets’ route to ECR: a NAT gateway, VPC endpoints (ecr.api, ecr.dkr, s3) or a public IP, and the security group’s outbound rules.',
      restart: 'maybe',
    };
  }
  return { what: `the image ${name} could not be pulled`, next: 'Check the image name and that the execution role may pull it.', restart: 'maybe' };
}

function initFailure(text: string): Verdict {
  const secrets = /secret|ssm|parameter|kms/i.test(text);
  if (secrets && /access ?denied|not authorized|unauthorized|AccessDeniedException/i.test(text)) {
    return {
      what: 'the task could not read its secrets or parameters: the execution role is not allowed to',
      next: 'Allow the task execution role secretsmanager:GetSecretValue / ssm:GetParameters (and kms:Decrypt for a customer key) on them. A restart will not fix it.',
      restart: 'no',
    };
  }
  if (secrets && /not found|does not exist|ResourceNotFoundException|ParameterNotFound|invalid/i.test(text)) {
    return { what: 'a secret or parameter the task definition names does not exist', next: 'Create it, or fix its ARN in the task definition. A restart will not fix it.', restart: 'no' };
  }
  if (secrets) {
    return {
      what: 'the task could not retrieve its secrets or parameters',
      next: 'Check the route to Secrets Manager / SSM (NAT gateway or VPC endpoints) and the execution role’s permissions.',
      restart: 'maybe',
    };
  }
  return { what: 'the task’s resources could not be initialised (network, volumes or log configuration)', next: 'Read the reason below; check the subnets, security groups and log group.', restart: 'maybe' };
}

/** Exit 137 is SIGKILL: with OutOfMemoryError, the memory limit; without, most often that too. */
function outOfMemory(container: string, limit: string, certain: boolean): Verdict {
  return {
    what: certain
      ? `out of memory: container ${container} was killed (exit code 137) at ${limit}`
      : `container ${container} was killed (exit code 137, SIGKILL): most often out of memory at ${limit}, or too slow to stop`,
    next: 'Raise the task’s memory in its task definition, or find what uses it; a restart only buys time until it fills up again.',
    restart: 'no',
  };
}

const CLEAN_STOPS: Record<string, string> = {
  ServiceSchedulerInitiated: 'ECS stopped it (scaling in or replacing it in a deployment)',
  UserInitiated: 'someone stopped it',
  TerminationNotice: 'its capacity was retired',
};

/** Decodes one stopped task into what happened and what to do next. */
export function decodeStop(task: StoppedTask): DecodedStop {
  const reason = task.stoppedReason ?? '';
  const containerReasons = task.containers.map((c) => c.reason ?? '').join(' ');
  const text = `${reason} ${containerReasons}`;
  const image = imageOf(text, task.containers.find((c) => c.image)?.image ?? null);
  // A container's reason is often the task's again (an image pull failure): said once.
  const containerLine = (c: StoppedContainer) => `${c.name}: ${c.exitCode === null ? 'no exit code' : `exit ${c.exitCode}`}${c.reason && c.reason !== reason ? ` (${c.reason})` : ''}`;
  const raw = [task.stopCode, reason, ...task.containers.map(containerLine)]
    .filter(Boolean)
    .join(' · ');
  const base = { taskId: taskIdOf(task.taskArn), stoppedAt: task.stoppedAt, raw, times: 1 };
  const killed = task.containers.find((c) => /OutOfMemory/i.test(c.reason ?? '') || c.exitCode === 137);
  const oom = killed !== undefined && /OutOfMemory/i.test(killed.reason ?? '');
  const limit = task.memoryMiB === null ? 'its memory limit' : `its memory limit of ${task.memoryMiB} MiB`;

  if (/CannotPullContainerError|pull image|pulling image/i.test(text)) return { ...base, ...pullFailure(text, image) };
  if (/ResourceInitializationError/i.test(text)) return { ...base, ...initFailure(text) };
  if (/assume ?role|unable to assume|role .*cannot be assumed|execution role|task role/i.test(text)) {
    return {
      ...base,
      what: 'ECS could not use the task’s IAM role (task role or execution role)',
      next: 'Check that the role exists and trusts ecs-tasks.amazonaws.com, and that its ARN in the task definition is right. A restart will not fix it.',
      restart: 'no',
    };
  }
  if (task.stopCode === 'SpotInterruption' || /spot interruption|SpotInterruption/i.test(text)) {
    return { ...base, what: 'Fargate Spot took the capacity back (a Spot interruption)', next: 'ECS starts a replacement by itself; if it happens often, give the service an on-demand base.', restart: 'not-needed' };
  }
  if (oom && killed) return { ...base, ...outOfMemory(killed.name, limit, true) };
  if (/ELB health checks|target group|load balancer/i.test(text)) {
    return {
      ...base,
      what: 'the load balancer’s health checks failed, so ECS replaced the task',
      next: 'Check the target group’s health check path and port against what the app serves, and the service’s health check grace period.',
      restart: 'no',
    };
  }
  if (/container health checks|health ?check/i.test(text)) {
    return { ...base, what: 'the container’s own health check failed, so ECS replaced the task', next: 'Check the healthCheck command in the task definition and what the app answers to it.', restart: 'no' };
  }
  if (killed) return { ...base, ...outOfMemory(killed.name, limit, false) };
  const exited = task.containers.find((c) => c.exitCode !== null && c.exitCode !== 0) ?? null;
  if (task.stopCode === 'EssentialContainerExited' || /Essential container in task exited/i.test(reason) || exited) {
    const which = exited ? `container ${exited.name} exited with code ${exited.exitCode}` : 'an essential container exited';
    return { ...base, what: `${which}: the app stopped by itself (crashed, or failed to start)`, next: 'Read its logs for the error it stopped on; a restart will likely fail the same way.', restart: 'maybe' };
  }
  const clean = task.stopCode ? CLEAN_STOPS[task.stopCode] : undefined;
  if (clean) return { ...base, what: clean, next: null, restart: 'not-needed' };
  return { ...base, what: reason ? `stopped: ${reason}` : 'stopped, ECS gave no reason', next: null, restart: 'maybe' };
}

/** At most this many ways of stopping are shown per service, newest first. */
export const STOPS_SHOWN = 3;

/** Diagnoses one service from its snapshot and the stopped tasks known for it (any order). */
export function diagnoseService(service: ServiceSnapshot, stopped: readonly StoppedTask[], now: Date): ServiceDiagnosis {
  // Tasks of a failing rollout mostly stop the same way: each way once, with how many stopped so.
  const byWay = new Map<string, DecodedStop>();
  for (const stop of [...stopped].sort((a, b) => b.stoppedAt.localeCompare(a.stoppedAt)).map(decodeStop)) {
    const same = byWay.get(stop.raw);
    if (same) same.times += 1;
    else byWay.set(stop.raw, stop);
  }
  const stops = [...byWay.values()].slice(0, STOPS_SHOWN);
  return {
    service: service.name,
    running: service.running,
    desired: service.desired,
    symptoms: symptomsOf(service),
    rollout: rolloutOf(service, now),
    stops,
    advice: [...new Set(stops.flatMap((s) => (s.next ? [s.next] : [])))],
  };
}

/** Clips what ECS said to the bounds dockhand keeps. */
export function boundedStoppedTask(task: StoppedTask): StoppedTask {
  const clip = (text: string | null) => (text === null || text.length <= STOPPED_TASK_LIMITS.reasonChars ? text : `${text.slice(0, STOPPED_TASK_LIMITS.reasonChars - 1)}…`);
  return {
    ...task,
    stoppedReason: clip(task.stoppedReason),
    containers: task.containers.slice(0, STOPPED_TASK_LIMITS.containers).map((c) => ({ ...c, reason: clip(c.reason), image: clip(c.image) })),
  };
}
