import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListClustersCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import { parsePolicy } from '../../src/config/load.js';
import { environmentRulesOf, type Policy } from '../../src/config/policy.js';
import { ManualClock } from '../../src/domain/clock.js';
import { InventoryRefresher } from '../../src/jobs/inventory-refresh.js';
import { silentLogger } from '../../src/log.js';
import { generatedFleet, startSandbox, type Sandbox } from '../../dev/sandbox/index.js';
import { openSqlite } from '../../src/store/db.js';
import { Fleet } from '../../src/store/fleet.js';
import { InventoryStore } from '../../src/store/inventory-store.js';
import { SANDBOX_CREDENTIALS } from '../support/harness.js';

const open: Array<{ close(): Promise<void> | void }> = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()?.close();
});

/** The first account is reached with the default credentials, every other one through its dockhand role. */
function policyFor(accounts: string[], regions = ['us-east-1']): Policy {
  const entries = accounts.map(
    (id, i) => `  - id: "${id}"\n    name: a${id}\n    regions: [${regions.join(', ')}]\n${i > 0 ? `    role_arn: arn:aws:iam::${id}:role/dockhand\n` : ''}`,
  );
  return parsePolicy(`accounts:\n${entries.join('')}`);
}

async function setup(sandbox: Sandbox, policy: Policy) {
  const db = openSqlite(join(mkdtempSync(join(tmpdir(), 'dockhand-inv-')), 'db.sqlite'));
  const store = await InventoryStore.load(db);
  const aws = new AwsClients({ endpoint: sandbox.url, credentials: SANDBOX_CREDENTIALS });
  open.push({ close: () => { aws.destroy(); db.db.$client.close(); } });
  const rules = environmentRulesOf(policy);
  const refresher = new InventoryRefresher({ accounts: policy.accounts, rules, aws, store, clock: new ManualClock(), logger: silentLogger, deadlineMs: policy.aws.refresh_deadline_ms });
  return { store, aws, refresher, fleet: new Fleet(store, rules) };
}

