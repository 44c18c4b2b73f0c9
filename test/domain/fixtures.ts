import type { ServiceSnapshot } from '../../src/domain/inventory.js';

/** A converged, healthy service; override what the test is about. */
export function service(overrides: Partial<ServiceSnapshot> = {}): ServiceSnapshot {
  return {
    arn: `arn:aws:ecs:us-east-1:111111111111:service/main/${overrides.name ?? 'api'}-${overrides.environment ?? 'dev-1'}`,
    account: '111111111111',
    region: 'us-east-1',
    cluster: 'main',
    name: 'api',
    environment: 'dev-1',
    status: 'ACTIVE',
    desired: 1,
    running: 1,
    pending: 0,
    taskDefinitionArn: null,
    taskDefinition: null,
    capacity: 'on-demand',
    deployments: [{ id: 'ecs-svc/1', status: 'PRIMARY', rolloutState: 'COMPLETED', desired: 1, running: 1, pending: 0, failedTasks: 0, createdAt: null, updatedAt: null }],
    events: [],
    lastDeployAt: null,
    tags: {},
    refreshedAt: '2026-01-05T09:00:00.000Z',
    ...overrides,
  };
}
