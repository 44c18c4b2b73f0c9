import {
  paginateDescribeScalableTargets,
  RegisterScalableTargetCommand,
  type ApplicationAutoScalingClient,
} from '@aws-sdk/client-application-auto-scaling';
import type { ScalableBounds } from '../../domain/operations.js';
import { API_BATCH, chunks } from '../batches.js';
import { parseAws } from '../ecs/schema.js';
import { scalableTargetSchema } from './schema.js';

const DIMENSION = 'ecs:service:DesiredCount';

export function resourceIdOf(cluster: string, service: string): string {
  return `service/${cluster}/${service}`;
}

/** The bounds of each service that has a scalable target, by resource id; services without one are absent. */
export async function describeBounds(client: ApplicationAutoScalingClient, resourceIds: readonly string[]): Promise<Map<string, ScalableBounds>> {
  const bounds = new Map<string, ScalableBounds>();
  for (const ResourceIds of chunks(resourceIds, API_BATCH.scalableTargetResourceIds)) {
    const pages = paginateDescribeScalableTargets({ client }, { ServiceNamespace: 'ecs', ScalableDimension: DIMENSION, ResourceIds });
    for await (const page of pages) {
      for (const raw of page.ScalableTargets ?? []) {
        const target = parseAws(scalableTargetSchema, raw, 'DescribeScalableTargets');
        bounds.set(target.ResourceId, { min: target.MinCapacity, max: target.MaxCapacity });
      }
    }
  }
  return bounds;
}

/** Re-registering an existing target only changes its bounds (and clamps the desired count into them). */
export async function setBounds(client: ApplicationAutoScalingClient, resourceId: string, bounds: ScalableBounds): Promise<void> {
  await client.send(
    new RegisterScalableTargetCommand({
      ServiceNamespace: 'ecs',
      ScalableDimension: DIMENSION,
      ResourceId: resourceId,
      MinCapacity: bounds.min,
      MaxCapacity: bounds.max,
    }),
  );
}
