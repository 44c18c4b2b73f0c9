import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { SandboxError } from './errors.js';
import { userAgents } from './identity.js';
import { epochSeconds, operation, paginate, type Call, type ServiceApi } from './protocol.js';
import type { ServiceState } from './service-state.js';
import { newScalableTarget, type RegionState, type ScalableTargetState, type ScheduledActionState } from './state.js';

const VALIDATION = 'ValidationException';
const NAMESPACE = 'ecs';
const DIMENSION = 'ecs:service:DesiredCount';
const MAX_SCHEDULED_ACTIONS = 200;
const MAX_PAGE = 50;

const targetKey = {
  ServiceNamespace: z.string(),
  ResourceId: z.string().min(1),
  ScalableDimension: z.string(),
};

function regionOf(call: Call): RegionState {
  return call.world.region(call.account, call.region);
}

/** The sandbox scales ECS services only; say so rather than pretend to support other namespaces. */
function requireEcsTarget(params: { ServiceNamespace: string; ScalableDimension?: string | undefined }): void {
  if (params.ServiceNamespace !== NAMESPACE) {
    throw new SandboxError(VALIDATION, `The sandbox supports ServiceNamespace "${NAMESPACE}" only, not "${params.ServiceNamespace}".`);
  }
  if (params.ScalableDimension !== undefined && params.ScalableDimension !== DIMENSION) {
    throw new SandboxError(VALIDATION, `The sandbox supports ScalableDimension "${DIMENSION}" only, not "${params.ScalableDimension}".`);
  }
}

function requireTarget(state: RegionState, resourceId: string): ScalableTargetState {
  const target = state.scalableTargets.get(resourceId);
  if (!target) {
    throw new SandboxError(
      'ObjectNotFoundException',
      `No scalable target registered for service namespace: ${NAMESPACE}, resource ID: ${resourceId}, scalable dimension: ${DIMENSION}`,
    );
  }
  return target;
}

/** Registering a target clamps the desired count into [min, max], as an UpdateService by Auto Scaling's service-linked role. */
function clampDesiredCount(call: Call, state: RegionState, service: ServiceState, target: ScalableTargetState): void {
  const now = call.now.getTime();
  service.settle(now);
  const clamped = Math.min(Math.max(service.desiredCount, target.min), target.max);
  if (clamped === service.desiredCount) return;
  service.scale(clamped, now);
  state.trail.record({
    eventName: 'UpdateService',
    eventSource: 'ecs.amazonaws.com',
    eventTime: now,
    identity: {
      type: 'AssumedRole',
      accountId: state.account,
      roleName: 'AWSServiceRoleForApplicationAutoScaling_ECSService',
      rolePath: '/aws-service-role/ecs.application-autoscaling.amazonaws.com/',
      sessionName: 'ApplicationAutoScaling',
      sessionCreatedAt: call.now,
      invokedBy: userAgents.autoscaling,
    },
    userAgent: userAgents.autoscaling,
    sourceIPAddress: userAgents.autoscaling,
    awsRegion: state.region,
    recipientAccountId: state.account,
    requestParameters: { cluster: service.clusterName, service: service.name, desiredCount: clamped },
    responseElements: { service: { serviceArn: service.arn, desiredCount: clamped } },
    resources: [
      { ResourceType: 'AWS::ECS::Service', ResourceName: service.arn },
      { ResourceType: 'AWS::ECS::Cluster', ResourceName: service.clusterArn },
    ],
    readOnly: false,
  });
}

const targetResource = (params: { ResourceId: string }) => [
  { ResourceType: 'AWS::ApplicationAutoScaling::ScalableTarget', ResourceName: params.ResourceId },
];

