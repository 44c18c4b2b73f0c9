import { DescribeServicesCommand, TagResourceCommand, UntagResourceCommand, UpdateServiceCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { API_BATCH, chunks } from '../batches.js';
import { parseAws, serviceSchema, type EcsService } from './schema.js';

/**
 * Current state of some services of one cluster, straight from ECS (the stored inventory may be a minute old).
 * Tags come in the same call: start needs a service's park tag when the database has no record.
 */
export async function describeServicesNow(ecs: ECSClient, cluster: string, services: readonly string[]): Promise<Map<string, EcsService>> {
  const found = new Map<string, EcsService>();
  for (const batch of chunks(services, API_BATCH.describeServices)) {
    const out = await ecs.send(new DescribeServicesCommand({ cluster, services: batch, include: ['TAGS'] }));
    for (const raw of out.services ?? []) {
      const service = parseAws(serviceSchema, raw, 'DescribeServices');
      if (service.status !== 'INACTIVE') found.set(service.serviceArn, service);
    }
  }
  return found;
}

export async function setDesiredCount(ecs: ECSClient, cluster: string, service: string, desiredCount: number): Promise<void> {
  await ecs.send(new UpdateServiceCommand({ cluster, service, desiredCount }));
}

/** Replaces every task; ECS briefly runs up to twice the tasks while the new ones start. */
export async function forceNewDeployment(ecs: ECSClient, cluster: string, service: string): Promise<void> {
  await ecs.send(new UpdateServiceCommand({ cluster, service, forceNewDeployment: true }));
}

export async function tagService(ecs: ECSClient, serviceArn: string, key: string, value: string): Promise<void> {
  await ecs.send(new TagResourceCommand({ resourceArn: serviceArn, tags: [{ key, value }] }));
}

export async function untagService(ecs: ECSClient, serviceArn: string, key: string): Promise<void> {
  await ecs.send(new UntagResourceCommand({ resourceArn: serviceArn, tagKeys: [key] }));
}
