import { z } from 'zod';
import { SandboxError } from './errors.js';
import type { CpuArchitecture } from './fleet.js';
import { paginate, operation, type Call, type ServiceApi } from './protocol.js';
import type { ServiceState } from './service-state.js';

const VALIDATION = 'ValidationException';
const DAY_MS = 86_400_000;

/**
 * Fargate Linux on-demand prices per hour (aws.amazon.com/fargate/pricing): per vCPU and per GB of memory.
 * ARM (Graviton) is about 20% cheaper; Fargate Spot runs at about 70% off on-demand.
 */
const FARGATE_RATES: Record<string, Record<CpuArchitecture, { vcpuHour: number; gbHour: number }>> = {
  'us-east-1': { X86_64: { vcpuHour: 0.04048, gbHour: 0.004445 }, ARM64: { vcpuHour: 0.03238, gbHour: 0.00356 } },
  'eu-west-1': { X86_64: { vcpuHour: 0.04456, gbHour: 0.004865 }, ARM64: { vcpuHour: 0.03565, gbHour: 0.00389 } },
};
const SPOT_PRICE_FACTOR = 0.3;
const ECS_SERVICE_NAME = 'Amazon Elastic Container Service';

/** What one task of a service costs an hour; regions without a listed rate use us-east-1's. */
function hourlyTaskCost(region: string, service: ServiceState): number {
  const rates = (FARGATE_RATES[region] ?? FARGATE_RATES['us-east-1']!)[service.taskDefinition.arch];
  const onDemand = (service.taskDefinition.cpu / 1024) * rates.vcpuHour + (service.taskDefinition.memory / 1024) * rates.gbHour;
  return service.spot ? onDemand * SPOT_PRICE_FACTOR : onDemand;
}

const COST_METRICS = ['AmortizedCost', 'BlendedCost', 'NetAmortizedCost', 'NetUnblendedCost', 'UnblendedCost'];
const USAGE_METRIC = 'UsageQuantity';
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD');

const filterInput = z
  .object({
    Dimensions: z.object({ Key: z.enum(['SERVICE', 'REGION']), Values: z.array(z.string()) }).optional(),
    Tags: z.object({ Key: z.string(), Values: z.array(z.string()) }).optional(),
  })
  .strict();

const getCostAndUsageInput = z.object({
  TimePeriod: z.object({ Start: isoDate, End: isoDate }),
  Granularity: z.enum(['DAILY', 'MONTHLY', 'HOURLY']),
  Metrics: z.array(z.string()).min(1),
  GroupBy: z.array(z.object({ Type: z.enum(['DIMENSION', 'TAG', 'COST_CATEGORY']), Key: z.string() })).max(2).optional(),
  Filter: filterInput.optional(),
  NextPageToken: z.string().optional(),
});
type Filter = z.output<typeof filterInput>;

