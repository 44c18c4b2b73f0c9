import {
  ApplicationAutoScalingClient,
  DeleteScheduledActionCommand,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScheduledActionsCommand,
  LimitExceededException,
  ObjectNotFoundException,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
  ValidationException,
} from '@aws-sdk/client-application-auto-scaling';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { startSandbox, type Sandbox } from '../../dev/sandbox/index.js';
import { clientConfig } from './helpers.js';

const target = { ServiceNamespace: 'ecs' as const, ScalableDimension: 'ecs:service:DesiredCount' as const };

let sandbox: Sandbox;
let clock: ManualClock;
let autoscaling: ApplicationAutoScalingClient;

beforeEach(async () => {
  clock = new ManualClock();
  sandbox = await startSandbox({ clock });
  autoscaling = new ApplicationAutoScalingClient(clientConfig(sandbox));
});

afterEach(async () => {
  autoscaling.destroy();
  await sandbox.close();
});

describe('sandbox Application Auto Scaling', () => {
  it('clamps the desired count into [min, max] on registration, as Auto Scaling itself', async () => {
    const resourceId = 'service/nonprod/staging-1-api';
    await autoscaling.send(new RegisterScalableTargetCommand({ ...target, ResourceId: resourceId, MinCapacity: 0, MaxCapacity: 0 }));
    expect(sandbox.service('111111111111', 'us-east-1', 'nonprod', 'staging-1-api')).toMatchObject({
      desiredCount: 0,
      scalableTarget: { min: 0, max: 0 },
    });
    clock.advance(30_000);
    expect(sandbox.service('111111111111', 'us-east-1', 'nonprod', 'staging-1-api')?.runningCount).toBe(0);

    await autoscaling.send(new RegisterScalableTargetCommand({ ...target, ResourceId: resourceId, MinCapacity: 3, MaxCapacity: 5 }));
    expect(sandbox.service('111111111111', 'us-east-1', 'nonprod', 'staging-1-api')?.desiredCount).toBe(3);

    const trail = new CloudTrailClient(clientConfig(sandbox));
    const { Events } = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'UpdateService' }] }));
    const record = JSON.parse(Events![0]!.CloudTrailEvent!);
    expect(record.userIdentity).toMatchObject({
      type: 'AssumedRole',
      invokedBy: 'application-autoscaling.amazonaws.com',
      sessionContext: { sessionIssuer: { userName: 'AWSServiceRoleForApplicationAutoScaling_ECSService' } },
    });
    expect(record.requestParameters).toEqual({ cluster: 'nonprod', service: 'staging-1-api', desiredCount: 3 });
    const registrations = await trail.send(
      new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'application-autoscaling.amazonaws.com' }] }),
    );
    expect(registrations.Events?.map((e) => [e.EventName, e.Resources?.[0]?.ResourceName])).toEqual([
      ['RegisterScalableTarget', resourceId],
      ['RegisterScalableTarget', resourceId],
    ]);
    trail.destroy();
  });

  it('updates an existing target partially and keeps the suspended flags it is not given', async () => {
    const resourceId = 'service/prod/api';
    await autoscaling.send(
      new RegisterScalableTargetCommand({ ...target, ResourceId: resourceId, SuspendedState: { ScheduledScalingSuspended: true } }),
    );
    await autoscaling.send(new RegisterScalableTargetCommand({ ...target, ResourceId: resourceId, MaxCapacity: 20, SuspendedState: { DynamicScalingInSuspended: true } }));
    const { ScalableTargets } = await autoscaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [resourceId] }));
    expect(ScalableTargets).toHaveLength(1);
    expect(ScalableTargets![0]).toMatchObject({
      MinCapacity: 2,
      MaxCapacity: 20,
      SuspendedState: { DynamicScalingInSuspended: true, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: true },
    });
    expect(ScalableTargets![0]!.CreationTime).toBeInstanceOf(Date);
  });

  it('pages DescribeScalableTargets', async () => {
    const first = await autoscaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', MaxResults: 2 }));
    expect(first.ScalableTargets).toHaveLength(2);
    const rest = await autoscaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', MaxResults: 50, NextToken: first.NextToken! }));
    expect([...first.ScalableTargets!, ...rest.ScalableTargets!].map((t) => t.ResourceId)).toEqual([
      'service/nonprod/staging-1-api',
      'service/staging-3/api',
      'service/prod/api',
      'service/prod/web',
      'service/prod/worker',
    ]);
    expect(rest.NextToken).toBeUndefined();
  });

  it('rejects targets for services that do not exist and new targets without capacities', async () => {
    await expect(
      autoscaling.send(new RegisterScalableTargetCommand({ ...target, ResourceId: 'service/nonprod/ghost', MinCapacity: 0, MaxCapacity: 1 })),
    ).rejects.toBeInstanceOf(ValidationException);
    await expect(autoscaling.send(new RegisterScalableTargetCommand({ ...target, ResourceId: 'service/nonprod/dev-1-api' }))).rejects.toBeInstanceOf(
      ValidationException,
    );
    await expect(
      autoscaling.send(new RegisterScalableTargetCommand({ ...target, ResourceId: 'service/nonprod/dev-1-api', MinCapacity: 3, MaxCapacity: 1 })),
    ).rejects.toThrow(/cannot be greater/);
  });

  it('stores scheduled actions with their time zone and deletes them', async () => {
    const resourceId = 'service/staging-3/api';
    await autoscaling.send(
      new PutScheduledActionCommand({
        ...target,
        ResourceId: resourceId,
        ScheduledActionName: 'dockhand-staging-3-up',
        Schedule: 'cron(0 9 ? * MON-FRI *)',
        Timezone: 'Europe/Berlin',
        StartTime: new Date('2026-01-05T00:00:00Z'),
        ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 4 },
      }),
    );
    await autoscaling.send(
      new PutScheduledActionCommand({
        ...target,
        ResourceId: resourceId,
        ScheduledActionName: 'dockhand-staging-3-down',
        Schedule: 'cron(0 19 ? * MON-FRI *)',
        Timezone: 'Europe/Berlin',
        ScalableTargetAction: { MinCapacity: 0, MaxCapacity: 0 },
      }),
    );
    const { ScheduledActions } = await autoscaling.send(new DescribeScheduledActionsCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId }));
    expect(ScheduledActions?.map((a) => [a.ScheduledActionName, a.Schedule, a.Timezone, a.ScalableTargetAction])).toEqual([
      ['dockhand-staging-3-up', 'cron(0 9 ? * MON-FRI *)', 'Europe/Berlin', { MinCapacity: 1, MaxCapacity: 4 }],
      ['dockhand-staging-3-down', 'cron(0 19 ? * MON-FRI *)', 'Europe/Berlin', { MinCapacity: 0, MaxCapacity: 0 }],
    ]);
    expect(ScheduledActions![0]!.StartTime).toEqual(new Date('2026-01-05T00:00:00Z'));

    await autoscaling.send(new DeleteScheduledActionCommand({ ...target, ResourceId: resourceId, ScheduledActionName: 'dockhand-staging-3-up' }));
    const after = await autoscaling.send(
      new DescribeScheduledActionsCommand({ ServiceNamespace: 'ecs', ScheduledActionNames: ['dockhand-staging-3-up', 'dockhand-staging-3-down'] }),
    );
    expect(after.ScheduledActions?.map((a) => a.ScheduledActionName)).toEqual(['dockhand-staging-3-down']);
    await expect(
      autoscaling.send(new DeleteScheduledActionCommand({ ...target, ResourceId: resourceId, ScheduledActionName: 'dockhand-staging-3-up' })),
    ).rejects.toBeInstanceOf(ObjectNotFoundException);
  });

  it('validates schedules and time zones and caps scheduled actions at 200 per target', async () => {
    const resourceId = 'service/prod/web';
    const put = (name: string, schedule = 'cron(0 9 ? * MON-FRI *)', timezone = 'UTC') =>
      autoscaling.send(new PutScheduledActionCommand({ ...target, ResourceId: resourceId, ScheduledActionName: name, Schedule: schedule, Timezone: timezone }));
    await expect(put('bad-zone', 'cron(0 9 ? * MON-FRI *)', 'Mars/Olympus')).rejects.toBeInstanceOf(ValidationException);
    await expect(put('five-fields', 'cron(0 9 * * 1)')).rejects.toThrow(/six fields/);
    for (let i = 0; i < 200; i++) await put(`action-${i}`);
    await expect(put('action-200')).rejects.toBeInstanceOf(LimitExceededException);
    await put('action-7', 'rate(1 day)'); // replacing an existing action is not a new one
    await expect(put('action-x')).rejects.toBeInstanceOf(LimitExceededException);
    await expect(
      autoscaling.send(new PutScheduledActionCommand({ ...target, ResourceId: 'service/prod/scheduler', ScheduledActionName: 'x', Schedule: 'rate(1 day)' })),
    ).rejects.toBeInstanceOf(ObjectNotFoundException);
  });

  it('deregisters targets with their scheduled actions', async () => {
    const resourceId = 'service/prod/worker';
    await autoscaling.send(new PutScheduledActionCommand({ ...target, ResourceId: resourceId, ScheduledActionName: 'a', Schedule: 'rate(1 hour)' }));
    await autoscaling.send(new DeregisterScalableTargetCommand({ ...target, ResourceId: resourceId }));
    expect((await autoscaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [resourceId] }))).ScalableTargets).toEqual([]);
    expect((await autoscaling.send(new DescribeScheduledActionsCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId }))).ScheduledActions).toEqual([]);
    await expect(autoscaling.send(new DeregisterScalableTargetCommand({ ...target, ResourceId: resourceId }))).rejects.toBeInstanceOf(
      ObjectNotFoundException,
    );
  });
});
