import {
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  paginateListClusters,
  paginateListServices,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import pLimit from 'p-limit';
import { environmentNameOf, type EnvironmentRules } from '../../domain/environments.js';
import type { Capacity, ServiceSnapshot, TaskDefinitionInfo } from '../../domain/inventory.js';
import { API_BATCH, chunks } from '../batches.js';
import { cut } from '../../domain/bounded-text.js';
import { MAX_CONTAINERS_KEPT, type ContainerLogging } from '../../domain/logs/log-source.js';
import { clusterSchema, parseAws, serviceSchema, taskDefinitionSchema, type EcsService, type EcsTaskDefinition } from './schema.js';

const EVENTS_KEPT = 5;

export interface RegionReadContext {
  account: string;
  region: string;
  rules: EnvironmentRules;
  /** Task definitions already described; each ARN is immutable, so it is never asked for again. */
  knownTaskDefinition: (arn: string) => TaskDefinitionInfo | undefined;
  /** Each task definition as soon as it is described: a read cut off by its deadline keeps what it learnt. */
  onTaskDefinition?: (info: TaskDefinitionInfo) => void;
  now: Date;
  concurrency?: number;
}

export interface RegionInventory {
  services: ServiceSnapshot[];
  newTaskDefinitions: TaskDefinitionInfo[];
}

function clusterNameOf(clusterArn: string): string {
  return clusterArn.slice(clusterArn.lastIndexOf('/') + 1);
}

function capacityOf(service: EcsService): Capacity {
  const providers = (service.capacityProviderStrategy ?? []).filter((p) => (p.weight ?? 0) > 0 || (p.base ?? 0) > 0);
  if (providers.length === 0) return 'on-demand';
  const spot = providers.filter((p) => p.capacityProvider === 'FARGATE_SPOT').length;
  return spot === 0 ? 'on-demand' : spot === providers.length ? 'spot' : 'mixed';
}

function loggingOf(td: EcsTaskDefinition): ContainerLogging[] {
  return td.containerDefinitions.slice(0, MAX_CONTAINERS_KEPT).map((container) => {
    const options = container.logConfiguration?.options ?? {};
    return {
      container: cut(container.name, 255),
      driver: container.logConfiguration ? cut(container.logConfiguration.logDriver, 64) : null,
      group: options['awslogs-group'] ? cut(options['awslogs-group'], 512) : null,
      streamPrefix: options['awslogs-stream-prefix'] ? cut(options['awslogs-stream-prefix'], 255) : null,
      region: options['awslogs-region'] ? cut(options['awslogs-region'], 64) : null,
      router: container.firelensConfiguration !== undefined,
    };
  });
}

function toTaskDefinitionInfo(raw: unknown): TaskDefinitionInfo {
  const td = parseAws(taskDefinitionSchema, raw, 'DescribeTaskDefinition');
  return {
    arn: td.taskDefinitionArn,
    family: td.family,
    cpu: td.cpu,
    memoryMiB: td.memory,
    architecture: td.runtimePlatform?.cpuArchitecture === 'ARM64' ? 'arm' : 'x86',
    logging: loggingOf(td),
  };
}

/** One task definition, described now (for one whose logging the store does not keep). */
export async function describeTaskDefinition(ecs: ECSClient, arn: string): Promise<TaskDefinitionInfo> {
  return toTaskDefinitionInfo((await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }))).taskDefinition);
}

async function listClusterArns(ecs: ECSClient): Promise<string[]> {
  const arns: string[] = [];
  for await (const page of paginateListClusters({ client: ecs, pageSize: API_BATCH.listServicesPage }, {})) arns.push(...(page.clusterArns ?? []));
  return arns;
}

async function listServiceArns(ecs: ECSClient, cluster: string): Promise<string[]> {
  const arns: string[] = [];
  for await (const page of paginateListServices({ client: ecs, pageSize: API_BATCH.listServicesPage }, { cluster, maxResults: API_BATCH.listServicesPage })) {
    arns.push(...(page.serviceArns ?? []));
  }
  return arns;
}

