import { DescribeServicesCommand, ECSClient, ListServicesCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { demoFleet, generatedFleet, referenceFleet, startSandbox } from '../../dev/sandbox/index.js';
import { clientConfig } from './helpers.js';

describe('sandbox fleets', () => {
  it('seeds a demo fleet with one of each situation dockhand reports', () => {
    const fleet = demoFleet();
    const services = fleet.clusters.flatMap((c) => c.services.map((s) => ({ ...s, cluster: c })));
    const environments = (region: string) =>
      new Set(services.filter((s) => s.cluster.region === region && s.tags.environment).map((s) => s.tags.environment));
    expect(environments('us-east-1').size).toBeGreaterThanOrEqual(12);
    expect(environments('eu-west-1')).toEqual(new Set(['prod-eu']));
    expect(services.filter((s) => s.degraded)).toHaveLength(1);
    expect(services.filter((s) => s.tags.environment === 'qa-2').every((s) => s.desired === 0)).toBe(true);
    const perf = services.filter((s) => s.tags.environment === 'perf-1');
    expect(perf.some((s) => s.desired === 0) && perf.some((s) => s.desired > 0)).toBe(true);
    expect(services.filter((s) => !s.tags.environment).map((s) => s.name)).toEqual(['legacy-reporting', 'tmp-debug-shell']);
    expect(services.some((s) => s.spot) && services.some((s) => s.arch === 'ARM64') && services.some((s) => s.scalable)).toBe(true);
    expect(services.some((s) => s.tags.environment && !s.tags.owner)).toBe(true);
    expect(fleet.clusters.find((c) => c.name === 'staging-3')?.tags.environment).toBe('staging-3');
  });

  it('generates large fleets spread over accounts with at most 40 environments a cluster', () => {
    const fleet = generatedFleet({ environments: 130, servicesPerEnvironment: 8, accounts: 2 });
    const services = fleet.clusters.flatMap((c) => c.services);
    expect(services).toHaveLength(1040);
    expect(fleet.accounts.map((a) => a.id)).toEqual(['111111111111', '222222222222']);
    for (const cluster of fleet.clusters) expect(new Set(cluster.services.map((s) => s.tags.environment)).size).toBeLessThanOrEqual(40);
    expect(services.filter((s) => s.tags.environment?.startsWith('prod-')).length).toBe(13 * 8);
    expect(referenceFleet().clusters.flatMap((c) => c.services)).toHaveLength(80);
  });

  it('serves a 640-service fleet page by page', async () => {
    const sandbox = await startSandbox({ clock: new ManualClock(), fleet: generatedFleet({ environments: 80, servicesPerEnvironment: 8 }) });
    const ecs = new ECSClient(clientConfig(sandbox));
    let described = 0;
    for (const cluster of ['fleet-01', 'fleet-02']) {
      let nextToken: string | undefined;
      do {
        const page = await ecs.send(new ListServicesCommand({ cluster, maxResults: 100, nextToken }));
        for (let i = 0; i < page.serviceArns!.length; i += 10) {
          const { services } = await ecs.send(new DescribeServicesCommand({ cluster, services: page.serviceArns!.slice(i, i + 10), include: ['TAGS'] }));
          described += services!.length;
        }
        nextToken = page.nextToken;
      } while (nextToken);
    }
    expect(described).toBe(640);
    expect(sandbox.countCalls({ operation: 'ListServices' })).toBe(8);
    expect(sandbox.summary()).toMatchObject({ services: 640, environments: 80, runningTasks: 640 });
    ecs.destroy();
    await sandbox.close();
  });
});
