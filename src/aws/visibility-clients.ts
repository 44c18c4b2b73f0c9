import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import type { Account } from '../config/policy.js';
import { KeyedRateLimiters, type Timing } from '../rate-limit.js';
import { scopeEachAttempt } from './call-scope.js';
import { AwsCallCounter, clientSettings, observed, type AwsClientOptions } from './clients.js';

/** LookupEvents allows 2 requests a second per account and region; more are throttled. */
export const CLOUDTRAIL_REQUESTS_PER_SECOND = 2;
/** Cost Explorer has one endpoint, in us-east-1, whatever region the fleet runs in. */
export const COST_EXPLORER_REGION = 'us-east-1';

export interface VisibilityClientOptions extends AwsClientOptions {
  /** Share AwsClients' counter so `/env refresh` style figures include these calls. */
  counter?: AwsCallCounter;
  /** The CloudTrail limiter's time; default real time. */
  timing?: Timing;
}

interface MiddlewareClient {
  middlewareStack: { add: (middleware: never, options: { step: 'deserialize'; name: string; priority?: 'high' }) => void };
}

/**
 * Wraps every HTTP attempt (the deserialize step runs inside the SDK's retry loop), so retries are counted
 * and rate limited like first attempts, and held to the caller's deadline like every client's.
 */
function aroundEachAttempt(client: MiddlewareClient, around: (operation: string, send: () => Promise<unknown>) => Promise<unknown>): void {
  const middleware = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) =>
    around((context.commandName ?? 'Unknown').replace(/Command$/, ''), () => next(args));
  client.middlewareStack.add(middleware as never, { step: 'deserialize', name: 'dockhandVisibilityAttempts', priority: 'high' });
  scopeEachAttempt(client);
}

/**
 * CloudTrail and Cost Explorer clients, one per account and region (Cost Explorer: per account), cached.
 * Every CloudTrail client of an account and region shares one limiter of 2 requests a second.
 */
export class VisibilityAwsClients {
  readonly counter: AwsCallCounter;
  private readonly clients = new Map<string, CloudTrailClient | CostExplorerClient>();
  private readonly cloudTrailLimits: KeyedRateLimiters;

  constructor(private readonly options: VisibilityClientOptions = {}) {
    this.counter = options.counter ?? new AwsCallCounter();
    this.cloudTrailLimits = new KeyedRateLimiters({
      limit: CLOUDTRAIL_REQUESTS_PER_SECOND,
      intervalMs: 1000,
      ...(options.timing ? { timing: options.timing } : {}),
    });
  }

  private config(account: Account, region: string) {
    return clientSettings(this.options, account, region, { name: 'dockhand-visibility' });
  }

  cloudTrail(account: Account, region: string): CloudTrailClient {
    const key = `cloudtrail/${account.id}/${region}`;
    let client = this.clients.get(key) as CloudTrailClient | undefined;
    if (!client) {
      client = new CloudTrailClient(this.config(account, region));
      const limiter = this.cloudTrailLimits.for(`${account.id}/${region}`);
      aroundEachAttempt(client, (operation, send) => {
        this.counter.record(account.id, region, operation, 'cloudtrail');
        return limiter.run(() => observed(this.options.observer, 'cloudtrail', operation, send));
      });
      this.clients.set(key, client);
    }
    return client;
  }

  costExplorer(account: Account): CostExplorerClient {
    const key = `ce/${account.id}`;
    let client = this.clients.get(key) as CostExplorerClient | undefined;
    if (!client) {
      client = new CostExplorerClient(this.config(account, COST_EXPLORER_REGION));
      aroundEachAttempt(client, (operation, send) => {
        this.counter.record(account.id, COST_EXPLORER_REGION, operation, 'ce');
        return observed(this.options.observer, 'ce', operation, send);
      });
      this.clients.set(key, client);
    }
    return client;
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
