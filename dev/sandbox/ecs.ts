import { z } from 'zod';
import {
  clusterShape,
  serviceShape,
  tagList,
  taskArn,
  taskDefinitionShape,
  taskShape,
} from './ecs-shapes.js';
import { SandboxError } from './errors.js';
import { operation, paginate, type AuditResource, type Call, type ServiceApi } from './protocol.js';
import type { ServiceState } from './service-state.js';
import { parseEcsArn, type ClusterState, type RegionState } from './state.js';

const INVALID = 'InvalidParameterException';
const include = z.array(z.string()).optional();
/** ECS allows letters, digits, spaces and `_ . : / = + - @` in tag keys and values. */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const tagText = 'may hold only letters, digits, spaces and _ . : / = + - @';
const tag = z.object({ key: z.string().min(1).max(128).regex(TAG_TEXT, `tag keys ${tagText}`), value: z.string().max(256).regex(TAG_TEXT, `tag values ${tagText}`).default('') });

function regionOf(call: Call): RegionState {
  return call.world.region(call.account, call.region);
}

function requireCluster(state: RegionState, ref: string | undefined): ClusterState {
  const cluster = state.findCluster(ref);
  if (!cluster) throw new SandboxError('ClusterNotFoundException', 'Cluster not found.');
  return cluster;
}

function requireService(state: RegionState, cluster: ClusterState, ref: string, now: number): ServiceState {
  const service = state.findService(cluster, ref);
  if (!service) throw new SandboxError('ServiceNotFoundException', 'Service not found.');
  service.settle(now);
  return service;
}

/** ECS caps page sizes; a larger maxResults is an error, not a silent clamp. */
function pageSize(maxResults: number | undefined, fallback: number): number {
  const size = maxResults ?? fallback;
  if (size < 1 || size > 100) throw new SandboxError(INVALID, 'maxResults must be between 1 and 100.');
  return size;
}

function nameOf(ref: string): string {
  return ref.startsWith('arn:') ? (ref.split('/').at(-1) ?? ref) : ref;
}

/** The ARNs a CloudTrail record names, computed from the request so failed calls name them too. */
function serviceResources(state: RegionState, clusterRef: string | undefined, serviceRef: string): AuditResource[] {
  const cluster = nameOf(clusterRef ?? 'default');
  return [
    { ResourceType: 'AWS::ECS::Service', ResourceName: serviceRef.startsWith('arn:') ? serviceRef : state.arn(`service/${cluster}/${serviceRef}`) },
    { ResourceType: 'AWS::ECS::Cluster', ResourceName: clusterRef?.startsWith('arn:') ? clusterRef : state.arn(`cluster/${cluster}`) },
  ];
}

function tagResources(resourceArn: string): AuditResource[] {
  const type = parseEcsArn(resourceArn)?.resourceType === 'cluster' ? 'AWS::ECS::Cluster' : 'AWS::ECS::Service';
  return [{ ResourceType: type, ResourceName: resourceArn }];
}

/** The tags of a cluster or service named by ARN: the resources the sandbox can tag. */
function taggable(state: RegionState, resourceArn: string, now: number): Map<string, string> {
  const arn = parseEcsArn(resourceArn);
  if (!arn) throw new SandboxError(INVALID, `Invalid resourceArn: ${resourceArn}`);
  if (arn.account !== state.account || arn.region !== state.region) {
    throw new SandboxError('AccessDeniedException', `The resource ${resourceArn} is not in account ${state.account}, region ${state.region}.`);
  }
  if (arn.resourceType === 'cluster') return requireCluster(state, resourceArn).tags;
  if (arn.resourceType === 'service' && arn.path.length === 2) {
    const service = state.findService(requireCluster(state, arn.path[0]), resourceArn);
    if (!service) throw new SandboxError('ResourceNotFoundException', 'The specified resource is not found.');
    service.settle(now);
    return service.tags;
  }
  throw new SandboxError(INVALID, `The sandbox tags clusters and services only, not ${resourceArn}`);
}

const listClusters = operation(z.object({ maxResults: z.number().int().optional(), nextToken: z.string().optional() }), (params, call) => {
  const arns = [...regionOf(call).clusters.values()].map((cluster) => cluster.arn);
  const { page, nextToken } = paginate(arns, params.nextToken, pageSize(params.maxResults, 100), INVALID);
  return { clusterArns: page, ...(nextToken ? { nextToken } : {}) };
});

