import { AwsClients, type AwsClientOptions } from '../aws/clients.js';
import { VisibilityAwsClients } from '../aws/visibility-clients.js';
import type { Shared } from './shared.js';

/** dockhand's AWS clients: ECS and Application Auto Scaling for the fleet, CloudTrail and Cost Explorer for the reports. */
export interface Aws {
  fleet: AwsClients;
  reports: VisibilityAwsClients;
  destroy(): void;
}

export function awsClientsOf(options: AwsClientOptions | undefined, { policy, metrics }: Shared): Aws {
  // Every AWS client, of every job, gets these deadlines (one place builds client settings: aws/clients.ts).
  const settings: AwsClientOptions = {
    ...options,
    timeouts: { connectMs: policy.aws.connect_timeout_ms, requestMs: policy.aws.request_timeout_ms },
    observer: metrics,
  };
  const fleet = new AwsClients(settings);
  // One call counter for both, so the figures that count AWS calls include these.
  const reports = new VisibilityAwsClients({ ...settings, counter: fleet.counter });
  return {
    fleet,
    reports,
    destroy() {
      fleet.destroy();
      reports.destroy();
    },
  };
}
