import {
  DeleteScheduledActionCommand,
  paginateDescribeScheduledActions,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
  type ApplicationAutoScalingClient,
} from '@aws-sdk/client-application-auto-scaling';
import type { ScalableBounds } from '../../domain/operations.js';
import { parseAws } from '../ecs/schema.js';
import { scheduledActionSchema, type ScheduledAction } from './schema.js';

const DIMENSION = 'ecs:service:DesiredCount';

/** The scheduled actions on one scalable target, by name. */
export async function describeScheduledActions(client: ApplicationAutoScalingClient, resourceId: string): Promise<Map<string, ScheduledAction>> {
  const actions = new Map<string, ScheduledAction>();
  const pages = paginateDescribeScheduledActions({ client }, { ServiceNamespace: 'ecs', ResourceId: resourceId, ScalableDimension: DIMENSION });
  for await (const page of pages) {
    for (const raw of page.ScheduledActions ?? []) {
      const action = parseAws(scheduledActionSchema, raw, 'DescribeScheduledActions');
      actions.set(action.ScheduledActionName, action);
    }
  }
  return actions;
}

export async function putScheduledAction(
  client: ApplicationAutoScalingClient,
  resourceId: string,
  action: { name: string; schedule: string; timezone: string; bounds: ScalableBounds },
): Promise<void> {
  await client.send(
    new PutScheduledActionCommand({
      ServiceNamespace: 'ecs',
      ScalableDimension: DIMENSION,
      ResourceId: resourceId,
      ScheduledActionName: action.name,
      Schedule: action.schedule,
      Timezone: action.timezone,
      ScalableTargetAction: { MinCapacity: action.bounds.min, MaxCapacity: action.bounds.max },
    }),
  );
}

export async function deleteScheduledAction(client: ApplicationAutoScalingClient, resourceId: string, name: string): Promise<void> {
  await client.send(new DeleteScheduledActionCommand({ ServiceNamespace: 'ecs', ScalableDimension: DIMENSION, ResourceId: resourceId, ScheduledActionName: name }));
}

/** Suspends (or resumes) only scheduled scaling, leaving dynamic scaling as it was: what an override needs. */
export async function setScheduledScalingSuspended(client: ApplicationAutoScalingClient, resourceId: string, suspended: boolean): Promise<void> {
  await client.send(
    new RegisterScalableTargetCommand({
      ServiceNamespace: 'ecs',
      ScalableDimension: DIMENSION,
      ResourceId: resourceId,
      SuspendedState: { ScheduledScalingSuspended: suspended },
    }),
  );
}
