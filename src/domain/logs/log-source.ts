/** Where a service's logs go, read from its task definition: plain data, decided here, fetched elsewhere. */

/** Most task definitions have one to three containers; more than this are not kept. */
export const MAX_CONTAINERS_KEPT = 10;

/** One container's `logConfiguration`, as far as dockhand reads it. */
export interface ContainerLogging {
  container: string;
  /** `awslogs`, `awsfirelens`, `splunk`, `fluentd`…; null when the container has no logConfiguration. */
  driver: string | null;
  /** awslogs options; null for other drivers. */
  group: string | null;
  streamPrefix: string | null;
  region: string | null;
  /** A FireLens log router (fluent-bit): its own logs are not the service's. */
  router: boolean;
}

export type LogSource =
  /** awslogs: the group, and the prefix of the streams of the container that matters. */
  | { kind: 'cloudwatch'; container: string; group: string; region: string | null; streamPrefix: string | null }
  /** Every container that logs uses another driver (FireLens, Splunk, Fluentd…). */
  | { kind: 'elsewhere'; drivers: string[] }
  | { kind: 'none' };

/**
 * The CloudWatch source of a service's logs: the first (non-router) container that logs with awslogs. A
 * FireLens service's application container uses `awsfirelens` while its router logs to CloudWatch: the
 * router's logs are not the service's, so it answers "elsewhere".
 */
export function logSourceOf(containers: readonly ContainerLogging[]): LogSource {
  const app = containers.filter((c) => !c.router && c.driver !== null);
  const cloudwatch = app.find((c) => c.driver === 'awslogs' && c.group);
  if (cloudwatch?.group) {
    // awslogs names streams `<prefix>/<container>/<task id>`; without a prefix, any stream of the group.
    const streamPrefix = cloudwatch.streamPrefix ? `${cloudwatch.streamPrefix}/${cloudwatch.container}/` : null;
    return { kind: 'cloudwatch', container: cloudwatch.container, group: cloudwatch.group, region: cloudwatch.region, streamPrefix };
  }
  if (app.length > 0) return { kind: 'elsewhere', drivers: [...new Set(app.map((c) => c.driver as string))] };
  return { kind: 'none' };
}
