import { AwsClients, type AwsClientOptions } from '../aws/clients.js';
import type { Shared } from './shared.js';

/** dockhand's one AWS client factory: ECS, Application Auto Scaling, CloudTrail and Cost Explorer, one counter. */
export function awsClientsOf(options: AwsClientOptions | undefined, { policy, metrics }: Shared): AwsClients {
  // Every AWS client, of every job, gets these deadlines (one place builds client settings: aws/clients.ts).
  return new AwsClients({
    ...options,
    timeouts: { connectMs: policy.aws.connect_timeout_ms, requestMs: policy.aws.request_timeout_ms },
    observer: metrics,
  });
}
