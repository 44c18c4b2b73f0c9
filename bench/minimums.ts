/**
 * The fewest AWS calls the APIs allow for what dockhand does, computed from the sandbox's ground truth.
 * Pure: the callers pass the fleet as the sandbox describes it.
 */

/** What a minimum needs to know of one service. */
export interface ServiceFacts {
  account: string;
  region: string;
  cluster: string;
  taskDefinitionArn: string;
  scalable: boolean;
}

/** ListClusters and ListServices return up to 100 a page; DescribeServices takes 10 services a call. */
export const LIST_PAGE = 100;
export const DESCRIBE_SERVICES_BATCH = 10;
/** DescribeScalableTargets takes up to 50 resource ids a call. */
export const DESCRIBE_TARGETS_BATCH = 50;

function groupCount<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

export interface RefreshMinimum {
  listClusters: number;
  listServices: number;
  describeServices: number;
  describeTaskDefinition: number;
  assumeRole: number;
  total: number;
}

/**
 * One inventory refresh: per account and region ListClusters pages; per cluster ListServices pages (at
 * least one) and DescribeServices in tens; on the first refresh also each distinct task definition once
 * (they are immutable by ARN, so later refreshes need none) and one AssumeRole per account reached through
 * a role (the credentials last an hour).
 */
export function refreshMinimum(
  services: readonly ServiceFacts[],
  locations: readonly { account: string; region: string; viaRole: boolean }[],
  first: boolean,
): RefreshMinimum {
  const clustersByLocation = new Map<string, Set<string>>();
  for (const s of services) {
    const key = `${s.account}/${s.region}`;
    clustersByLocation.set(key, (clustersByLocation.get(key) ?? new Set()).add(s.cluster));
  }
  const perCluster = groupCount(services, (s) => `${s.account}/${s.region}/${s.cluster}`);
  const listClusters = locations.reduce((sum, l) => sum + Math.max(1, Math.ceil((clustersByLocation.get(`${l.account}/${l.region}`)?.size ?? 0) / LIST_PAGE)), 0);
  const counts = [...perCluster.values()];
  const listServices = counts.reduce((sum, n) => sum + Math.max(1, Math.ceil(n / LIST_PAGE)), 0);
  const describeServices = counts.reduce((sum, n) => sum + Math.ceil(n / DESCRIBE_SERVICES_BATCH), 0);
  const describeTaskDefinition = first ? new Set(services.map((s) => s.taskDefinitionArn)).size : 0;
  const assumeRole = first ? new Set(locations.filter((l) => l.viaRole).map((l) => l.account)).size : 0;
  return {
    listClusters,
    listServices,
    describeServices,
    describeTaskDefinition,
    assumeRole,
    total: listClusters + listServices + describeServices + describeTaskDefinition + assumeRole,
  };
}

export interface OperationMinimum {
  reads: number;
  writes: number;
  total: number;
  /**
   * Round trips on the critical path: one for the reads (DescribeServices and DescribeScalableTargets go
   * in parallel), then the writes of every service in parallel: one (UpdateService), or two in sequence
   * for a service with autoscaling (RegisterScalableTarget, then UpdateService).
   */
  roundTrips: number;
}

/**
 * Stopping or starting the services of one environment: read their current state (DescribeServices per
 * cluster in tens, DescribeScalableTargets per account and region in fifties), then one UpdateService each
 * and a RegisterScalableTarget before it where the service scales automatically, and one TagResource
 * (stop: the park record on the service) or UntagResource (start: the record removed) each, since ECS tags
 * one resource a call.
 */
export function operationMinimum(services: readonly ServiceFacts[]): OperationMinimum {
  const perCluster = groupCount(services, (s) => `${s.account}/${s.region}/${s.cluster}`);
  const perLocation = groupCount(services, (s) => `${s.account}/${s.region}`);
  const reads =
    [...perCluster.values()].reduce((sum, n) => sum + Math.ceil(n / DESCRIBE_SERVICES_BATCH), 0) +
    [...perLocation.values()].reduce((sum, n) => sum + Math.ceil(n / DESCRIBE_TARGETS_BATCH), 0);
  const scalable = services.filter((s) => s.scalable).length;
  const tags = services.length;
  const writes = services.length + scalable + tags;
  return { reads, writes, total: reads + writes, roundTrips: services.length === 0 ? 0 : 2 + (scalable > 0 ? 2 : 1) };
}

/** CloudTrail LookupEvents returns up to 50 events a page, and a lookup needs at least one request. */
export const LOOKUP_PAGE = 50;

/** One lookup per account, region and event source: at least one request, then one per 50 events. */
export function lookupMinimum(eventsPerLookup: readonly number[]): number {
  return eventsPerLookup.reduce((sum, n) => sum + Math.max(1, Math.ceil(n / LOOKUP_PAGE)), 0);
}

/** GetCostAndUsage pages: at least one, then one per `pageSize` (day, group) rows the answer holds. */
export function costExplorerMinimum(rows: number, pageSize: number): number {
  return Math.max(1, Math.ceil(rows / pageSize));
}