const registerScalableTarget = operation(
  z.object({
    ...targetKey,
    MinCapacity: z.number().int().min(0).optional(),
    MaxCapacity: z.number().int().min(0).optional(),
    RoleARN: z.string().optional(),
    SuspendedState: z
      .object({
        DynamicScalingInSuspended: z.boolean().optional(),
        DynamicScalingOutSuspended: z.boolean().optional(),
        ScheduledScalingSuspended: z.boolean().optional(),
      })
      .optional(),
  }),
  (params, call) => {
    requireEcsTarget(params);
    const state = regionOf(call);
    const service = state.serviceByResourceId(params.ResourceId);
    if (!service) throw new SandboxError(VALIDATION, `ECS service doesn't exist: ${params.ResourceId}`);
    let target = state.scalableTargets.get(params.ResourceId);
    if (!target) {
      if (params.MinCapacity === undefined || params.MaxCapacity === undefined) {
        throw new SandboxError(VALIDATION, 'MinCapacity and MaxCapacity are required to register a new scalable target.');
      }
      target = newScalableTarget(state, params.ResourceId, { min: params.MinCapacity, max: params.MaxCapacity }, call.now.getTime());
    }
    const min = params.MinCapacity ?? target.min;
    const max = params.MaxCapacity ?? target.max;
    if (min > max) throw new SandboxError(VALIDATION, `Minimum capacity (${min}) cannot be greater than maximum capacity (${max}).`);
    target.min = min;
    target.max = max;
    if (params.RoleARN !== undefined) target.roleArn = params.RoleARN;
    target.suspended = {
      DynamicScalingInSuspended: params.SuspendedState?.DynamicScalingInSuspended ?? target.suspended.DynamicScalingInSuspended,
      DynamicScalingOutSuspended: params.SuspendedState?.DynamicScalingOutSuspended ?? target.suspended.DynamicScalingOutSuspended,
      ScheduledScalingSuspended: params.SuspendedState?.ScheduledScalingSuspended ?? target.suspended.ScheduledScalingSuspended,
    };
    state.scalableTargets.set(params.ResourceId, target);
    clampDesiredCount(call, state, service, target);
    return { ScalableTargetARN: target.arn };
  },
  { resources: targetResource },
);

const describeScalableTargets = operation(
  z.object({
    ServiceNamespace: z.string(),
    ResourceIds: z.array(z.string()).max(50).optional(),
    ScalableDimension: z.string().optional(),
    MaxResults: z.number().int().min(1).max(MAX_PAGE).optional(),
    NextToken: z.string().optional(),
  }),
  (params, call) => {
    requireEcsTarget(params);
    const wanted = params.ResourceIds && params.ResourceIds.length > 0 ? new Set(params.ResourceIds) : undefined;
    const targets = [...regionOf(call).scalableTargets.values()].filter((t) => !wanted || wanted.has(t.resourceId));
    const { page, nextToken } = paginate(targets, params.NextToken, params.MaxResults ?? MAX_PAGE, 'InvalidNextTokenException');
    return {
      ScalableTargets: page.map((target) => ({
        ServiceNamespace: NAMESPACE,
        ResourceId: target.resourceId,
        ScalableDimension: DIMENSION,
        MinCapacity: target.min,
        MaxCapacity: target.max,
        RoleARN: target.roleArn,
        CreationTime: epochSeconds(target.createdAt),
        SuspendedState: target.suspended,
        ScalableTargetARN: target.arn,
      })),
      ...(nextToken ? { NextToken: nextToken } : {}),
    };
  },
);

const deregisterScalableTarget = operation(
  z.object(targetKey),
  (params, call) => {
    requireEcsTarget(params);
    const state = regionOf(call);
    requireTarget(state, params.ResourceId);
    state.scalableTargets.delete(params.ResourceId);
    return {};
  },
  { resources: targetResource },
);

const SCHEDULE = /^(at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\((\S+ ){5}\S+\))$/;

function validTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

const putScheduledAction = operation(
  z.object({
    ...targetKey,
    ScheduledActionName: z
      .string()
      .min(1)
      .max(256)
      .regex(/^[^:/|]+$/, 'must not contain ":", "/" or "|"'),
    Schedule: z.string().optional(),
    Timezone: z.string().optional(),
    StartTime: z.number().optional(),
    EndTime: z.number().optional(),
    ScalableTargetAction: z.object({ MinCapacity: z.number().int().min(0).optional(), MaxCapacity: z.number().int().min(0).optional() }).optional(),
  }),
  (params, call) => {
    requireEcsTarget(params);
    const target = requireTarget(regionOf(call), params.ResourceId);
    const existing = target.scheduledActions.get(params.ScheduledActionName);
    const schedule = params.Schedule ?? existing?.schedule;
    if (schedule === undefined) throw new SandboxError(VALIDATION, 'Schedule is required for a new scheduled action.');
    if (!SCHEDULE.test(schedule)) {
      throw new SandboxError(VALIDATION, `Invalid schedule "${schedule}": use at(yyyy-mm-ddThh:mm:ss), rate(value unit) or cron(six fields).`);
    }
    if (params.Timezone !== undefined && !validTimezone(params.Timezone)) {
      throw new SandboxError(VALIDATION, `Invalid Timezone "${params.Timezone}": use an IANA time zone such as Europe/Berlin.`);
    }
    const action = params.ScalableTargetAction;
    if (action?.MinCapacity !== undefined && action.MaxCapacity !== undefined && action.MinCapacity > action.MaxCapacity) {
      throw new SandboxError(VALIDATION, 'ScalableTargetAction MinCapacity cannot be greater than MaxCapacity.');
    }
    if (!existing && target.scheduledActions.size >= MAX_SCHEDULED_ACTIONS) {
      throw new SandboxError(
        'LimitExceededException',
        `Scalable target ${params.ResourceId} already has the maximum of ${MAX_SCHEDULED_ACTIONS} scheduled actions.`,
      );
    }
    const scheduled: ScheduledActionState = {
      name: params.ScheduledActionName,
      arn:
        existing?.arn ??
        `arn:aws:autoscaling:${call.region}:${call.account}:scheduledAction:${randomUUID()}:resource/${NAMESPACE}/${params.ResourceId}:scheduledActionName/${params.ScheduledActionName}`,
      schedule,
      createdAt: existing?.createdAt ?? call.now.getTime(),
      ...optional('timezone', params.Timezone ?? existing?.timezone),
      ...optional('startTime', params.StartTime === undefined ? existing?.startTime : params.StartTime * 1000),
      ...optional('endTime', params.EndTime === undefined ? existing?.endTime : params.EndTime * 1000),
      ...optional('minCapacity', action ? action.MinCapacity : existing?.minCapacity),
      ...optional('maxCapacity', action ? action.MaxCapacity : existing?.maxCapacity),
    };
    target.scheduledActions.set(scheduled.name, scheduled);
    return {};
  },
  { resources: targetResource },
);

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

