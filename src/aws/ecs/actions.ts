import { DescribeServicesCommand, UpdateServiceCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { parseAws, serviceSchema, type EcsService } from './schema.js';

const DESCRIBE_SERVICES_BATCH = 10;

/** Current state of some services of one cluster, straight from ECS (the stored inventory may be a minute old). */
export async function describeServicesNow(ecs: ECSClient, cluster: string, services: readonly string[]): Promise<Map<string, EcsService>> {
  const found = new Map<string, EcsService>();
  for (let i = 0; i < services.length; i += DESCRIBE_SERVICES_BATCH) {
    const out = await ecs.send(new DescribeServicesCommand({ cluster, services: services.slice(i, i + DESCRIBE_SERVICES_BATCH) }));
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
