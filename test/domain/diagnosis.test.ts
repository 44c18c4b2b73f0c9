import { describe, expect, it } from 'vitest';
import { boundedStoppedTask, decodeStop, diagnoseService, isHealthy, STOPPED_TASK_LIMITS, type StoppedTask } from '../../src/domain/diagnosis.js';
import type { ServiceSnapshot } from '../../src/domain/inventory.js';

const IMAGE = '111111111111.dkr.ecr.us-east-1.amazonaws.com/staging-2-worker:v43';

function task(over: Partial<StoppedTask> = {}): StoppedTask {
  return {
    taskArn: 'arn:aws:ecs:us-east-1:111111111111:task/nonprod/0123456789abcdef',
    serviceArn: 'arn:svc',
    stoppedAt: '2026-03-20T10:00:00.000Z',
    stopCode: 'TaskFailedToStart',
    stoppedReason: null,
    memoryMiB: 512,
    containers: [{ name: 'app', exitCode: null, reason: null, image: IMAGE }],
    ...over,
  };
}

function pull(reason: string) {
  return decodeStop(task({ stoppedReason: reason, containers: [{ name: 'app', exitCode: null, reason, image: IMAGE }] }));
}

describe('decodeStop', () => {
  it('tells a missing image tag from no route to the registry and an ECR permission problem', () => {
    const missing = pull(`CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref ${IMAGE}: ${IMAGE}: not found`);
    expect(missing.what).toBe(`image ${IMAGE} not found: that tag (or repository) does not exist in the registry`);
    expect(missing.next).toMatch(/A restart will not fix it/);
    expect(missing.restart).toBe('no');

    const route = pull('CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to do request: Head "https://111111111111.dkr.ecr.us-east-1.amazonaws.com/v2/x/manifests/v1": dial tcp 52.1.2.3:443: i/o timeout');
    expect(route.what).toMatch(/could not reach the registry/);
    expect(route.next).toMatch(/NAT gateway, VPC endpoints/);

    const denied = pull(`CannotPullContainerError: pull access denied for ${IMAGE}, repository does not exist or may require authorization: AccessDeniedException`.replace('repository does not exist or ', ''));
    expect(denied.what).toMatch(/ECR refused the execution role/);
    expect(denied.restart).toBe('no');
  });

  it('says the memory limit and the exit code of an OOM kill', () => {
    const oom = decodeStop(task({ stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited', containers: [{ name: 'app', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage', image: IMAGE }] }));
    expect(oom.what).toBe('out of memory: container app was killed (exit code 137) at its memory limit of 512 MiB');
    expect(oom.raw).toContain('app: exit 137 (OutOfMemoryError: Container killed due to memory usage)');
    const sigkill = decodeStop(task({ stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited', memoryMiB: null, containers: [{ name: 'app', exitCode: 137, reason: null, image: IMAGE }] }));
    expect(sigkill.what).toMatch(/exit code 137, SIGKILL\): most often out of memory at its memory limit/);
  });

  it('decodes an essential container exiting, health checks, Spot, secrets and roles', () => {
    expect(decodeStop(task({ stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited', containers: [{ name: 'web', exitCode: 1, reason: null, image: IMAGE }] })).what).toBe(
      'container web exited with code 1: the app stopped by itself (crashed, or failed to start)',
    );
    expect(decodeStop(task({ stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:…)' })).what).toMatch(/load balancer’s health checks failed/);
    expect(decodeStop(task({ stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'Task failed container health checks', containers: [{ name: 'app', exitCode: 137, reason: null, image: IMAGE }] })).what).toMatch(/container’s own health check failed/);
    expect(decodeStop(task({ stopCode: 'SpotInterruption', stoppedReason: 'Your Spot Task was interrupted.' })).restart).toBe('not-needed');
    const secrets = decodeStop(task({ stoppedReason: 'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: AccessDeniedException: User is not authorized to perform secretsmanager:GetSecretValue' }));
    expect(secrets.what).toMatch(/could not read its secrets or parameters: the execution role is not allowed/);
    const ssmMissing = decodeStop(task({ stoppedReason: 'ResourceInitializationError: unable to pull secrets: ssm parameter /app/db-url: ParameterNotFound' }));
    expect(ssmMissing.what).toMatch(/does not exist/);
    expect(decodeStop(task({ stoppedReason: 'ECS was unable to assume the role arn:aws:iam::1:role/app that was provided for this task.' })).what).toMatch(/IAM role/);
    expect(decodeStop(task({ stopCode: 'UserInitiated', stoppedReason: 'Task stopped by user' })).restart).toBe('not-needed');
    expect(decodeStop(task({ stopCode: null, stoppedReason: null, containers: [] })).what).toBe('stopped, ECS gave no reason');
  });

  it('keeps bounded sizes', () => {
    const long = 'x'.repeat(5000);
    const bounded = boundedStoppedTask(task({ stoppedReason: long, containers: Array.from({ length: 20 }, (_, i) => ({ name: `c${i}`, exitCode: 1, reason: long, image: long })) }));
    expect(bounded.stoppedReason!.length).toBe(STOPPED_TASK_LIMITS.reasonChars);
    expect(bounded.containers).toHaveLength(STOPPED_TASK_LIMITS.containers);
  });
});

function service(over: Partial<ServiceSnapshot> = {}): ServiceSnapshot {
  return {
    arn: 'arn:svc', account: '1', region: 'us-east-1', cluster: 'c', name: 'worker', environment: 'staging-2', status: 'ACTIVE',
    desired: 3, running: 3, pending: 0, taskDefinitionArn: null, taskDefinition: null, capacity: 'on-demand',
    deployments: [{ id: 'd1', status: 'PRIMARY', rolloutState: 'COMPLETED', desired: 3, running: 3, pending: 0, failedTasks: 0, createdAt: '2026-03-20T09:00:00.000Z', updatedAt: null }],
    events: [], lastDeployAt: null, tags: {}, refreshedAt: '2026-03-20T10:00:00.000Z',
    ...over,
  };
}

describe('diagnoseService', () => {
  it('calls a service at its count with a completed rollout healthy, and one failing not', () => {
    expect(isHealthy(service())).toBe(true);
    const failing = service({
      running: 0,
      deployments: [
        { id: 'd2', status: 'PRIMARY', rolloutState: 'FAILED', rolloutStateReason: 'ECS deployment circuit breaker: rolling back to deploymentId d1.', desired: 3, running: 0, pending: 0, failedTasks: 6, createdAt: '2026-03-20T09:30:00.000Z', updatedAt: null },
      ],
      events: [{ at: '2026-03-20T09:31:00.000Z', message: '(service worker) rolling back to deployment d1.' }],
    });
    const stopped = [
      task({ stoppedAt: '2026-03-20T09:31:00.000Z' }),
      task({ taskArn: 'arn:…/older', stoppedAt: '2026-03-20T09:30:00.000Z' }),
      task({ taskArn: 'arn:…/newest', stoppedAt: '2026-03-20T09:32:00.000Z', stopCode: 'SpotInterruption' }),
    ];
    const diagnosis = diagnoseService(failing, stopped, new Date('2026-03-20T10:00:00Z'));
    expect(diagnosis.symptoms).toEqual(['0/3 tasks running', 'its deployment failed', '6 tasks failed']);
    expect(diagnosis.rollout).toEqual({ state: 'FAILED', reason: 'ECS deployment circuit breaker: rolling back to deploymentId d1.', tryingForSeconds: 1800, failedTasks: 6, rollbacks: 1 });
    // Tasks that stopped the same way are said once, with how many did.
    expect(diagnosis.stops.map((s) => [s.taskId, s.times])).toEqual([['newest', 1], ['0123456789abcdef', 2]]);
  });
});