function periods(start: number, end: number, granularity: 'DAILY' | 'MONTHLY'): { start: number; end: number }[] {
  const result = [];
  for (let from = start; from < end; ) {
    const date = new Date(from);
    const next =
      granularity === 'DAILY' ? from + DAY_MS : Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
    result.push({ start: from, end: Math.min(next, end) });
    from = next;
  }
  return result;
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function amount(value: number): string {
  return String(Math.round(value * 1e10) / 1e10);
}

function passes(filter: Filter | undefined, region: string, service: ServiceState): boolean {
  if (!filter) return true;
  if (filter.Dimensions?.Key === 'SERVICE' && !filter.Dimensions.Values.includes(ECS_SERVICE_NAME)) return false;
  if (filter.Dimensions?.Key === 'REGION' && !filter.Dimensions.Values.includes(region)) return false;
  if (filter.Tags && !filter.Tags.Values.includes(service.tags.get(filter.Tags.Key) ?? '')) return false;
  return true;
}

function validatedRequest(params: z.output<typeof getCostAndUsageInput>) {
  const start = Date.parse(`${params.TimePeriod.Start}T00:00:00Z`);
  const end = Date.parse(`${params.TimePeriod.End}T00:00:00Z`);
  if (Number.isNaN(start) || Number.isNaN(end)) throw new SandboxError(VALIDATION, 'TimePeriod Start and End must be valid dates.');
  if (start >= end) throw new SandboxError(VALIDATION, 'TimePeriod Start must be before End (End is exclusive).');
  if (params.Granularity === 'HOURLY') throw new SandboxError(VALIDATION, 'The sandbox serves DAILY and MONTHLY granularity only.');
  const unknown = params.Metrics.filter((m) => !COST_METRICS.includes(m) && m !== USAGE_METRIC);
  if (unknown.length > 0) throw new SandboxError(VALIDATION, `Unsupported metrics: ${unknown.join(', ')}.`);
  const groupBy = params.GroupBy ?? [];
  if (groupBy.some((g) => g.Type !== 'TAG')) throw new SandboxError(VALIDATION, 'The sandbox groups by TAG only.');
  return { start, end, granularity: params.Granularity, metrics: params.Metrics, tagKeys: groupBy.map((g) => g.Key) };
}

interface Usage {
  cost: number;
  taskHours: number;
}

function metricValues(metrics: string[], usage: Usage): Record<string, { Amount: string; Unit: string }> {
  return Object.fromEntries(
    metrics.map((metric) =>
      metric === USAGE_METRIC
        ? [metric, { Amount: amount(usage.taskHours), Unit: 'Hrs' }]
        : [metric, { Amount: amount(usage.cost), Unit: 'USD' }],
    ),
  );
}

/** GetCostAndUsage from the task-seconds the sandbox's services ran, priced at Fargate rates. */
function getCostAndUsage(params: z.output<typeof getCostAndUsageInput>, call: Call) {
  const request = validatedRequest(params);
  const now = call.now.getTime();
  const services = call.world
    .allRegions()
    .filter((state) => state.account === call.account)
    .flatMap((state) =>
      [...state.clusters.values()].flatMap((cluster) => [...cluster.services.values()].map((service) => ({ region: state.region, service }))),
    )
    .filter(({ region, service }) => passes(params.Filter, region, service));
  for (const { service } of services) service.settle(now);
  const results = periods(request.start, request.end, request.granularity as 'DAILY' | 'MONTHLY').map((period) => {
    const groups = new Map<string, Usage>();
    for (const { region, service } of services) {
      const taskHours = service.taskSeconds(period.start, Math.min(period.end, now)) / 3600;
      if (taskHours === 0) continue;
      const key = JSON.stringify(request.tagKeys.map((tag) => `${tag}$${service.tags.get(tag) ?? ''}`));
      const usage = groups.get(key) ?? { cost: 0, taskHours: 0 };
      usage.cost += taskHours * hourlyTaskCost(region, service);
      usage.taskHours += taskHours;
      groups.set(key, usage);
    }
    return { period, groups: [...groups].sort(([a], [b]) => a.localeCompare(b)) };
  });
  const header = {
    GroupDefinitions: (params.GroupBy ?? []).map((g) => ({ Type: g.Type, Key: g.Key })),
    DimensionValueAttributes: [],
  };
  const resultFor = (period: { start: number; end: number }) => ({
    TimePeriod: { Start: day(period.start), End: day(period.end) },
    Estimated: period.end > now,
  });
  if (request.tagKeys.length === 0) {
    return {
      ...header,
      ResultsByTime: results.map(({ period, groups }) => ({
        ...resultFor(period),
        Total: metricValues(request.metrics, groups[0]?.[1] ?? { cost: 0, taskHours: 0 }),
        Groups: [],
      })),
    };
  }
  // Pages split the (period, group) pairs; a period without spend still appears once, with no groups.
  const entries = results.flatMap(({ period, groups }): { period: { start: number; end: number }; group?: [string, Usage] }[] =>
    groups.length === 0 ? [{ period }] : groups.map((group) => ({ period, group })),
  );
  const { page, nextToken } = paginate(entries, params.NextPageToken, call.world.options.costExplorerPageSize, 'InvalidNextTokenException');
  const byPeriod = new Map<number, { period: { start: number; end: number }; groups: [string, Usage][] }>();
  for (const { period, group } of page) {
    const entry = byPeriod.get(period.start) ?? { period, groups: [] };
    if (group) entry.groups.push(group);
    byPeriod.set(period.start, entry);
  }
  return {
    ...header,
    ResultsByTime: [...byPeriod.values()].map(({ period, groups }) => ({
      ...resultFor(period),
      Total: {},
      Groups: groups.map(([key, usage]) => ({ Keys: JSON.parse(key) as string[], Metrics: metricValues(request.metrics, usage) })),
    })),
    ...(nextToken ? { NextPageToken: nextToken } : {}),
  };
}

export const costExplorerApi: ServiceApi = {
  service: 'ce',
  eventSource: 'ce.amazonaws.com',
  validationErrorCode: VALIDATION,
  operations: {
    GetCostAndUsage: operation(getCostAndUsageInput, getCostAndUsage),
  },
};
