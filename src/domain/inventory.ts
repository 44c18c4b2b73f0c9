/** What dockhand knows about the fleet: plain data, produced by the AWS adapter, read by everyone else. */

import type { ContainerLogging } from './logs/log-source.js';

export type Architecture = 'x86' | 'arm';
export type Capacity = 'on-demand' | 'spot' | 'mixed';
export type Tier = 'production' | 'non-production';

export interface TaskDefinitionInfo {
  arn: string;
  family: string;
  /** CPU units: 1024 = 1 vCPU. */
  cpu: number;
  memoryMiB: number;
  architecture: Architecture;
  /**
   * Where each container logs, at most MAX_CONTAINERS_KEPT. Known for task definitions described since
   * dockhand started (the store keeps only sizes): absent means "not known here", not "no logging".
   */
  logging?: ContainerLogging[];
}

export interface Deployment {
  id: string;
  status: string;
  rolloutState: string | null;
  /** ECS's words for the rollout state (the circuit breaker's, when it tripped); absent in snapshots stored before it was read. */
  rolloutStateReason?: string | null;
  desired: number;
  running: number;
  pending: number;
  failedTasks: number;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface ServiceEvent {
  at: string;
  message: string;
}

export interface ServiceSnapshot {
  arn: string;
  account: string;
  region: string;
  cluster: string;
  name: string;
  /** Null when no discovery rule places the service in an environment (an orphan). */
  environment: string | null;
  status: string;
  desired: number;
  running: number;
  pending: number;
  taskDefinitionArn: string | null;
  taskDefinition: TaskDefinitionInfo | null;
  capacity: Capacity;
  deployments: Deployment[];
  /** Newest first, a handful at most. */
  events: ServiceEvent[];
  lastDeployAt: string | null;
  tags: Record<string, string>;
  refreshedAt: string;
}
