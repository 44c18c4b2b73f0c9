import {
  ClusterNotFoundException,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  InvalidParameterException,
  ListClustersCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
  ListTasksCommand,
  ServiceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateServiceCommand,
  paginateListServices,
} from '@aws-sdk/client-ecs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { startSandbox, type Sandbox } from '../../dev/sandbox/index.js';
import { clientConfig } from './helpers.js';

let sandbox: Sandbox;
let clock: ManualClock;
let ecs: ECSClient;

beforeEach(async () => {
  clock = new ManualClock();
  sandbox = await startSandbox({ clock, convergeDelayMs: 30_000 });
  ecs = new ECSClient(clientConfig(sandbox));
});

afterEach(async () => {
  ecs.destroy();
  await sandbox.close();
});

async function describeOne(cluster: string, service: string) {
  const { services } = await ecs.send(new DescribeServicesCommand({ cluster, services: [service], include: ['TAGS'] }));
  return services![0]!;
}

describe('sandbox ECS listing and describing', () => {
  it('lists the clusters of the region the credentials are scoped to', async () => {
    const east = await ecs.send(new ListClustersCommand({}));
    expect(east.clusterArns).toEqual([
      'arn:aws:ecs:us-east-1:111111111111:cluster/nonprod',
      'arn:aws:ecs:us-east-1:111111111111:cluster/staging-3',
      'arn:aws:ecs:us-east-1:111111111111:cluster/prod',
    ]);
    const eu = new ECSClient(clientConfig(sandbox, { region: 'eu-west-1' }));
    expect((await eu.send(new ListClustersCommand({}))).clusterArns).toEqual(['arn:aws:ecs:eu-west-1:111111111111:cluster/prod-eu']);
    const { clusters } = await eu.send(new DescribeClustersCommand({ clusters: ['prod-eu'], include: ['TAGS'] }));
    expect(clusters?.[0]?.tags).toContainEqual({ key: 'environment', value: 'prod-eu' });
    expect(clusters?.[0]?.runningTasksCount).toBe(6);
  });

  it('pages ListServices 10 at a time by default and up to 100 when asked', async () => {
    const first = await ecs.send(new ListServicesCommand({ cluster: 'nonprod' }));
    expect(first.serviceArns).toHaveLength(10);
    expect(first.nextToken).toBeDefined();
    const all: string[] = [];
    for await (const page of paginateListServices({ client: ecs }, { cluster: 'nonprod' })) all.push(...(page.serviceArns ?? []));
    expect(new Set(all).size).toBe(all.length);
    const big = await ecs.send(new ListServicesCommand({ cluster: 'nonprod', maxResults: 100 }));
    expect(big.serviceArns).toEqual(all);
    expect(big.nextToken).toBeUndefined();
    expect(all).toContain('arn:aws:ecs:us-east-1:111111111111:service/nonprod/staging-2-worker');
  });

  it('rejects maxResults above 100 and more than 10 services per DescribeServices', async () => {
    await expect(ecs.send(new ListServicesCommand({ cluster: 'nonprod', maxResults: 101 }))).rejects.toBeInstanceOf(
      InvalidParameterException,
    );
    const { serviceArns } = await ecs.send(new ListServicesCommand({ cluster: 'nonprod', maxResults: 11 }));
    const error = await ecs.send(new DescribeServicesCommand({ cluster: 'nonprod', services: serviceArns! })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect((error as Error).message).toMatch(/between 1 and 10/);
  });

  it('describes services with tags, capacity, deployments and events, and reports missing ones', async () => {
    const { services, failures } = await ecs.send(
      new DescribeServicesCommand({ cluster: 'nonprod', services: ['dev-1-api', 'arn:aws:ecs:us-east-1:111111111111:service/nonprod/qa-1-api', 'ghost'], include: ['TAGS'] }),
    );
    expect(services?.map((s) => s.serviceName)).toEqual(['dev-1-api', 'qa-1-api']);
    expect(failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:111111111111:service/nonprod/ghost', reason: 'MISSING' }]);
    const [spot, onDemand] = services!;
    expect(spot!.capacityProviderStrategy).toEqual([{ capacityProvider: 'FARGATE_SPOT', weight: 1, base: 0 }]);
    expect(onDemand!.launchType).toBe('FARGATE');
    expect(spot!.tags).toContainEqual({ key: 'environment', value: 'dev-1' });
    expect(spot!.tags).toContainEqual({ key: 'owner', value: 'maria@example.com' });
    expect(spot!.deployments?.[0]).toMatchObject({ status: 'PRIMARY', rolloutState: 'COMPLETED', desiredCount: 1, runningCount: 1 });
    expect(spot!.deployments?.[0]?.createdAt).toBeInstanceOf(Date);
    expect(spot!.events?.[0]?.message).toBe('(service dev-1-api) has reached a steady state.');
  });

  it('shows the degraded service as failing', async () => {
    const worker = await describeOne('nonprod', 'staging-2-worker');
    expect(worker).toMatchObject({ desiredCount: 3, runningCount: 1 });
    expect(worker.deployments?.[0]).toMatchObject({ rolloutState: 'FAILED' });
    expect(worker.deployments?.[0]?.failedTasks).toBeGreaterThan(0);
    expect(worker.events?.[0]?.message).toMatch(/deployment failed: tasks failed to start/);
  });

  it('answers unknown clusters and services with the ECS exceptions', async () => {
    await expect(ecs.send(new ListServicesCommand({ cluster: 'nowhere' }))).rejects.toBeInstanceOf(ClusterNotFoundException);
    await expect(ecs.send(new DescribeServicesCommand({ cluster: 'nowhere', services: ['api'] }))).rejects.toBeInstanceOf(
      ClusterNotFoundException,
    );
    await expect(ecs.send(new UpdateServiceCommand({ cluster: 'nonprod', service: 'ghost', desiredCount: 1 }))).rejects.toBeInstanceOf(
      ServiceNotFoundException,
    );
  });

  it('describes task definitions with cpu and memory as strings', async () => {
    const { taskDefinition } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'staging-3-web' }));
    expect(taskDefinition).toMatchObject({ family: 'staging-3-web', revision: 1, cpu: '512', memory: '1024' });
    expect(taskDefinition?.runtimePlatform?.cpuArchitecture).toBe('ARM64');
    const byArn = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: taskDefinition!.taskDefinitionArn! }));
    expect(byArn.taskDefinition?.family).toBe('staging-3-web');
  });

  it('lists and describes the tasks of a service', async () => {
    const { taskArns } = await ecs.send(new ListTasksCommand({ cluster: 'prod', serviceName: 'api' }));
    expect(taskArns).toHaveLength(4);
    const { tasks, failures } = await ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: [...taskArns!, 'f'.repeat(32)] }));
    expect(tasks).toHaveLength(4);
    expect(tasks?.[0]).toMatchObject({ lastStatus: 'RUNNING', group: 'service:api', cpu: '1024', memory: '2048' });
    expect(failures).toHaveLength(1);
    await expect(ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: Array.from({ length: 101 }, (_, i) => `t${i}`) }))).rejects.toBeInstanceOf(
      InvalidParameterException,
    );
  });
});

