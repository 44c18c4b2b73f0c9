import { CostExplorerClient, GetCostAndUsageCommand, type GetCostAndUsageCommandInput, type ResultByTime } from '@aws-sdk/client-cost-explorer';
import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { referenceFleet, startSandbox, type Sandbox } from '../../dev/sandbox/index.js';
import { clientConfig } from './helpers.js';

const TASK_HOUR = 0.5 * 0.04048 + 1 * 0.004445;
const byEnvironment: Pick<GetCostAndUsageCommandInput, 'Granularity' | 'Metrics' | 'GroupBy'> = {
  Granularity: 'DAILY',
  Metrics: ['UnblendedCost'],
  GroupBy: [{ Type: 'TAG', Key: 'environment' }],
};

let sandbox: Sandbox;

afterEach(async () => {
  await sandbox.close();
});

/** All groups of all pages, as { "day environment$name": amount }. */
async function allGroups(ce: CostExplorerClient, input: GetCostAndUsageCommandInput): Promise<{ pages: number; amounts: Map<string, number> }> {
  const amounts = new Map<string, number>();
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await ce.send(new GetCostAndUsageCommand({ ...input, NextPageToken: token }));
    pages++;
    for (const result of page.ResultsByTime as ResultByTime[]) {
      for (const group of result.Groups ?? []) {
        amounts.set(`${result.TimePeriod!.Start} ${group.Keys![0]}`, Number(group.Metrics!.UnblendedCost!.Amount));
      }
    }
    token = page.NextPageToken;
  } while (token);
  return { pages, amounts };
}

describe('sandbox Cost Explorer', () => {
  it('prices a day of the reference fleet from the task-seconds it ran', async () => {
    const clock = new ManualClock('2026-01-05T09:00:00Z');
    sandbox = await startSandbox({ clock, fleet: referenceFleet() });
    const ce = new CostExplorerClient(clientConfig(sandbox));
    const total = await ce.send(new GetCostAndUsageCommand({ TimePeriod: { Start: '2026-01-04', End: '2026-01-05' }, Granularity: 'DAILY', Metrics: ['UnblendedCost'] }));
    expect(total.ResultsByTime).toHaveLength(1);
    expect(Number(total.ResultsByTime![0]!.Total!.UnblendedCost!.Amount)).toBeCloseTo(80 * TASK_HOUR * 24, 6);
    expect(total.ResultsByTime![0]!.Total!.UnblendedCost!.Unit).toBe('USD');

    const { amounts } = await allGroups(ce, { ...byEnvironment, TimePeriod: { Start: '2026-01-04', End: '2026-01-05' } });
    expect(amounts.size).toBe(10);
    for (const amount of amounts.values()) expect(amount).toBeCloseTo(8 * TASK_HOUR * 24, 6);
    expect([...amounts.keys()][0]).toBe('2026-01-04 environment$env-001');
    expect(sandbox.countCalls({ service: 'ce', operation: 'GetCostAndUsage' })).toBe(2);
    ce.destroy();
  });

  it('paginates groups and counts only the hours services ran', async () => {
    const clock = new ManualClock('2026-01-10T00:00:00Z');
    sandbox = await startSandbox({ clock, fleet: referenceFleet(), costExplorerPageSize: 7, convergeDelayMs: 0 });
    const ecs = new ECSClient(clientConfig(sandbox));
    for (const service of ['api', 'web', 'worker', 'scheduler', 'auth', 'search', 'billing', 'notifications']) {
      await ecs.send(new UpdateServiceCommand({ cluster: 'fleet-01', service: `env-003-${service}`, desiredCount: 0 }));
    }
    clock.advance(12 * 3_600_000);
    const ce = new CostExplorerClient(clientConfig(sandbox));
    const { pages, amounts } = await allGroups(ce, { ...byEnvironment, TimePeriod: { Start: '2026-01-09', End: '2026-01-11' } });
    expect(pages).toBe(3);
    expect(amounts.get('2026-01-09 environment$env-003')).toBeCloseTo(8 * TASK_HOUR * 24, 6);
    expect(amounts.has('2026-01-10 environment$env-003')).toBe(false);
    expect(amounts.get('2026-01-10 environment$env-004')).toBeCloseTo(8 * TASK_HOUR * 12, 6);
    ecs.destroy();
    ce.destroy();
  });

  it('groups untagged spend under environment$ and prices Spot and ARM lower', async () => {
    const clock = new ManualClock('2026-01-05T09:00:00Z');
    sandbox = await startSandbox({ clock });
    const ce = new CostExplorerClient(clientConfig(sandbox));
    const { amounts } = await allGroups(ce, { ...byEnvironment, TimePeriod: { Start: '2026-01-01', End: '2026-01-02' } });
    // legacy-reporting (1 vCPU, 2 GB) and tmp-debug-shell (0.25 vCPU, 0.5 GB) carry no environment tag.
    expect(amounts.get('2026-01-01 environment$')).toBeCloseTo(1.25 * TASK_HOUR * 2 * 24, 6);
    expect(amounts.has('2026-01-01 environment$qa-2')).toBe(false);
    // dev-1 runs on Spot at 30% of on-demand: api, worker (512/1024), scheduler (256/512), web (256/512 ARM).
    const armSmall = 0.25 * 0.03238 + 0.5 * 0.00356;
    const dev1 = 0.3 * (2 * TASK_HOUR + TASK_HOUR / 2 + armSmall) * 24;
    expect(amounts.get('2026-01-01 environment$dev-1')).toBeCloseTo(dev1, 6);
    ce.destroy();
  });

  it('rejects bad periods and unsupported requests with ValidationException', async () => {
    sandbox = await startSandbox({ clock: new ManualClock() });
    const ce = new CostExplorerClient(clientConfig(sandbox));
    const send = (input: Partial<GetCostAndUsageCommandInput>) =>
      ce.send(new GetCostAndUsageCommand({ ...byEnvironment, TimePeriod: { Start: '2026-01-02', End: '2026-01-03' }, ...input }));
    await expect(send({ TimePeriod: { Start: '2026-01-03', End: '2026-01-03' } })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(send({ TimePeriod: { Start: '01/02/2026', End: '2026-01-03' } })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(send({ Metrics: ['Hugs'] })).rejects.toThrow(/Unsupported metrics: Hugs/);
    await expect(send({ GroupBy: [{ Type: 'DIMENSION', Key: 'SERVICE' }] })).rejects.toThrow(/TAG only/);
    ce.destroy();
  });
});
