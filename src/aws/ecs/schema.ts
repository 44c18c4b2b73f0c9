import { z } from 'zod';

/**
 * What dockhand relies on in ECS responses. The SDK types every field as optional; these schemas say which
 * ones we need and fail loudly, naming the field, when AWS (or an endpoint pretending to be it) sends less.
 */

const date = z.union([z.date(), z.string(), z.number()]).transform((value) => new Date(value instanceof Date ? value : typeof value === 'number' ? value * 1000 : value).toISOString());

const tags = z
  .array(z.object({ key: z.string().optional(), value: z.string().optional() }))
  .optional()
  .transform((list) => Object.fromEntries((list ?? []).filter((t) => t.key).map((t) => [t.key as string, t.value ?? ''])));

export const clusterSchema = z.object({
  clusterArn: z.string(),
  clusterName: z.string(),
  tags,
});

export const deploymentSchema = z.object({
  id: z.string(),
  status: z.string(),
  rolloutState: z.string().optional(),
  rolloutStateReason: z.string().optional(),
  desiredCount: z.number().default(0),
  runningCount: z.number().default(0),
  pendingCount: z.number().default(0),
  failedTasks: z.number().default(0),
  createdAt: date.optional(),
  updatedAt: date.optional(),
});

export const serviceSchema = z.object({
  serviceArn: z.string(),
  serviceName: z.string(),
  clusterArn: z.string(),
  status: z.string(),
  desiredCount: z.number(),
  runningCount: z.number(),
  pendingCount: z.number(),
  taskDefinition: z.string().optional(),
  launchType: z.string().optional(),
  capacityProviderStrategy: z.array(z.object({ capacityProvider: z.string(), weight: z.number().optional(), base: z.number().optional() })).optional(),
  deployments: z.array(deploymentSchema).default([]),
  events: z.array(z.object({ createdAt: date, message: z.string() })).default([]),
  tags,
});

export const taskDefinitionSchema = z.object({
  taskDefinitionArn: z.string(),
  family: z.string(),
  cpu: z.coerce.number({ message: 'Fargate task definitions declare task-level cpu' }),
  memory: z.coerce.number({ message: 'Fargate task definitions declare task-level memory' }),
  runtimePlatform: z.object({ cpuArchitecture: z.string().optional() }).optional(),
  /** Where each container's logs go (`/env logs`); only the fields dockhand reads. */
  containerDefinitions: z
    .array(
      z.object({
        name: z.string().default(''),
        logConfiguration: z.object({ logDriver: z.string(), options: z.record(z.string(), z.string()).optional() }).optional(),
        firelensConfiguration: z.object({ type: z.string().optional() }).optional(),
      }),
    )
    .default([]),
});

/** A stopped task as DescribeTasks returns it: what dockhand keeps to say why it stopped. */
export const taskSchema = z.object({
  taskArn: z.string(),
  group: z.string().optional(),
  memory: z.coerce.number().optional(),
  stopCode: z.string().optional(),
  stoppedReason: z.string().optional(),
  stoppedAt: date.optional(),
  createdAt: date.optional(),
  containers: z
    .array(z.object({ name: z.string(), exitCode: z.number().optional(), reason: z.string().optional(), image: z.string().optional() }))
    .default([]),
});

export type EcsCluster = z.infer<typeof clusterSchema>;
export type EcsService = z.infer<typeof serviceSchema>;
export type EcsTask = z.infer<typeof taskSchema>;
export type EcsTaskDefinition = z.infer<typeof taskDefinitionSchema>;

/** Parses one AWS response item, naming the operation and field on failure. */
export function parseAws<T extends z.ZodType>(schema: T, value: unknown, operation: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new Error(`unexpected ${operation} response: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
}
