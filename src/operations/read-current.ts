import type { AwsClients } from '../aws/clients.js';
import { describeBounds, resourceIdOf } from '../aws/autoscaling/targets.js';
import { describeServicesNow } from '../aws/ecs/actions.js';
import type { Account } from '../config/policy.js';
import type { ServiceCurrent } from '../domain/operations.js';
import { PARK_TAG_KEY } from '../domain/park-tag.js';
import type { StepRow } from '../store/operations-store.js';

export type AuditedCall = <T>(call: { action: string; params: Record<string, unknown>; run: () => Promise<T> }) => Promise<T>;

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

/**
 * What the services look like in AWS right now, read with as few calls as the APIs allow: DescribeServices
 * per cluster in tens, DescribeScalableTargets per account and region in fifties. A service missing from
 * the answer maps to null: it was deleted since the last refresh.
 */
export async function readCurrent(
  steps: readonly StepRow[],
  account: (id: string) => Account,
  aws: AwsClients,
  actor: string,
  audited: AuditedCall,
): Promise<Map<string, ServiceCurrent | null>> {
  const current = new Map<string, ServiceCurrent | null>();
  const byLocation = groupBy(steps, (s) => `${s.account}/${s.region}`);
  await Promise.all(
    [...byLocation.values()].map(async (located) => {
      const first = located[0] as StepRow;
      const ecs = aws.ecs(account(first.account), first.region, actor);
      const autoscaling = aws.autoscaling(account(first.account), first.region, actor);
      const resourceIds = located.map((s) => resourceIdOf(s.cluster, s.service));
      const [described, bounds] = await Promise.all([
        Promise.all(
          [...groupBy(located, (s) => s.cluster).entries()].map(([cluster, inCluster]) =>
            audited({
              action: 'ecs:DescribeServices',
              params: { cluster, services: inCluster.map((s) => s.service) },
              run: () => describeServicesNow(ecs, cluster, inCluster.map((s) => s.service)),
            }),
          ),
        ),
        audited({ action: 'application-autoscaling:DescribeScalableTargets', params: { resourceIds }, run: () => describeBounds(autoscaling, resourceIds) }),
      ]);
      const services = new Map(described.flatMap((found) => [...found.values()]).map((s) => [`${s.clusterArn.split('/').pop()}/${s.serviceName}`, s]));
      for (const step of located) {
        const live = services.get(`${step.cluster}/${step.service}`);
        current.set(
          step.serviceArn,
          live
            ? {
                arn: step.serviceArn,
                account: step.account,
                region: step.region,
                cluster: step.cluster,
                name: step.service,
                desired: live.desiredCount,
                scalable: bounds.get(resourceIdOf(step.cluster, step.service)) ?? null,
                parkTag: live.tags[PARK_TAG_KEY] ?? null,
              }
            : null,
        );
      }
    }),
  );
  return current;
}
