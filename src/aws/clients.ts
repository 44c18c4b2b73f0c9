import { ECSClient } from '@aws-sdk/client-ecs';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { Account } from '../config/policy.js';

/** Every HTTP attempt dockhand makes to AWS, retries included, by account, region and operation. */
export class AwsCallCounter {
  private readonly counts = new Map<string, number>();

  record(account: string, region: string, operation: string): void {
    const key = `${account}/${region}/${operation}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  total(): number {
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

export interface AwsClientOptions {
  /** Overrides AWS_ENDPOINT_URL; the SDK reads that variable by itself when this is unset. */
  endpoint?: string | undefined;
  /** Overrides the SDK's default provider chain (env, profile, container, instance). */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined;
  maxAttempts?: number;
}

interface CountableClient {
  middlewareStack: { add: (middleware: never, options: { step: 'deserialize'; name: string }) => void };
}

/** Counts at the deserialize step, which runs once per attempt inside the SDK's retry loop. */
function countCalls(client: CountableClient, counter: AwsCallCounter, account: string, region: string): void {
  const middleware = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => {
    counter.record(account, region, (context.commandName ?? 'Unknown').replace(/Command$/, ''));
    return next(args);
  };
  client.middlewareStack.add(middleware as never, { step: 'deserialize', name: 'dockhandCallCounter' });
}

/** Builds and caches one SDK client per account, region and service; adaptive retries absorb throttling. */
export class AwsClients {
  readonly counter = new AwsCallCounter();
  private readonly ecsClients = new Map<string, ECSClient>();
  private readonly roleCredentials = new Map<string, AwsCredentialIdentityProvider>();

  constructor(private readonly options: AwsClientOptions = {}) {}

  private credentialsFor(account: Account, region: string): AwsClientOptions['credentials'] {
    if (!account.role_arn) return this.options.credentials;
    const key = `${account.role_arn}/${region}`;
    let provider = this.roleCredentials.get(key);
    if (!provider) {
      provider = fromTemporaryCredentials({
        params: { RoleArn: account.role_arn, RoleSessionName: 'dockhand-inventory', DurationSeconds: 3600 },
        masterCredentials: this.options.credentials,
        clientConfig: { region, ...(this.options.endpoint ? { endpoint: this.options.endpoint } : {}) },
      });
      this.roleCredentials.set(key, provider);
    }
    return provider;
  }

  private common(account: Account, region: string) {
    const credentials = this.credentialsFor(account, region);
    return {
      region,
      retryMode: 'adaptive',
      maxAttempts: this.options.maxAttempts ?? 5,
      ...(this.options.endpoint ? { endpoint: this.options.endpoint } : {}),
      ...(credentials ? { credentials } : {}),
    };
  }

  ecs(account: Account, region: string): ECSClient {
    const key = `${account.id}/${region}`;
    let client = this.ecsClients.get(key);
    if (!client) {
      client = new ECSClient(this.common(account, region));
      countCalls(client, this.counter, account.id, region);
      this.ecsClients.set(key, client);
    }
    return client;
  }

  destroy(): void {
    for (const client of this.ecsClients.values()) client.destroy();
    this.ecsClients.clear();
  }
}