const describeClusters = operation(z.object({ clusters: z.array(z.string()).max(100).optional(), include }), (params, call) => {
  const state = regionOf(call);
  const now = call.now.getTime();
  const includeTags = params.include?.includes('TAGS') ?? false;
  const clusters = [];
  const failures = [];
  for (const ref of params.clusters ?? ['default']) {
    const cluster = state.findCluster(ref);
    if (cluster) clusters.push(clusterShape(cluster, now, includeTags));
    else failures.push({ arn: ref.startsWith('arn:') ? ref : state.arn(`cluster/${ref}`), reason: 'MISSING' });
  }
  return { clusters, failures };
});

const listServices = operation(
  z.object({
    cluster: z.string().optional(),
    maxResults: z.number().int().optional(),
    nextToken: z.string().optional(),
    launchType: z.enum(['EC2', 'FARGATE', 'EXTERNAL']).optional(),
    schedulingStrategy: z.enum(['REPLICA', 'DAEMON']).optional(),
  }),
  (params, call) => {
    const cluster = requireCluster(regionOf(call), params.cluster);
    const size = pageSize(params.maxResults, 10);
    const services = [...cluster.services.values()].filter((service) => {
      if (params.launchType !== undefined && (params.launchType !== 'FARGATE' || service.spot)) return false;
      return params.schedulingStrategy !== 'DAEMON';
    });
    const { page, nextToken } = paginate(services.map((s) => s.arn), params.nextToken, size, INVALID);
    return { serviceArns: page, ...(nextToken ? { nextToken } : {}) };
  },
);

const describeServices = operation(z.object({ cluster: z.string().optional(), services: z.array(z.string()), include }), (params, call) => {
  if (params.services.length === 0 || params.services.length > 10) {
    throw new SandboxError(INVALID, `services must hold between 1 and 10 names or ARNs; got ${params.services.length}.`);
  }
  const state = regionOf(call);
  const cluster = requireCluster(state, params.cluster);
  const now = call.now.getTime();
  const includeTags = params.include?.includes('TAGS') ?? false;
  const services = [];
  const failures = [];
  for (const ref of params.services) {
    const service = state.findService(cluster, ref);
    if (!service) {
      failures.push({ arn: ref.startsWith('arn:') ? ref : state.arn(`service/${cluster.name}/${ref}`), reason: 'MISSING' });
      continue;
    }
    service.settle(now);
    services.push(serviceShape(state, service, now, includeTags));
  }
  return { services, failures };
});

const describeTaskDefinition = operation(z.object({ taskDefinition: z.string().min(1), include }), (params, call) => {
  const state = regionOf(call);
  const ref = params.taskDefinition;
  const arn = ref.startsWith('arn:') ? parseEcsArn(ref) : undefined;
  const name = arn ? arn.path.join('/') : ref;
  let definition = state.taskDefinitions.get(name);
  if (!name.includes(':')) {
    for (const candidate of state.taskDefinitions.values()) {
      if (candidate.family === name && candidate.revision > (definition?.revision ?? 0)) definition = candidate;
    }
  }
  if (!definition || (arn && (arn.account !== state.account || arn.region !== state.region))) {
    throw new SandboxError('ClientException', 'Unable to describe task definition.');
  }
  return {
    taskDefinition: taskDefinitionShape(state, definition),
    ...(params.include?.includes('TAGS') ? { tags: [] } : {}),
  };
});

const listTasks = operation(
  z.object({
    cluster: z.string().optional(),
    serviceName: z.string().optional(),
    desiredStatus: z.enum(['RUNNING', 'PENDING', 'STOPPED']).optional(),
    maxResults: z.number().int().optional(),
    nextToken: z.string().optional(),
  }),
  (params, call) => {
    const state = regionOf(call);
    const cluster = requireCluster(state, params.cluster);
    const now = call.now.getTime();
    const size = pageSize(params.maxResults, 100);
    const services =
      params.serviceName === undefined ? [...cluster.services.values()] : [requireService(state, cluster, params.serviceName, now)];
    const desiredStatus = params.desiredStatus ?? 'RUNNING';
    const arns: string[] = [];
    for (const service of services) {
      service.settle(now);
      for (const task of service.tasks(now)) {
        if (task.desiredStatus === desiredStatus) arns.push(taskArn(state, cluster.name, task.id));
      }
    }
    const { page, nextToken } = paginate(arns, params.nextToken, size, INVALID);
    return { taskArns: page, ...(nextToken ? { nextToken } : {}) };
  },
);