describe('sandbox ECS changes', () => {
  it('converges a desired count change after the delay on the sandbox clock', async () => {
    const { service } = await ecs.send(new UpdateServiceCommand({ cluster: 'nonprod', service: 'dev-1-api', desiredCount: 3 }));
    expect(service).toMatchObject({ desiredCount: 3, runningCount: 1, pendingCount: 2 });
    clock.advance(29_000);
    expect(await describeOne('nonprod', 'dev-1-api')).toMatchObject({ runningCount: 1, pendingCount: 2 });
    clock.advance(1_000);
    const converged = await describeOne('nonprod', 'dev-1-api');
    expect(converged).toMatchObject({ desiredCount: 3, runningCount: 3, pendingCount: 0 });
    expect(converged.events?.[0]?.message).toBe('(service dev-1-api) has reached a steady state.');
    expect(converged.events?.[1]?.message).toMatch(/^\(service dev-1-api\) has started 2 tasks: \(task [0-9a-f]{32}\) \(task [0-9a-f]{32}\)\.$/);
    expect(converged.events?.[0]?.createdAt).toEqual(new Date(clock.now().getTime()));
  });

  it('scales to zero and back', async () => {
    await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', desiredCount: 0 }));
    clock.advance(60_000);
    expect(await describeOne('prod', 'web')).toMatchObject({ desiredCount: 0, runningCount: 0 });
    expect(sandbox.service('111111111111', 'us-east-1', 'prod', 'web')?.events[1]?.message).toMatch(/has stopped 3 running tasks/);
    await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', desiredCount: 3 }));
    clock.advance(7 * 86_400_000);
    expect(await describeOne('prod', 'web')).toMatchObject({ desiredCount: 3, runningCount: 3 });
  });

  it('rolls out a forced deployment that briefly runs old and new tasks', async () => {
    await ecs.send(new UpdateServiceCommand({ cluster: 'staging-3', service: 'api', forceNewDeployment: true }));
    let api = await describeOne('staging-3', 'api');
    expect(api.deployments?.map((d) => [d.status, d.rolloutState, d.runningCount, d.pendingCount])).toEqual([
      ['PRIMARY', 'IN_PROGRESS', 0, 2],
      ['ACTIVE', 'COMPLETED', 2, 0],
    ]);
    clock.advance(15_000);
    api = await describeOne('staging-3', 'api');
    expect(api.runningCount).toBe(4);
    clock.advance(15_000);
    api = await describeOne('staging-3', 'api');
    expect(api.deployments).toHaveLength(1);
    expect(api.deployments?.[0]).toMatchObject({ status: 'PRIMARY', rolloutState: 'COMPLETED', runningCount: 2 });
    expect(api.events?.slice(0, 2).map((e) => e.message)).toEqual([
      '(service api) has reached a steady state.',
      `(service api) (deployment ${api.deployments?.[0]?.id}) deployment completed.`,
    ]);
    const { taskArns } = await ecs.send(new ListTasksCommand({ cluster: 'staging-3', serviceName: 'api' }));
    const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster: 'staging-3', tasks: taskArns! }));
    expect(new Set(tasks?.map((t) => t.startedBy))).toEqual(new Set([api.deployments?.[0]?.id]));
  });

  it('keeps a degraded service failing after a restart', async () => {
    await ecs.send(new UpdateServiceCommand({ cluster: 'nonprod', service: 'staging-2-worker', forceNewDeployment: true }));
    clock.advance(30_000);
    const worker = await describeOne('nonprod', 'staging-2-worker');
    expect(worker).toMatchObject({ desiredCount: 3, runningCount: 1 });
    expect(worker.deployments?.[0]?.rolloutState).toBe('FAILED');
    const { taskArns } = await ecs.send(new ListTasksCommand({ cluster: 'nonprod', serviceName: 'staging-2-worker', desiredStatus: 'STOPPED' }));
    expect(taskArns?.length).toBeGreaterThan(0);
  });

  it('tags and untags services and clusters', async () => {
    const arn = 'arn:aws:ecs:us-east-1:111111111111:service/nonprod/tmp-debug-shell';
    await ecs.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'owner', value: '@sam' }, { key: 'environment', value: 'dev-1' }] }));
    await ecs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['environment'] }));
    expect((await ecs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual([{ key: 'owner', value: '@sam' }]);
    const cluster = 'arn:aws:ecs:us-east-1:111111111111:cluster/staging-3';
    await ecs.send(new TagResourceCommand({ resourceArn: cluster, tags: [{ key: 'schedule', value: 'business-hours' }] }));
    expect((await ecs.send(new ListTagsForResourceCommand({ resourceArn: cluster }))).tags).toContainEqual({ key: 'schedule', value: 'business-hours' });
    await expect(
      ecs.send(new TagResourceCommand({ resourceArn: 'arn:aws:ecs:us-east-1:111111111111:service/nonprod/ghost', tags: [{ key: 'a', value: 'b' }] })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('refuses tag values ECS would refuse: characters outside its set, or over 256 characters', async () => {
    const arn = 'arn:aws:ecs:us-east-1:111111111111:service/nonprod/tmp-debug-shell';
    await ecs.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'dockhand:park', value: 'v1 desired=2 min=1 max=4 by=U0MARIA at=2026-12-01T18:03Z' }] }));
    for (const value of ['<script>', 'a;b', 'x'.repeat(257)]) {
      await expect(ecs.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'note', value }] }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    }
  });
});
