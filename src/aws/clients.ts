import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { ECSClient } from '@aws-sdk/client-ecs';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { Account } from '../config/policy.js';
import type { AwsCallObserver } from '../ops/metrics.js';
import { DOCKHAND_VERSION } from '../package.js';
import { KeyedRateLimiters, type RateLimiter, type Timing } from '../rate-limit.js';
import { DeadlineExceeded, scopeEachAttempt } from './call-scope.js';
import { AwsFailure } from './errors.js';

/**
 * Every HTTP attempt dockhand makes to AWS, retries included, by account, region and operation, and by who
 * made it (`scope`), so one job's count is not mixed with calls other jobs make at the same time.
 */
export class AwsCallCounter {
  private readonly counts = new Map<string, number>();
  private readonly scoped = new Map<string, number>();

  record(account: string, region: string, operation: string, scope = 'other'): void {
    const key = `${account}/${region}/${operation}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.scoped.set(scope, (this.scoped.get(scope) ?? 0) + 1);
  }

  /** All calls, or those of one scope (e.g. `INVENTORY_SCOPE`). */
  total(scope?: string): number {
    if (scope !== undefined) return this.scoped.get(scope) ?? 0;
    let sum = 0;
    for (const count of this.counts.values()) sum += count;
    return sum;
  }

  byOperation(): Record<string, number> {
    const result: Record<string, number> = {};
    for (const [key, count] of this.counts) {
      const operation = key.slice(key.lastIndexOf('/') + 1);
      result[operation] = (result[operation] ?? 0) + count;
    }
    return result;
  }
}

/** Deadlines of one HTTP attempt to AWS; the SDK retries an attempt that timed out. */
export interface AwsTimeouts {
  /** Establishing the TCP (and TLS) connection. */
  connectMs: number;
  /** From sending the request to the whole response, once connected. */
  requestMs: number;
}

/** AWS answers most control-plane calls in well under a second; ECS writes take one or two. */
export const DEFAULT_AWS_TIMEOUTS: AwsTimeouts = { connectMs: 3_000, requestMs: 10_000 };

/** What humans reading CloudTrail see; dockhand itself recognises its calls by request id, not by this. */
export const DOCKHAND_USER_AGENT = `dockhand/${DOCKHAND_VERSION}`;

export interface AwsClientOptions {
  /** Overrides AWS_ENDPOINT_URL; the SDK reads that variable by itself when this is unset. */
  endpoint?: string | undefined;
  /** Overrides the SDK's default provider chain (env, profile, container, instance). */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined;
  maxAttempts?: number;
  timeouts?: AwsTimeouts;
  /** Told the outcome of every attempt (metrics by service, operation and error code). */
  observer?: AwsCallObserver | undefined;
  /** The CloudTrail limiter's time; default real time. */
  timing?: Timing;
}

/** An SDK v3 client, as far as dockhand adds to its middleware stack (the SDK types each step apart). */
interface InstrumentableClient {
  middlewareStack: {
    add: ((middleware: never, options: { step: 'deserialize'; name: string; priority?: 'high' }) => void) &
      ((middleware: never, options: { step: 'initialize'; name: string }) => void);
  };
  destroy(): void;
}

/** The scope of the ECS calls dockhand makes for itself: reading the fleet. */
export const INVENTORY_SCOPE = 'ecs:dockhand';

/** LookupEvents allows 2 requests a second per account and region; more are throttled. */
export const CLOUDTRAIL_REQUESTS_PER_SECOND = 2;
/** Cost Explorer has one endpoint, in us-east-1, whatever region the fleet runs in. */
export const COST_EXPLORER_REGION = 'us-east-1';

/** The error code of a failed AWS attempt (`ThrottlingException`, `TimeoutError`): its name, never its message. */
function awsErrorCode(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && name !== 'Error' ? name : 'Unknown';
}

/** Runs one attempt, telling the observer how it ended. */
async function observed<T>(observer: AwsCallObserver | undefined, service: string, operation: string, send: () => Promise<T>): Promise<T> {
  if (!observer) return send();
  try {
    const result = await send();
    observer.awsCall(service, operation, null);
    return result;
  } catch (error) {
    observer.awsCall(service, operation, awsErrorCode(error));
    throw error;
  }
}

/** Where an attempt goes (account, region, service) and on whose behalf it is counted (`scope`). */
interface AttemptLocation {
  account: string;
  region: string;
  service: string;
  scope: string;
}

/**
 * On every HTTP attempt (the deserialize step runs inside the SDK's retry loop, and with high priority this
 * wraps the SDK's deserializer, so a failed attempt arrives as the parsed error with its AWS error code): the
 * attempt is counted, waits for the limiter if the service has one, and its outcome goes to the observer.
 * Retries are counted and rate limited like first attempts.
 */
function countEachAttempt(client: InstrumentableClient, counter: AwsCallCounter, observer: AwsCallObserver | undefined, where: AttemptLocation, limiter: RateLimiter | undefined): void {
  const middleware = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => {
    const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
    counter.record(where.account, where.region, operation, where.scope);
    const attempt = () => observed(observer, where.service, operation, () => next(args));
    return limiter ? limiter.run(attempt) : attempt();
  };
  client.middlewareStack.add(middleware as never, { step: 'deserialize', name: 'dockhandCallCounter', priority: 'high' });
}

/**
 * Once a call has failed for good (the initialize step is outside the retry loop), its error is coded: callers
 * act on `AwsFailure.code`, not on names. dockhand's own DeadlineExceeded passes as it is.
 */
function codeFailures(client: InstrumentableClient): void {
  const middleware = (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
    try {
      return await next(args);
    } catch (error) {
      throw error instanceof Error && !(error instanceof DeadlineExceeded) ? AwsFailure.of(error) : error;
    }
  };
  client.middlewareStack.add(middleware as never, { step: 'initialize', name: 'dockhandCodedFailures' });
}

/**
 * The HTTP settings of every AWS client dockhand makes (STS for assumed roles included): connection and
 * request timeouts, and `throwOnRequestTimeout`, without which @smithy/node-http-handler only logs a warning
 * when `requestTimeout` passes and keeps waiting. Plus dockhand's user agent.
 */
function httpSettings(options: AwsClientOptions): Record<string, unknown> {
  const timeouts = options.timeouts ?? DEFAULT_AWS_TIMEOUTS;
  return {
    requestHandler: { connectionTimeout: timeouts.connectMs, requestTimeout: timeouts.requestMs, throwOnRequestTimeout: true },
    customUserAgent: DOCKHAND_USER_AGENT,
  };
}

/** The session an assumed role runs in, as CloudTrail names it; SourceIdentity names a person. */
interface Session {
  name: string;
  sourceIdentity?: string;
}

/**
 * SDK client settings for an account and region: timeouts, user agent, adaptive retries, the endpoint
 * override, and where the account has a role, credentials that assume it in this session.
 */
function clientSettings(options: AwsClientOptions, account: Account, region: string, session: Session): Record<string, unknown> {
  const endpoint = options.endpoint ? { endpoint: options.endpoint } : {};
  const http = httpSettings(options);
  const roleArn = account.role_arn;
  const credentials = roleArn ? assumedRole(() => ({
    params: {
      RoleArn: roleArn,
      RoleSessionName: session.name,
      DurationSeconds: 3600,
      ...(session.sourceIdentity ? { SourceIdentity: session.sourceIdentity } : {}),
    },
    masterCredentials: options.credentials,
    clientConfig: { region, ...endpoint, ...http },
  })) : options.credentials;
  return { region, retryMode: 'adaptive', maxAttempts: options.maxAttempts ?? 5, ...endpoint, ...http, ...(credentials ? { credentials } : {}) };
}

type TemporaryCredentialsOptions = Parameters<typeof import('@aws-sdk/credential-providers').fromTemporaryCredentials>[0];

/**
 * Credentials that assume a role, with the provider (and STS with it) loaded when they are first needed: a
 * process whose accounts need no role never loads them. One provider per client, so its cache holds.
 */
function assumedRole(options: () => TemporaryCredentialsOptions): AwsCredentialIdentityProvider {
  let provider: Promise<AwsCredentialIdentityProvider> | null = null;
  return async () => {
    provider ??= import('@aws-sdk/credential-providers').then(({ fromTemporaryCredentials }) => fromTemporaryCredentials(options()));
    return (await provider)();
  };
}

/** The Slack user an AWS call is made for; null for dockhand's own reads (inventory). */
export type Actor = string | null;

/** One client to build: what differs between the services; everything else every client shares. */
interface ClientSpec<T> {
  /** The metrics' and the counter's name for the service. */
  service: 'ecs' | 'autoscaling' | 'cloudtrail' | 'ce' | 'logs';
  account: Account;
  region: string;
  session: Session;
  /** Whose count its attempts go to (`AwsCallCounter.total(scope)`). */
  scope: string;
  limiter?: RateLimiter;
  create: (config: Record<string, unknown>) => T;
}

/** The session of calls made for a Slack user (`dockhand-<user id>`, SourceIdentity the id), or dockhand's own. */
function sessionFor(actor: Actor, own: string): Session {
  return actor ? { name: `dockhand-${actor}`, sourceIdentity: actor } : { name: own };
}

/**
 * The one factory of AWS clients, for every job: ECS and Application Auto Scaling (inventory, operations,
 * native schedules), CloudTrail (trail ingest), Cost Explorer (cost ingest) and CloudWatch Logs (`/env logs`). Every client gets the same
 * timeouts, user agent and adaptive retries; its attempts counted (one counter), observed (metrics), held to
 * the caller's deadline with their request ids kept (aws/call-scope.ts); its failures coded (AwsFailure).
 * One client per account, region, service and actor, cached. Where an account has a role, calls for a Slack
 * user assume it as `dockhand-<user id>` with that id as SourceIdentity, so CloudTrail names the person; the
 * SDK refreshes assumed credentials shortly before they expire, so a cached client keeps working. Every
 * CloudTrail client of an account and region shares one limiter of 2 requests a second.
 */
export class AwsClients {
  readonly counter = new AwsCallCounter();
  private readonly clients = new Map<string, InstrumentableClient>();
  private readonly loaded = new Set<string>();
  private readonly cloudTrailLimits: KeyedRateLimiters;

  constructor(private readonly options: AwsClientOptions = {}) {
    this.cloudTrailLimits = new KeyedRateLimiters({
      limit: CLOUDTRAIL_REQUESTS_PER_SECOND,
      intervalMs: 1000,
      ...(options.timing ? { timing: options.timing } : {}),
    });
  }

  private cached<T extends InstrumentableClient>(spec: ClientSpec<T>): T {
    const key = `${spec.service}/${spec.account.id}/${spec.region}/${spec.session.name}`;
    let client = this.clients.get(key) as T | undefined;
    if (!client) {
      this.loaded.add(spec.service);
      client = spec.create(clientSettings(this.options, spec.account, spec.region, spec.session));
      const where = { account: spec.account.id, region: spec.region, service: spec.service, scope: spec.scope };
      countEachAttempt(client, this.counter, this.options.observer, where, spec.limiter);
      scopeEachAttempt(client);
      codeFailures(client);
      this.clients.set(key, client);
    }
    return client;
  }

  ecs(account: Account, region: string, actor: Actor = null): ECSClient {
    const session = sessionFor(actor, 'dockhand-inventory');
    return this.cached({ service: 'ecs', account, region, session, scope: `ecs:${actor ?? 'dockhand'}`, create: (config) => new ECSClient(config) });
  }

  autoscaling(account: Account, region: string, actor: Actor = null): ApplicationAutoScalingClient {
    const session = sessionFor(actor, 'dockhand-inventory');
    return this.cached({ service: 'autoscaling', account, region, session, scope: `autoscaling:${actor ?? 'dockhand'}`, create: (config) => new ApplicationAutoScalingClient(config) });
  }

  // CloudTrail, Cost Explorer and CloudWatch Logs are loaded when a process first uses them (each SDK
  // package costs megabytes of code): a process without the report jobs, or before its first /env logs, has none.

  async cloudTrail(account: Account, region: string): Promise<CloudTrailClient> {
    const { CloudTrailClient } = await import('@aws-sdk/client-cloudtrail');
    const limiter = this.cloudTrailLimits.for(`${account.id}/${region}`);
    return this.cached({ service: 'cloudtrail', account, region, session: { name: 'dockhand-visibility' }, scope: 'cloudtrail', limiter, create: (config) => new CloudTrailClient(config) });
  }

  /** CloudWatch Logs, read for a Slack user (`/env logs`): logs can hold personal data, so CloudTrail names who read them. */
  async logs(account: Account, region: string, actor: Actor = null): Promise<CloudWatchLogsClient> {
    const { CloudWatchLogsClient } = await import('@aws-sdk/client-cloudwatch-logs');
    const session = sessionFor(actor, 'dockhand-logs');
    return this.cached({ service: 'logs', account, region, session, scope: `logs:${actor ?? 'dockhand'}`, create: (config) => new CloudWatchLogsClient(config) });
  }

  async costExplorer(account: Account): Promise<CostExplorerClient> {
    const { CostExplorerClient } = await import('@aws-sdk/client-cost-explorer');
    return this.cached({ service: 'ce', account, region: COST_EXPLORER_REGION, session: { name: 'dockhand-visibility' }, scope: 'ce', create: (config) => new CostExplorerClient(config) });
  }

  /** The services this process has made a client for so far. */
  services(): ReadonlySet<string> {
    return this.loaded;
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
