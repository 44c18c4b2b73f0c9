import { describe, expect, it } from 'vitest';
import { environmentNameOf, environmentState, groupEnvironments, type EnvironmentRules } from '../../src/domain/environments.js';
import { service } from './fixtures.js';

const rules: EnvironmentRules = {
  mode: 'tag',
  tagKey: 'environment',
  ownerTagKey: 'owner',
  teamTagKey: 'team',
  tierTagKey: 'tier',
  clusterGlobs: ['*'],
  productionGlobs: ['prod', 'prod-*'],
};

describe('environment discovery', () => {
  it('uses the service tag, then the cluster tag, else none', () => {
    expect(environmentNameOf(rules, { tags: { environment: 'qa-2' } }, { name: 'shared', tags: { environment: 'x' } })).toBe('qa-2');
    expect(environmentNameOf(rules, { tags: {} }, { name: 'staging-3', tags: { environment: 'staging-3' } })).toBe('staging-3');
    expect(environmentNameOf(rules, { tags: { environment: '  ' } }, { name: 'shared', tags: {} })).toBeNull();
  });

  it('in cluster mode names the environment after matching clusters', () => {
    const byCluster = { ...rules, mode: 'cluster' as const, clusterGlobs: ['env-*'] };
    expect(environmentNameOf(byCluster, { tags: { environment: 'ignored' } }, { name: 'env-7', tags: {} })).toBe('env-7');
    expect(environmentNameOf(byCluster, { tags: {} }, { name: 'tooling', tags: {} })).toBeNull();
  });
});

describe('environment state', () => {
  const failed = { id: 'd2', status: 'PRIMARY', rolloutState: 'FAILED', desired: 3, running: 1, pending: 0, failedTasks: 4, createdAt: null, updatedAt: null };
  const inProgress = { ...failed, rolloutState: 'IN_PROGRESS', failedTasks: 0 };

  it.each([
    ['running', [service(), service({ name: 'web' })]],
    ['stopped', [service({ desired: 0, running: 0 }), service({ name: 'web', desired: 0, running: 0 })]],
    ['transitioning', [service({ desired: 0, running: 1 })]],
    ['partial', [service(), service({ name: 'web', desired: 0, running: 0 })]],
    ['degraded', [service({ desired: 3, running: 1, deployments: [failed] })]],
    ['degraded', [service({ desired: 2, running: 1 })]],
    ['degraded', [service({ desired: 2, running: 0, pending: 0, deployments: [inProgress] })]],
    ['transitioning', [service({ desired: 3, running: 1, pending: 2, deployments: [inProgress] })]],
  ] as const)('is %s', (state, services) => {
    expect(environmentState(services)).toBe(state);
  });
});

describe('grouping', () => {
  it('groups by environment, sorts naturally, takes tier, owner and team from the services', () => {
    const envs = groupEnvironments(rules, [
      service({ environment: 'dev-10' }),
      service({ environment: 'dev-2', tags: { owner: '@ana', team: 'web' } }),
      service({ environment: 'dev-2', name: 'web', tags: { owner: '@ana' }, region: 'eu-west-1' }),
      service({ environment: 'prod-eu', desired: 2, running: 2 }),
      service({ environment: 'perf', tags: { tier: 'production' } }),
      service({ environment: null, name: 'orphan' }),
    ]);
    expect(envs.map((e) => e.name)).toEqual(['dev-2', 'dev-10', 'perf', 'prod-eu']);
    const dev2 = envs[0];
    expect(dev2).toMatchObject({ owner: '@ana', team: 'web', tier: 'non-production', running: 2, desired: 2 });
    expect(dev2?.locations).toEqual(['111111111111/eu-west-1', '111111111111/us-east-1']);
    expect(envs.find((e) => e.name === 'prod-eu')?.tier).toBe('production');
    expect(envs.find((e) => e.name === 'perf')?.tier).toBe('production');
  });
});
