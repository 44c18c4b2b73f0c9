import { z } from 'zod';

/** What dockhand relies on in Application Auto Scaling responses. */
export const scalableTargetSchema = z.object({
  ResourceId: z.string(),
  MinCapacity: z.number().int(),
  MaxCapacity: z.number().int(),
  SuspendedState: z
    .object({
      DynamicScalingInSuspended: z.boolean().optional(),
      DynamicScalingOutSuspended: z.boolean().optional(),
      ScheduledScalingSuspended: z.boolean().optional(),
    })
    .optional(),
});

export type ScalableTarget = z.infer<typeof scalableTargetSchema>;

export const scheduledActionSchema = z.object({
  ScheduledActionName: z.string(),
  Schedule: z.string(),
  Timezone: z.string().optional(),
  ScalableTargetAction: z.object({ MinCapacity: z.number().int().optional(), MaxCapacity: z.number().int().optional() }).optional(),
});

export type ScheduledAction = z.infer<typeof scheduledActionSchema>;
