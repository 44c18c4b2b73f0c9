import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { ECSClient } from '@aws-sdk/client-ecs';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { Account } from '../config/policy.js';
import { DOCKHAND_VERSION } from '../package.js';
import { scopeEachAttempt } from './call-scope.js';
import type { AwsCallObserver } from '../ops/metrics.js';

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
}

interface CountableClient {
  middlewareStack: { add: (middleware: never, options: { step: 'deserialize'; name: string; priority?: 'high' }) => void };
}

/** The scope of the ECS calls dockhand makes for itself: reading the fleet. */
export const INVENTORY_SCOPE = 'ecs:dockhand';

/** The error code of a failed AWS attempt (`ThrottlingException`, `TimeoutError`): its name, never its message. */
export function awsErrorCode(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && name !== 'Error' ? name : 'Unknown';
}

/** Runs one attempt, telling the observer how it ended. */
export async function observed<T>(observer: AwsCallObserver | undefined, service: string, operation: string, send: () => Promise<T>): Promise<T> {
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

/**
 * Counts at the deserialize step, which runs once per attempt inside the SDK's retry loop; with high priority
 * it wraps the SDK's deserializer, so a failed attempt arrives as the parsed error with its AWS error code.
 */
/** Where an attempt goes (account, region, service) and on whose behalf it is counted (`scope`). */
interface AttemptLocation {
  account: string;
  region: string;
  service: string;
  scope: string;
}

function countCalls(client: CountableClient, counter: AwsCallCounter, observer: AwsCallObserver | undefined, where: AttemptLocation): void {
  const middleware = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => {
    const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
    counter.record(where.account, where.region, operation, where.scope);
    return observed(observer, where.service, operation, () => next(args));
  };
  client.middlewareStack.add(middleware as never, { step: 'deserialize', name: 'dockhandCallCounter', priority: 'high' });
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

/**
 * SDK client settings for an account and region, the one place every AWS client's settings come from:
 * timeouts, user agent, adaptive retries, the endpoint override, and where the account has a role,
 * credentials that assume it with this session name (and SourceIdentity, for a person).
 */
export function clientSettings(options: AwsClientOptions, account: Account, region: string, session: { name: string; sourceIdentity?: string }): Record<string, unknown> {
  const endpoint = options.endpoint ? { endpoint: options.endpoint } : {};
  const http = httpSettings(options);
  const credentials = account.role_arn
    ? fromTemporaryCredentials({
        params: {
          RoleArn: account.role_arn,
          RoleSessionName: session.name,
          DurationSeconds: 3600,
          ...(session.sourceIdentity ? { SourceIdentity: session.sourceIdentity } : {}),
        },
        masterCredentials: options.credentials,
        clientConfig: { region, ...endpoint, ...http },
      })
    : options.credentials;
  return { region, retryMode: 'adaptive', maxAttempts: options.maxAttempts ?? 5, ...endpoint, ...http, ...(credentials ? { credentials } : {}) };
}

/** What every client gets: its attempts counted, held to the caller's deadline, and their request ids kept. */
export function instrumentClient(client: CountableClient, counter: AwsCallCounter, observer: AwsCallObserver | undefined, where: AttemptLocation): void {
  countCalls(client, counter, observer, where);
  scopeEachAttempt(client);
}

/** The Slack user an AWS call is made for; null for dockhand's own reads (inventory). */
export type Actor = string | null;

/**
 * Builds and caches one SDK client per account, region, service and actor; adaptive retries absorb
 * throttling. Where an account has a role, calls for a Slack user assume it as `dockhand-<user id>` with
 * that id as SourceIdentity, so CloudTrail names the person. The SDK refreshes the assumed credentials
 * shortly before they expire, so a cached client keeps working.
 */
export class AwsClients {
  readonly counter = new AwsCallCounter();
  private readonly clients = new Map<string, { destroy(): void }>();

  constructor(private readonly options: AwsClientOptions = {}) {}

  private cached<T extends { destroy(): void } & CountableClient>(
    kind: string,
    account: Account,
    region: string,
    actor: Actor,
    create: (config: Record<string, unknown>) => T,
  ): T {
    const key = `${kind}/${account.id}/${region}/${actor ?? ''}`;
    let client = this.clients.get(key) as T | undefined;
    if (!client) {
      const session = actor ? { name: `dockhand-${actor}`, sourceIdentity: actor } : { name: 'dockhand-inventory' };
      client = create(clientSettings(this.options, account, region, session));
      instrumentClient(client, this.counter, this.options.observer, { account: account.id, region, service: kind, scope: `${kind}:${actor ?? 'dockhand'}` });
      this.clients.set(key, client);
    }
    return client;
  }

  ecs(account: Account, region: string, actor: Actor = null): ECSClient {
    return this.cached('ecs', account, region, actor, (config) => new ECSClient(config));
  }

  autoscaling(account: Account, region: string, actor: Actor = null): ApplicationAutoScalingClient {
    return this.cached('autoscaling', account, region, actor, (config) => new ApplicationAutoScalingClient(config));
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