const describeTasks = operation(z.object({ cluster: z.string().optional(), tasks: z.array(z.string()), include }), (params, call) => {
  if (params.tasks.length === 0 || params.tasks.length > 100) {
    throw new SandboxError(INVALID, `tasks must hold between 1 and 100 ids or ARNs; got ${params.tasks.length}.`);
  }
  const state = regionOf(call);
  const cluster = requireCluster(state, params.cluster);
  const now = call.now.getTime();
  const includeTags = params.include?.includes('TAGS') ?? false;
  const wanted = new Set(params.tasks.map(nameOf));
  const found = new Map<string, ReturnType<typeof taskShape>>();
  for (const service of cluster.services.values()) {
    service.settle(now);
    for (const task of service.tasks(now)) {
      if (wanted.has(task.id)) found.set(task.id, taskShape(state, service, task, includeTags));
    }
  }
  const failures = params.tasks
    .filter((ref) => !found.has(nameOf(ref)))
    .map((ref) => ({ arn: ref.startsWith('arn:') ? ref : taskArn(state, cluster.name, ref), reason: 'MISSING' }));
  return { tasks: [...found.values()], failures };
});

const updateServiceInput = z.object({
  cluster: z.string().optional(),
  service: z.string().min(1),
  desiredCount: z.number().int().min(0).optional(),
  forceNewDeployment: z.boolean().optional(),
  taskDefinition: z.string().optional(),
});

const updateService = operation(
  updateServiceInput,
  (params, call) => {
    const state = regionOf(call);
    const now = call.now.getTime();
    const service = requireService(state, requireCluster(state, params.cluster), params.service, now);
    if (params.taskDefinition !== undefined && params.taskDefinition !== service.taskDefinition.arn) {
      throw new SandboxError(INVALID, 'The sandbox does not change task definitions: dockhand never does. Omit taskDefinition.');
    }
    if (params.forceNewDeployment) service.forceNewDeployment(now, params.desiredCount ?? service.desiredCount);
    else if (params.desiredCount !== undefined) service.scale(params.desiredCount, now);
    return { service: serviceShape(state, service, now, false) };
  },
  {
    resources: (params, call) => serviceResources(regionOf(call), params.cluster, params.service),
    /** CloudTrail shows the updated service; without its events, so records stay small. */
    responseElements: (output) => {
      const service: Record<string, unknown> = { ...(output as { service: Record<string, unknown> }).service };
      delete service.events;
      return { service };
    },
  },
);

const tagResource = operation(
  z.object({ resourceArn: z.string(), tags: z.array(tag).min(1) }),
  (params, call) => {
    const tags = taggable(regionOf(call), params.resourceArn, call.now.getTime());
    if (params.tags.some((t) => t.key.toLowerCase().startsWith('aws:'))) throw new SandboxError(INVALID, 'Tag keys may not start with aws:.');
    const merged = new Map([...tags, ...params.tags.map((t) => [t.key, t.value] as const)]);
    if (merged.size > 50) throw new SandboxError(INVALID, 'A resource can have at most 50 tags.');
    for (const t of params.tags) tags.set(t.key, t.value);
    return {};
  },
  { resources: (params) => tagResources(params.resourceArn) },
);

const untagResource = operation(
  z.object({ resourceArn: z.string(), tagKeys: z.array(z.string()).min(1) }),
  (params, call) => {
    const tags = taggable(regionOf(call), params.resourceArn, call.now.getTime());
    for (const key of params.tagKeys) tags.delete(key);
    return {};
  },
  { resources: (params) => tagResources(params.resourceArn) },
);

const listTagsForResource = operation(z.object({ resourceArn: z.string() }), (params, call) => ({
  tags: tagList(taggable(regionOf(call), params.resourceArn, call.now.getTime())),
}));

export const ecsApi: ServiceApi = {
  service: 'ecs',
  eventSource: 'ecs.amazonaws.com',
  validationErrorCode: INVALID,
  operations: {
    ListClusters: listClusters,
    DescribeClusters: describeClusters,
    ListServices: listServices,
    DescribeServices: describeServices,
    DescribeTaskDefinition: describeTaskDefinition,
    ListTasks: listTasks,
    DescribeTasks: describeTasks,
    UpdateService: updateService,
    TagResource: tagResource,
    UntagResource: untagResource,
    ListTagsForResource: listTagsForResource,
  },
};
