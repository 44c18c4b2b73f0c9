import { DescribeServicesCommand, DescribeTasksCommand, ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { startSandbox, type Sandbox } from '../../dev/sandbox/index.js';
import { clientConfig } from './helpers.js';

let sandbox: Sandbox;
let clock: ManualClock;
let ecs: ECSClient;

beforeEach(async () => {
  clock = new ManualClock('2026-03-20T10:00:00Z');
  sandbox = await startSandbox({ clock, convergeDelayMs: 30_000 });
  ecs = new ECSClient(clientConfig(sandbox));
});

afterEach(async () => {
  ecs.destroy();
  await sandbox.close();
});

async function stoppedTasks(service: string) {
  const { taskArns } = await ecs.send(new ListTasksCommand({ cluster: 'nonprod', serviceName: service, desiredStatus: 'STOPPED' }));
  if (!taskArns?.length) return [];
  return (await ecs.send(new DescribeTasksCommand({ cluster: 'nonprod', tasks: taskArns }))).tasks ?? [];
}

describe('services that fail', () => {
  it('stop with a missing image tag as ECS says it, and the circuit breaker rolls the deployment back', async () => {
    sandbox.breakService({ cluster: 'nonprod', service: 'staging-1-api', failure: { kind: 'image-missing', imageTag: 'v9', rollback: true } });
    clock.advance(30_000);
    const { services } = await ecs.send(new DescribeServicesCommand({ cluster: 'nonprod', services: ['staging-1-api'] }));
    const [primary] = services![0]!.deployments!;
    expect(primary).toMatchObject({ status: 'PRIMARY', rolloutState: 'FAILED', runningCount: 0 });
    expect(primary!.rolloutStateReason).toMatch(/^ECS deployment circuit breaker: rolling back to deploymentId ecs-svc\/\d+\.$/);
    expect(services![0]!.events![0]!.message).toMatch(/\(service staging-1-api\) rolling back to deployment ecs-svc\/\d+\./);

    const tasks = await stoppedTasks('staging-1-api');
    expect(tasks.length).toBeGreaterThan(0);
    const image = '111111111111.dkr.ecr.us-east-1.amazonaws.com/staging-1-api:v9';
    expect(tasks[0]).toMatchObject({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stopCode: 'TaskFailedToStart' });
    expect(tasks[0]!.stoppedReason).toBe(`CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref ${image}: ${image}: not found`);
    expect(tasks[0]!.stoppedAt).toBeInstanceOf(Date);
    expect(tasks[0]!.containers![0]).toMatchObject({ name: 'app', image, reason: tasks[0]!.stoppedReason });
    expect(tasks[0]!.containers![0]!.exitCode).toBeUndefined();
  });

  it('are OOM-killed with exit 137, and their stopped tasks are forgotten on request', async () => {
    sandbox.breakService({ cluster: 'nonprod', service: 'staging-1-notifications', failure: { kind: 'oom' } });
    clock.advance(30_000);
    const [task] = await stoppedTasks('staging-1-notifications');
    expect(task).toMatchObject({ stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited', memory: '512' });
    expect(task!.containers![0]).toMatchObject({ exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' });

    sandbox.forgetStoppedTasks();
    expect(await stoppedTasks('staging-1-notifications')).toEqual([]);
    expect(await stoppedTasks('staging-2-worker')).toEqual([]);
  });

  it('are forgotten by themselves after the retention, as ECS forgets them after about an hour', async () => {
    const forgetful = await startSandbox({ clock, convergeDelayMs: 30_000, stoppedTaskRetentionMs: 3_600_000 });
    const client = new ECSClient(clientConfig(forgetful));
    try {
      forgetful.breakService({ cluster: 'nonprod', service: 'staging-1-notifications', failure: { kind: 'oom' } });
      clock.advance(30_000);
      const list = () => client.send(new ListTasksCommand({ cluster: 'nonprod', serviceName: 'staging-1-notifications', desiredStatus: 'STOPPED' }));
      expect((await list()).taskArns?.length).toBeGreaterThan(0);
      clock.advance(3_600_001);
      expect((await list()).taskArns).toEqual([]);
    } finally {
      client.destroy();
      await forgetful.close();
    }
  });
});
