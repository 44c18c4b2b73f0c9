import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Clock, systemClock } from '../../src/domain/clock.js';
import { ecsApi } from './ecs.js';
import { demoFleet, type FleetSpec } from './fleet.js';
import { DEFAULT_ACCOUNT, DEFAULT_REGION, identities, userAgents, type SandboxIdentity } from './identity.js';
import type { AuditResource, Call } from './protocol.js';
import type { RolloutState, TaskFailure } from './service-state.js';
import { Dispatcher, Faults, type FaultHook, type Hold, type HoldMatcher, type RecordedRequest } from './server.js';
import { World } from './state.js';

export { SandboxError, awsError } from './errors.js';
export { demoFleet, generatedFleet, referenceFleet, accountId } from './fleet.js';
export { LOGS_PAGE_SIZE, logGroupOf, STREAM_PREFIX, filterTerms } from './logs.js';
export type { FleetSpec, ClusterSpec, ServiceSpec, AccountSpec, CpuArchitecture, GeneratedFleetOptions } from './fleet.js';
export { identities, userAgents, DEFAULT_ACCOUNT, DEFAULT_REGION } from './identity.js';
export type { SandboxIdentity } from './identity.js';
export type { RecordedRequest, FaultHook, FaultRequest } from './server.js';
export type { AuditResource } from './protocol.js';
export type { TaskFailure } from './service-state.js';

export interface SandboxOptions {
  /** The fleet to seed; default demoFleet(). */
  fleet?: FleetSpec;
  /** The sandbox clock: convergence, CloudTrail times and cost all read it. Default: system time. */
  clock?: Clock;
  /** How long a change takes to converge on the sandbox clock; default 30 s. */
  convergeDelayMs?: number;
  /** Real-time delay added to every request; default 0. */
  latencyMs?: number;
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** How long after a call its CloudTrail event is visible (sandbox clock); default 0. */
  cloudTrailLagMs?: number;
  /** (day, group) pairs per GetCostAndUsage page; default 40. */
  costExplorerPageSize?: number;
  /** How long stopped tasks stay listed, as ECS forgets them after about an hour; default: until `forgetStoppedTasks()`. */
  stoppedTaskRetentionMs?: number;
}

export interface SandboxServiceView {
  account: string;
  region: string;
  cluster: string;
  name: string;
  arn: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  taskDefinition: { arn: string; family: string; revision: number; cpu: number; memory: number; arch: string };
  spot: boolean;
  tags: Record<string, string>;
  deployments: {
    id: string;
    status: 'PRIMARY' | 'ACTIVE';
    desiredCount: number;
    runningCount: number;
    pendingCount: number;
    failedTasks: number;
    rolloutState: RolloutState;
    createdAt: Date;
  }[];
  /** Newest first. */
  events: { createdAt: Date; message: string }[];
  scalableTarget?: {
    min: number;
    max: number;
    suspended: { DynamicScalingInSuspended: boolean; DynamicScalingOutSuspended: boolean; ScheduledScalingSuspended: boolean };
    scheduledActions: string[];
  };
}

/** A CloudTrail event to place in the history as if AWS had recorded it; everything but eventName has a default. */
export interface InjectedCloudTrailEvent {
  account?: string;
  region?: string;
  eventName: string;
  /** Default ecs.amazonaws.com. */
  eventSource?: string;
  /** Default: now on the sandbox clock. */
  eventTime?: Date;
  /** Default: IAM user sandbox-admin. */
  identity?: SandboxIdentity;
  accessKeyId?: string;
  /** Default: the console's. */
  userAgent?: string;
  sourceIPAddress?: string;
  requestParameters?: unknown;
  responseElements?: unknown;
  errorCode?: string;
  errorMessage?: string;
  resources?: AuditResource[];
  readOnly?: boolean;
  eventType?: string;
}

/** A change to a service made outside dockhand (console, CLI, Terraform): applied and recorded in CloudTrail. */
export interface ExternalUpdate {
  account?: string;
  region?: string;
  cluster: string;
  service: string;
  desiredCount?: number;
  forceNewDeployment?: boolean;
  /** Default: IAM user `ops-console` of the account. */
  identity?: SandboxIdentity;
  /** Default: the console's; see `userAgents`. */
  userAgent?: string;
  sourceIPAddress?: string;
}

const EXTERNAL_IP = '203.0.113.10';

export class Sandbox {
  /** Every request served since the last resetCounts(), oldest first. */
  readonly requests: RecordedRequest[] = [];
  private readonly faults = new Faults();
  private readonly dispatcher: Dispatcher;
  private baseUrl = '';