/** One described service in the form the store keeps; its task definition and environment are settled once every page is in. */
function toSnapshot(service: EcsService, context: RegionReadContext, refreshedAt: string): ServiceSnapshot {
  const primary = service.deployments.find((d) => d.status === 'PRIMARY');
  const taskDefinitionArn = service.taskDefinition ?? null;
  return {
    arn: service.serviceArn,
    account: context.account,
    region: context.region,
    cluster: clusterNameOf(service.clusterArn),
    name: service.serviceName,
    environment: null,
    status: service.status,
    desired: service.desiredCount,
    running: service.runningCount,
    pending: service.pendingCount,
    taskDefinitionArn,
    taskDefinition: taskDefinitionArn ? (context.knownTaskDefinition(taskDefinitionArn) ?? null) : null,
    capacity: capacityOf(service),
    deployments: service.deployments.map((d) => ({
      id: d.id,
      status: d.status,
      rolloutState: d.rolloutState ?? null,
      rolloutStateReason: d.rolloutStateReason ?? null,
      desired: d.desiredCount,
      running: d.runningCount,
      pending: d.pendingCount,
      failedTasks: d.failedTasks,
      createdAt: d.createdAt ?? null,
      updatedAt: d.updatedAt ?? null,
    })),
    events: service.events.slice(0, EVENTS_KEPT).map((e) => ({ at: e.createdAt, message: e.message })),
    lastDeployAt: primary?.createdAt ?? null,
    tags: service.tags,
    refreshedAt,
  };
}

/**
 * Reads one account and region with the fewest calls the APIs allow: list pages, DescribeServices in tens,
 * each unknown task definition once; cluster tags only when a service lacks its own environment tag. Each
 * page of services becomes what the store keeps as soon as it arrives: a refresh never holds the parsed
 * responses of the whole fleet at once (at 10,000 services they outlived young collections and left the old
 * generation fragmented after the refresh).
 */
export async function readRegionInventory(ecs: ECSClient, context: RegionReadContext): Promise<RegionInventory> {
  const limit = pLimit(context.concurrency ?? 8);
  const refreshedAt = context.now.toISOString();
  const clusterArns = await listClusterArns(ecs);
  const serviceArnsByCluster = await Promise.all(clusterArns.map((cluster) => limit(() => listServiceArns(ecs, cluster))));

  const batches = clusterArns.flatMap((cluster, i) => chunks(serviceArnsByCluster[i] ?? [], API_BATCH.describeServices).map((arns) => ({ cluster, arns })));
  const described = await Promise.all(
    batches.map(({ cluster, arns }) =>
      limit(async () => {
        const out = await ecs.send(new DescribeServicesCommand({ cluster, services: arns, include: ['TAGS'] }));
        // Services deleted between list and describe come back as failures: they are simply gone.
        return (out.services ?? [])
          .map((raw) => parseAws(serviceSchema, raw, 'DescribeServices'))
          .filter((service) => service.status !== 'INACTIVE')
          .map((service) => toSnapshot(service, context, refreshedAt));
      }),
    ),
  );
  const services = described.flat();

  const clusterTags = new Map<string, Record<string, string>>();
  if (context.rules.mode === 'tag') {
    const needTags = [...new Set(services.filter((s) => !s.tags[context.rules.tagKey]).map((s) => s.cluster))];
    for (const batch of chunks(needTags, API_BATCH.describeClusters)) {
      const out = await ecs.send(new DescribeClustersCommand({ clusters: batch, include: ['TAGS'] }));
      for (const raw of out.clusters ?? []) {
        const cluster = parseAws(clusterSchema, raw, 'DescribeClusters');
        clusterTags.set(cluster.clusterName, cluster.tags);
      }
    }
  }

  const unknownArns = [...new Set(services.filter((s) => s.taskDefinitionArn && !s.taskDefinition).map((s) => s.taskDefinitionArn as string))];
  const newTaskDefinitions = await Promise.all(
    unknownArns.map((arn) =>
      limit(async () => {
        const info = await describeTaskDefinition(ecs, arn);
        context.onTaskDefinition?.(info);
        return info;
      }),
    ),
  );
  const fresh = new Map(newTaskDefinitions.map((td) => [td.arn, td]));

  // The snapshots are this function's own until it returns: settled in place rather than copied again.
  for (const service of services) {
    service.environment = environmentNameOf(context.rules, service, { name: service.cluster, tags: clusterTags.get(service.cluster) ?? {} });
    if (service.taskDefinitionArn && !service.taskDefinition) service.taskDefinition = fresh.get(service.taskDefinitionArn) ?? null;
  }
  return { services, newTaskDefinitions };
}