const describeScheduledActions = operation(
  z.object({
    ServiceNamespace: z.string(),
    ScheduledActionNames: z.array(z.string()).max(50).optional(),
    ResourceId: z.string().optional(),
    ScalableDimension: z.string().optional(),
    MaxResults: z.number().int().min(1).max(MAX_PAGE).optional(),
    NextToken: z.string().optional(),
  }),
  (params, call) => {
    requireEcsTarget(params);
    const names = params.ScheduledActionNames && params.ScheduledActionNames.length > 0 ? new Set(params.ScheduledActionNames) : undefined;
    const actions: { target: ScalableTargetState; action: ScheduledActionState }[] = [];
    for (const target of regionOf(call).scalableTargets.values()) {
      if (params.ResourceId !== undefined && target.resourceId !== params.ResourceId) continue;
      for (const action of target.scheduledActions.values()) if (!names || names.has(action.name)) actions.push({ target, action });
    }
    const { page, nextToken } = paginate(actions, params.NextToken, params.MaxResults ?? MAX_PAGE, 'InvalidNextTokenException');
    return {
      ScheduledActions: page.map(({ target, action }) => ({
        ScheduledActionName: action.name,
        ScheduledActionARN: action.arn,
        ServiceNamespace: NAMESPACE,
        Schedule: action.schedule,
        ...optional('Timezone', action.timezone),
        ResourceId: target.resourceId,
        ScalableDimension: DIMENSION,
        ...optional('StartTime', action.startTime === undefined ? undefined : epochSeconds(action.startTime)),
        ...optional('EndTime', action.endTime === undefined ? undefined : epochSeconds(action.endTime)),
        ScalableTargetAction: {
          ...optional('MinCapacity', action.minCapacity),
          ...optional('MaxCapacity', action.maxCapacity),
        },
        CreationTime: epochSeconds(action.createdAt),
      })),
      ...(nextToken ? { NextToken: nextToken } : {}),
    };
  },
);

const deleteScheduledAction = operation(
  z.object({ ...targetKey, ScheduledActionName: z.string().min(1) }),
  (params, call) => {
    requireEcsTarget(params);
    const target = requireTarget(regionOf(call), params.ResourceId);
    if (!target.scheduledActions.delete(params.ScheduledActionName)) {
      throw new SandboxError(
        'ObjectNotFoundException',
        `No scheduled action found for service namespace: ${NAMESPACE}, resource ID: ${params.ResourceId}, scalable dimension: ${DIMENSION}, scheduled action name: ${params.ScheduledActionName}`,
      );
    }
    return {};
  },
  { resources: targetResource },
);

export const autoscalingApi: ServiceApi = {
  service: 'application-autoscaling',
  eventSource: 'application-autoscaling.amazonaws.com',
  validationErrorCode: VALIDATION,
  operations: {
    RegisterScalableTarget: registerScalableTarget,
    DescribeScalableTargets: describeScalableTargets,
    DeregisterScalableTarget: deregisterScalableTarget,
    PutScheduledAction: putScheduledAction,
    DescribeScheduledActions: describeScheduledActions,
    DeleteScheduledAction: deleteScheduledAction,
  },
};