  constructor(
    private readonly world: World,
    private readonly server: Server,
  ) {
    this.dispatcher = new Dispatcher(world, this.faults, this.requests);
    server.on('request', (request, response) => {
      this.dispatcher.handle(request, response).catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(String(error));
      });
    });
  }

  /** Where to point AWS_ENDPOINT_URL or a client's `endpoint`. */
  get url(): string {
    return this.baseUrl;
  }

  async listen(host: string, port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    this.baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }

  async close(): Promise<void> {
    this.faults.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  countCalls(filter: { service?: string; operation?: string } = {}): number {
    return this.requests.filter(
      (r) => (filter.service === undefined || r.service === filter.service) && (filter.operation === undefined || r.operation === filter.operation),
    ).length;
  }

  /** Writes log lines to a CloudWatch Logs group (created if need be); seeded groups keep their seeded lines. */
  appendLogLines(account: string, region: string, group: string, stream: string, lines: readonly { timestamp: number; message: string }[]): void {
    this.world.region(account, region).logs.append(group, stream, lines, this.world.now());
  }

  resetCounts(): void {
    this.requests.length = 0;
  }

  setLatency(ms: number): void {
    this.faults.latencyMs = ms;
  }

  /** The next `times` calls of `operation` (any service) answer ThrottlingException. */
  throttle(operation: string, times: number): void {
    this.faults.throttle(operation, times);
  }

  /**
   * Fails the calls the hook returns an error for, until clearFaults(). The error's name is the AWS error code
   * (`new SandboxError('AccessDeniedException', …)`, or any Error with `name` set); a plain Error is a 500.
   */
  failOn(hook: FaultHook): void {
    this.faults.failOn(hook);
  }

  /**
   * Keeps matching requests waiting, unanswered, until released: a call in flight when a process dies.
   * `reached` resolves once the first such request is waiting.
   */
  hold(matches: HoldMatcher): Hold {
    return this.faults.hold(matches);
  }

  /**
   * `true`: every request is accepted and never answered (nothing it asks for happens), until `hang(false)`
   * or clearFaults(): an endpoint behind a black-holed network.
   */
  hang(on: boolean): void {
    this.faults.hang(on);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Makes an access key act as the given identity (e.g. a Root or a named IAM user). */
  registerIdentity(accessKeyId: string, identity: SandboxIdentity): void {
    this.world.identities.register(accessKeyId, identity);
  }

  service(account: string, region: string, cluster: string, name: string): SandboxServiceView | undefined {
    const state = this.world.findRegion(account, region);
    const service = state?.clusters.get(cluster)?.services.get(name);
    if (!state || !service) return undefined;
    const now = this.world.now();
    service.settle(now);
    const target = state.scalableTargets.get(`service/${cluster}/${name}`);
    const definition = service.taskDefinition;
    return {
      account,
      region,
      cluster,
      name,
      arn: service.arn,
      desiredCount: service.desiredCount,
      runningCount: service.runningCount(now),
      pendingCount: service.pendingCount(now),
      taskDefinition: { arn: definition.arn, family: definition.family, revision: definition.revision, cpu: definition.cpu, memory: definition.memory, arch: definition.arch },
      spot: service.spot,
      tags: Object.fromEntries(service.tags),
      deployments: service.deployments.map((deployment) => {
        const counts = service.deploymentCounts(deployment, now);
        return {
          id: deployment.id,
          status: deployment.status,
          desiredCount: deployment.desiredCount,
          runningCount: counts.running,
          pendingCount: counts.pending,
          failedTasks: deployment.failedTasks,
          rolloutState: deployment.rolloutState,
          createdAt: new Date(deployment.createdAt),
        };
      }),
      events: service.events.map((event) => ({ createdAt: new Date(event.createdAt), message: event.message })),
      ...(target
        ? { scalableTarget: { min: target.min, max: target.max, suspended: { ...target.suspended }, scheduledActions: [...target.scheduledActions.keys()] } }
        : {}),
    };
  }

  /**
   * Makes a service fail the given way: a new deployment starts, every task stops as `failure` says (image tag
   * missing, OOM-killed, failed health checks), and the circuit breaker fails the rollout (rolling back if asked).
   * `nextDeployment`: nothing starts now; the service's next deployment (a restart, a scale up) fails so.
   */
  breakService(where: { account?: string; region?: string; cluster: string; service: string; failure: TaskFailure; nextDeployment?: boolean }): void {
    const service = this.world.findRegion(where.account ?? DEFAULT_ACCOUNT, where.region ?? DEFAULT_REGION)?.clusters.get(where.cluster)?.services.get(where.service);
    if (!service) throw new Error(`no sandbox service ${where.cluster}/${where.service}`);
    service.break(where.failure, this.world.now(), where.nextDeployment !== true);
  }

  /** The ids of a service's stopped tasks as ListTasks (desiredStatus STOPPED) would list them now: for minimums. */
  stoppedTaskIds(account: string, region: string, cluster: string, name: string): string[] {
    const service = this.world.findRegion(account, region)?.clusters.get(cluster)?.services.get(name);
    return service ? service.tasks(this.world.now()).filter((task) => task.desiredStatus === 'STOPPED').map((task) => task.id) : [];
  }

  /** Forgets every stopped task known so far, as ECS does about an hour after a task stops. */
  forgetStoppedTasks(): void {
    const now = this.world.now();
    for (const state of this.world.allRegions()) for (const cluster of state.clusters.values()) for (const service of cluster.services.values()) service.forgetStoppedTasks(now);
  }

  /** Every service of the fleet, for assertions over a whole fleet. */
  services(): SandboxServiceView[] {
    return this.world.allRegions().flatMap((state) =>
      [...state.clusters.values()].flatMap((cluster) =>
        [...cluster.services.keys()].map((name) => this.service(state.account, state.region, cluster.name, name)!),
      ),
    );
  }

  /** Counts of what the fleet holds (accounts with clusters), for logs. */
  summary(): { accounts: number; clusters: number; services: number; environments: number; runningTasks: number } {
    const services = this.services();
    const regions = this.world.allRegions().filter((r) => r.clusters.size > 0);
    return {
      accounts: new Set(regions.map((r) => r.account)).size,
      clusters: regions.reduce((sum, r) => sum + r.clusters.size, 0),
      services: services.length,
      environments: new Set(services.flatMap((s) => (s.tags.environment ? [s.tags.environment] : []))).size,
      runningTasks: services.reduce((sum, s) => sum + s.runningCount, 0),
    };
  }

  injectCloudTrailEvent(event: InjectedCloudTrailEvent): string {
    const account = event.account ?? event.identity?.accountId ?? DEFAULT_ACCOUNT;
    const region = event.region ?? DEFAULT_REGION;
    return this.world.region(account, region).trail.record({
      eventName: event.eventName,
      eventSource: event.eventSource ?? 'ecs.amazonaws.com',
      eventTime: (event.eventTime ?? this.world.options.clock.now()).getTime(),
      identity: event.identity ?? identities.iamUser('sandbox-admin', account),
      ...(event.accessKeyId === undefined ? {} : { accessKeyId: event.accessKeyId }),
      userAgent: event.userAgent ?? userAgents.console,
      sourceIPAddress: event.sourceIPAddress ?? EXTERNAL_IP,
      awsRegion: region,
      recipientAccountId: account,
      requestParameters: event.requestParameters ?? null,
      responseElements: event.responseElements ?? null,
      ...(event.errorCode === undefined ? {} : { errorCode: event.errorCode, errorMessage: event.errorMessage ?? '' }),
      resources: event.resources ?? [],
      readOnly: event.readOnly ?? false,
      ...(event.eventType === undefined ? {} : { eventType: event.eventType }),
    });
  }

  /** Applies an UpdateService as someone outside dockhand; throws the AWS error (e.g. ServiceNotFoundException) if it fails. */
  externalUpdate(update: ExternalUpdate): SandboxServiceView {
    const account = update.account ?? update.identity?.accountId ?? DEFAULT_ACCOUNT;
    const region = update.region ?? DEFAULT_REGION;
    const call: Call = {
      world: this.world,
      account,
      region,
      identity: update.identity ?? identities.iamUser('ops-console', account),
      userAgent: update.userAgent ?? userAgents.console,
      sourceIPAddress: update.sourceIPAddress ?? EXTERNAL_IP,
      now: this.world.options.clock.now(),
      requestId: randomUUID(),
    };
    const params = {
      cluster: update.cluster,
      service: update.service,
      ...(update.desiredCount === undefined ? {} : { desiredCount: update.desiredCount }),
      ...(update.forceNewDeployment === undefined ? {} : { forceNewDeployment: update.forceNewDeployment }),
    };
    const output = this.dispatcher.execute(ecsApi, 'UpdateService', params, call, false) as {
      service: { serviceName: string; clusterArn: string };
    };
    const cluster = output.service.clusterArn.split('/').at(-1)!;
    return this.service(account, region, cluster, output.service.serviceName)!;
  }
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const world = new World({
    clock: options.clock ?? systemClock,
    convergeDelayMs: options.convergeDelayMs ?? 30_000,
    cloudTrailLagMs: options.cloudTrailLagMs ?? 0,
    costExplorerPageSize: options.costExplorerPageSize ?? 40,
    stoppedTaskRetentionMs: options.stoppedTaskRetentionMs,
  });
  world.seed(options.fleet ?? demoFleet());
  const sandbox = new Sandbox(world, createServer());
  sandbox.setLatency(options.latencyMs ?? 0);
  await sandbox.listen(options.host ?? '127.0.0.1', options.port ?? 0);
  return sandbox;
}
