/** The JSON shapes ECS answers with, built from sandbox state. Timestamps are epoch seconds. */
import { logGroupOf, STREAM_PREFIX } from './logs.js';
import { epochSeconds } from './protocol.js';
import type { DeploymentState, ServiceState, TaskDefinitionState, TaskState } from './service-state.js';
import type { ClusterState, RegionState } from './state.js';

export function tagList(tags: Map<string, string>): { key: string; value: string }[] {
  return [...tags].map(([key, value]) => ({ key, value }));
}

function capacity(service: ServiceState): Record<string, unknown> {
  return service.spot
    ? { capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1, base: 0 }] }
    : { launchType: 'FARGATE' };
}

function networkConfiguration(state: RegionState): Record<string, unknown> {
  return {
    awsvpcConfiguration: {
      subnets: [`subnet-0${state.account.slice(0, 7)}a1`, `subnet-0${state.account.slice(0, 7)}b2`],
      securityGroups: [`sg-0${state.account.slice(0, 7)}c3`],
      assignPublicIp: 'DISABLED',
    },
  };
}

function deploymentShape(state: RegionState, service: ServiceState, deployment: DeploymentState, now: number) {
  const counts = service.deploymentCounts(deployment, now);
  return {
    id: deployment.id,
    status: deployment.status,
    taskDefinition: service.taskDefinition.arn,
    desiredCount: deployment.desiredCount,
    pendingCount: counts.pending,
    runningCount: counts.running,
    failedTasks: deployment.failedTasks,
    createdAt: epochSeconds(deployment.createdAt),
    updatedAt: epochSeconds(deployment.updatedAt),
    ...capacity(service),
    platformVersion: '1.4.0',
    platformFamily: 'Linux',
    networkConfiguration: networkConfiguration(state),
    rolloutState: deployment.rolloutState,
    rolloutStateReason: deployment.rolloutStateReason,
  };
}

/** A service as DescribeServices returns it; the caller settles the service first. */
export function serviceShape(state: RegionState, service: ServiceState, now: number, includeTags: boolean) {
  return {
    serviceArn: service.arn,
    serviceName: service.name,
    clusterArn: service.clusterArn,
    loadBalancers: [],
    serviceRegistries: [],
    status: 'ACTIVE',
    desiredCount: service.desiredCount,
    runningCount: service.runningCount(now),
    pendingCount: service.pendingCount(now),
    ...capacity(service),
    platformVersion: 'LATEST',
    platformFamily: 'Linux',
    taskDefinition: service.taskDefinition.arn,
    deploymentConfiguration: {
      deploymentCircuitBreaker: { enable: true, rollback: false },
      maximumPercent: 200,
      minimumHealthyPercent: 100,
    },
    deployments: service.deployments.map((deployment) => deploymentShape(state, service, deployment, now)),
    events: service.events.map((event) => ({ id: event.id, createdAt: epochSeconds(event.createdAt), message: event.message })),
    createdAt: epochSeconds(service.createdAt),
    placementConstraints: [],
    placementStrategy: [],
    networkConfiguration: networkConfiguration(state),
    healthCheckGracePeriodSeconds: 0,
    schedulingStrategy: 'REPLICA',
    deploymentController: { type: 'ECS' },
    createdBy: `arn:aws:iam::${state.account}:role/terraform`,
    enableECSManagedTags: true,
    propagateTags: 'SERVICE',
    enableExecuteCommand: false,
    ...(includeTags ? { tags: tagList(service.tags) } : {}),
  };
}

export function clusterShape(cluster: ClusterState, now: number, includeTags: boolean) {
  let running = 0;
  let pending = 0;
  for (const service of cluster.services.values()) {
    service.settle(now);
    running += service.runningCount(now);
    pending += service.pendingCount(now);
  }
  return {
    clusterArn: cluster.arn,
    clusterName: cluster.name,
    status: 'ACTIVE',
    registeredContainerInstancesCount: 0,
    runningTasksCount: running,
    pendingTasksCount: pending,
    activeServicesCount: cluster.services.size,
    statistics: [],
    settings: [{ name: 'containerInsights', value: 'disabled' }],
    capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
    defaultCapacityProviderStrategy: [],
    ...(includeTags ? { tags: tagList(cluster.tags) } : {}),
  };
}

function awslogs(state: RegionState, group: string) {
  return { logDriver: 'awslogs', options: { 'awslogs-group': group, 'awslogs-region': state.region, 'awslogs-stream-prefix': STREAM_PREFIX } };
}

function logConfigurationOf(state: RegionState, definition: TaskDefinitionState) {
  if (definition.logDriver === 'none') return {};
  if (definition.logDriver === 'awsfirelens') return { logConfiguration: { logDriver: 'awsfirelens', options: { Name: 'datadog', Host: 'http-intake.logs.datadoghq.com' } } };
  return { logConfiguration: awslogs(state, logGroupOf(definition.family)) };
}