describe('inventory refresh against the sandbox', () => {
  it('reads 80 environments × 8 services in at most the minimum calls the APIs allow plus a small constant', async () => {
    const sandbox = await startSandbox({ fleet: generatedFleet({ environments: 80, servicesPerEnvironment: 8 }), convergeDelayMs: 0 });
    open.push(sandbox);
    const { refresher, fleet, aws } = await setup(sandbox, policyFor(['111111111111']));

    const record = await refresher.refresh('test');

    const clusters = sandbox.countCalls({ operation: 'ListClusters' });
    expect(clusters).toBe(1);
    const serviceCount = fleet.environments().reduce((sum, env) => sum + env.services.length, 0);
    expect(serviceCount).toBe(640);
    expect(fleet.environments()).toHaveLength(80);
    const clusterCount = new Set(fleet.environments().flatMap((e) => e.services.map((s) => s.cluster))).size;
    const servicesPerCluster = [...new Set(fleet.environments().flatMap((e) => e.services.map((s) => s.cluster)))].map(
      (cluster) => fleet.environments().flatMap((e) => e.services).filter((s) => s.cluster === cluster).length,
    );
    const distinctTaskDefinitions = new Set(fleet.environments().flatMap((e) => e.services.map((s) => s.taskDefinitionArn))).size;
    const minimum =
      1 +
      servicesPerCluster.reduce((sum, n) => sum + Math.max(1, Math.ceil(n / 100)), 0) +
      servicesPerCluster.reduce((sum, n) => sum + Math.ceil(n / 10), 0) +
      distinctTaskDefinitions;
    expect(clusterCount).toBeGreaterThan(1);
    expect(record.awsCalls).toBe(sandbox.countCalls());
    expect(record.awsCalls).toBeLessThanOrEqual(minimum + 2);
    expect(aws.counter.byOperation()).toMatchObject({ ListClusters: 1, DescribeTaskDefinition: distinctTaskDefinitions });
    expect(sandbox.countCalls({ operation: 'DescribeServices' })).toBe(servicesPerCluster.reduce((sum, n) => sum + Math.ceil(n / 10), 0));

    // Task definitions are immutable by ARN: the second refresh describes none of them again.
    sandbox.resetCounts();
    const second = await refresher.refresh('test');
    expect(sandbox.countCalls({ operation: 'DescribeTaskDefinition' })).toBe(0);
    expect(second.awsCalls).toBe(minimum - distinctTaskDefinitions);
  });

  it('keeps the task definitions a refresh described before its deadline: the next one describes only the rest', async () => {
    const sandbox = await startSandbox({ fleet: generatedFleet({ environments: 10, servicesPerEnvironment: 8 }), convergeDelayMs: 0 });
    open.push(sandbox);
    const policy = policyFor(['111111111111']);
    const db = openSqlite(join(mkdtempSync(join(tmpdir(), 'dockhand-inv-')), 'db.sqlite'));
    const store = await InventoryStore.load(db);
    const aws = new AwsClients({ endpoint: sandbox.url, credentials: SANDBOX_CREDENTIALS });
    open.push({ close: () => { aws.destroy(); db.db.$client.close(); } });
    const refresher = new InventoryRefresher({ accounts: policy.accounts, rules: environmentRulesOf(policy), aws, store, clock: new ManualClock(), logger: silentLogger, deadlineMs: 3000 });
    const arns = [...new Set(sandbox.services().map((s) => s.taskDefinition.arn))];
    // One task definition never answers: the read runs out of time with the others described.
    const stuck = arns[arns.length - 1]!;
    const hold = sandbox.hold(({ operation, params }) => operation === 'DescribeTaskDefinition' && (params as { taskDefinition?: string }).taskDefinition === stuck);

    const first = await refresher.refresh('test');
    expect(first.failedLocations).toHaveLength(1);
    expect(arns.filter((arn) => store.taskDefinition(arn) !== undefined)).toHaveLength(arns.length - 1);
    expect(store.taskDefinition(stuck)).toBeUndefined();

    hold.release();
    const from = sandbox.requests.length;
    const second = await refresher.refresh('test');
    expect(second.failedLocations).toEqual([]);
    // Only the one it could not read before (the first refresh's held request may be answered meanwhile too).
    const described = sandbox.requests.slice(from).filter((r) => r.operation === 'DescribeTaskDefinition');
    expect(described.length).toBeGreaterThanOrEqual(1);
    expect(described.every((r) => (r.params as { taskDefinition?: string }).taskDefinition === stuck)).toBe(true);
    expect(second.services).toBe(80);
  });

  it('reads several accounts and regions, and keeps a failing location’s last snapshot', async () => {
    const sandbox = await startSandbox({ fleet: generatedFleet({ environments: 12, servicesPerEnvironment: 3, accounts: 2 }), convergeDelayMs: 0 });
    open.push(sandbox);
    const { refresher, fleet } = await setup(sandbox, policyFor(['111111111111', '222222222222']));
    const first = await refresher.refresh('test');
    expect(first.errors).toEqual([]);
    expect(new Set(fleet.environments().flatMap((e) => e.locations))).toEqual(new Set(['111111111111/us-east-1', '222222222222/us-east-1']));
    const before = fleet.environments().length;

    sandbox.failOn((req) => (req.account === '222222222222' && req.operation === 'ListClusters' ? accessDenied() : undefined));
    const second = await refresher.refresh('test');
    expect(second.errors).toHaveLength(1);
    expect(second.errors[0]).toMatch(/^a222222222222 \(222222222222\) us-east-1: AccessDeniedException: .*ecs:ListClusters/);
    expect(fleet.environments()).toHaveLength(before);
  });

  it('rides out throttling with the SDK’s retries', async () => {
    const sandbox = await startSandbox({ fleet: generatedFleet({ environments: 4, servicesPerEnvironment: 2 }), convergeDelayMs: 0 });
    open.push(sandbox);
    const { refresher, fleet } = await setup(sandbox, policyFor(['111111111111']));
    sandbox.throttle('DescribeServices', 2);
    const record = await refresher.refresh('test');
    expect(record.errors).toEqual([]);
    expect(fleet.environments()).toHaveLength(4);
    expect(record.awsCalls).toBe(sandbox.countCalls());
  });

  it('takes the environment from the cluster’s tags for a service without its own, asking DescribeClusters once', async () => {
    const service = (name: string, tags: Record<string, string>) => ({ name, cpu: 256, memory: 512, arch: 'X86_64' as const, spot: false, desired: 1, tags });
    const account = '111111111111';
    const sandbox = await startSandbox({
      fleet: {
        accounts: [{ id: account, regions: ['us-east-1'] }],
        clusters: [
          { account, region: 'us-east-1', name: 'shared', tags: { environment: 'from-cluster' }, services: [service('api', {}), service('web', { environment: 'own' })] },
          { account, region: 'us-east-1', name: 'loose', tags: {}, services: [service('orphan', {})] },
        ],
      },
      convergeDelayMs: 0,
    });
    open.push(sandbox);
    const { refresher, store } = await setup(sandbox, policyFor([account]));
    await refresher.refresh('test');
    const byName = Object.fromEntries(store.services().map((s) => [s.name, s]));
    expect(byName.api?.environment).toBe('from-cluster');
    expect(byName.web?.environment).toBe('own');
    expect(byName.orphan?.environment).toBeNull();
    expect(byName.api?.taskDefinition?.cpu).toBe(256);
    expect(sandbox.countCalls({ operation: 'DescribeClusters' })).toBe(1);
  });
});

function accessDenied(): Error {
  const error = new Error('User: arn:aws:iam::222222222222:user/dockhand is not authorized to perform: ecs:ListClusters');
  error.name = 'AccessDeniedException';
  return error;
}

describe('counting a refresh', () => {
  it('counts only the refresh’s own calls, not what other jobs ask AWS at the same time', async () => {
    const sandbox = await startSandbox({ fleet: generatedFleet({ environments: 4, servicesPerEnvironment: 2 }), convergeDelayMs: 0 });
    open.push(sandbox);
    const { refresher, aws } = await setup(sandbox, policyFor(['111111111111']));
    await refresher.refresh('test');
    const account = policyFor(['111111111111']).accounts[0];
    if (!account) throw new Error('no account');
    sandbox.resetCounts();
    // A user's operation reads ECS while the refresh runs; its calls belong to that user, not the refresh.
    const [record] = await Promise.all([
      refresher.refresh('test'),
      aws.ecs(account, 'us-east-1', 'U0MARIA').send(new ListClustersCommand({})),
    ]);
    expect(sandbox.countCalls()).toBe(record.awsCalls + 1);
  });
});