/** FireLens's router: fluent-bit, whose own logs go to CloudWatch (not the service's). */
function fireLensRouter(state: RegionState) {
  return {
    name: 'log_router',
    image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable',
    essential: true,
    firelensConfiguration: { type: 'fluentbit' },
    logConfiguration: awslogs(state, '/ecs/firelens'),
  };
}

export function taskDefinitionShape(state: RegionState, definition: TaskDefinitionState) {
  return {
    taskDefinitionArn: definition.arn,
    family: definition.family,
    revision: definition.revision,
    status: 'ACTIVE',
    cpu: String(definition.cpu),
    memory: String(definition.memory),
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    compatibilities: ['EC2', 'FARGATE'],
    runtimePlatform: { cpuArchitecture: definition.arch, operatingSystemFamily: 'LINUX' },
    executionRoleArn: `arn:aws:iam::${state.account}:role/ecsTaskExecutionRole`,
    containerDefinitions: [
      {
        name: 'app',
        image: `${state.account}.dkr.ecr.${state.region}.amazonaws.com/${definition.family}:r${definition.revision}`,
        cpu: 0,
        essential: true,
        portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
        environment: [],
        mountPoints: [],
        volumesFrom: [],
        ...logConfigurationOf(state, definition),
      },
      ...(definition.logDriver === 'awsfirelens' ? [fireLensRouter(state)] : []),
    ],
    volumes: [],
    placementConstraints: [],
    registeredAt: epochSeconds(definition.registeredAt),
    registeredBy: `arn:aws:iam::${state.account}:role/terraform`,
  };
}

export function taskArn(state: RegionState, clusterName: string, taskId: string): string {
  return state.arn(`task/${clusterName}/${taskId}`);
}

/** What a stopped task says, by how its service fails: ECS's stopCode, stoppedReason and the container's exit. */
function stopShape(service: ServiceState, image: string): { task: Record<string, unknown>; container: Record<string, unknown>; image: string } {
  const failure = service.failure;
  if (failure?.kind === 'image-missing') {
    const missing = `${image.slice(0, image.lastIndexOf(':'))}:${failure.imageTag ?? 'missing'}`;
    const reason = `CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref ${missing}: ${missing}: not found`;
    return { task: { stopCode: 'TaskFailedToStart', stoppedReason: reason }, container: { reason }, image: missing };
  }
  if (failure?.kind === 'oom') {
    return {
      task: { stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' },
      container: { exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' },
      image,
    };
  }
  if (failure?.kind === 'health-check') {
    return { task: { stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'Task failed container health checks' }, container: { exitCode: 143 }, image };
  }
  return { task: { stopCode: 'TaskFailedToStart', stoppedReason: 'Essential container in task exited' }, container: { exitCode: 1 }, image };
}

export function taskShape(state: RegionState, service: ServiceState, task: TaskState, includeTags: boolean) {
  const arn = taskArn(state, service.clusterName, task.id);
  const definition = service.taskDefinition;
  const stopped = task.lastStatus === 'STOPPED';
  const stop = stopped ? stopShape(service, `${state.account}.dkr.ecr.${state.region}.amazonaws.com/${definition.family}:r${definition.revision}`) : null;
  return {
    taskArn: arn,
    clusterArn: service.clusterArn,
    taskDefinitionArn: definition.arn,
    group: `service:${service.name}`,
    startedBy: task.deploymentId,
    lastStatus: task.lastStatus,
    desiredStatus: task.desiredStatus,
    ...(service.spot ? { capacityProviderName: 'FARGATE_SPOT' } : { launchType: 'FARGATE' }),
    cpu: String(definition.cpu),
    memory: String(definition.memory),
    createdAt: epochSeconds(task.createdAt),
    ...(task.lastStatus === 'RUNNING' ? { startedAt: epochSeconds(task.createdAt) } : {}),
    ...(stop ? { stoppingAt: epochSeconds(task.createdAt), stoppedAt: epochSeconds(task.createdAt), executionStoppedAt: epochSeconds(task.createdAt), ...stop.task } : {}),
    platformVersion: '1.4.0',
    platformFamily: 'Linux',
    availabilityZone: `${state.region}a`,
    connectivity: stopped ? 'DISCONNECTED' : 'CONNECTED',
    healthStatus: 'UNKNOWN',
    version: stopped ? 4 : 2,
    attributes: [{ name: 'ecs.cpu-architecture', value: definition.arch === 'ARM64' ? 'arm64' : 'x86_64' }],
    containers: [
      {
        taskArn: arn,
        name: 'app',
        lastStatus: task.lastStatus,
        image: stop?.image ?? `${state.account}.dkr.ecr.${state.region}.amazonaws.com/${definition.family}:r${definition.revision}`,
        ...(stop?.container ?? {}),
      },
    ],
    ...(includeTags ? { tags: tagList(service.tags) } : {}),
  };
}
