import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { ListClustersCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collectRequestIds, withDeadline } from '../../src/aws/call-scope.js';
import { AwsClients, DOCKHAND_USER_AGENT } from '../../src/aws/clients.js';
import { AwsFailure, explainAwsError } from '../../src/aws/errors.js';
import { parsePolicy } from '../../src/config/load.js';
import { startSandbox, type Sandbox } from '../../dev/sandbox/index.js';
import { SANDBOX_CREDENTIALS } from '../support/harness.js';

const account = parsePolicy('accounts:\n  - id: "111111111111"\n    name: sandbox\n    regions: [us-east-1]').accounts[0]!;
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ convergeDelayMs: 0 });
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.clearFaults();
  sandbox.resetCounts();
});

function clients(requestMs: number, maxAttempts = 1) {
  const options = { endpoint: sandbox.url, credentials: SANDBOX_CREDENTIALS, maxAttempts, timeouts: { connectMs: 1000, requestMs } };
  return { aws: new AwsClients(options) };
}

describe('the AWS client settings every client shares', () => {
  it('give up on an attempt AWS does not answer: the request timeout throws, it does not only warn', async () => {
    const { aws } = clients(300);
    sandbox.hang(true);
    try {
      await expect(aws.ecs(account, 'us-east-1').send(new ListClustersCommand({}))).rejects.toMatchObject({ name: 'TimeoutError' });
      await expect((await aws.cloudTrail(account, 'us-east-1')).send(new LookupEventsCommand({}))).rejects.toMatchObject({ name: 'TimeoutError' });
      // Nothing a hung request asked for happened.
      await expect(aws.ecs(account, 'us-east-1').send(new UpdateServiceCommand({ cluster: 'staging-3', service: 'api', desiredCount: 0 }))).rejects.toThrow();
      expect(sandbox.service('111111111111', 'us-east-1', 'staging-3', 'api')?.desiredCount).toBe(2);
      expect(sandbox.requests).toHaveLength(0);
    } finally {
      sandbox.hang(false);
      aws.destroy();
    }
  });

  it('stop retrying at the deadline of the work they are part of, and work again once AWS answers', async () => {
    const { aws } = clients(300, 5);
    sandbox.hang(true);
    try {
      const ecs = aws.ecs(account, 'us-east-1');
      await expect(withDeadline(500, 'listing clusters', () => ecs.send(new ListClustersCommand({})))).rejects.toMatchObject({
        name: 'DeadlineExceeded',
        message: 'AWS did not answer within 500 ms (the deadline for listing clusters)',
      });
      sandbox.hang(false);
      const listed = await ecs.send(new ListClustersCommand({}));
      expect(listed.clusterArns?.length).toBeGreaterThan(0);
    } finally {
      aws.destroy();
    }
  });

  it("keep the request id of every attempt AWS answered, the same id the sandbox's CloudTrail records, and send dockhand's user agent", async () => {
    const { aws } = clients(5000, 3);
    sandbox.throttle('UpdateService', 1);
    try {
      const { requestIds, outcome } = await collectRequestIds(() =>
        aws.ecs(account, 'us-east-1', 'U0MARIA').send(new UpdateServiceCommand({ cluster: 'staging-3', service: 'web', desiredCount: 1 })),
      );
      expect(outcome.ok).toBe(true);
      // The throttled attempt and the one that succeeded.
      expect(requestIds).toHaveLength(2);
      const trail = new CloudTrailClient({ endpoint: sandbox.url, region: 'us-east-1', credentials: SANDBOX_CREDENTIALS });
      const events = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'UpdateService' }] }));
      trail.destroy();
      const recorded = (events.Events ?? []).map((e) => JSON.parse(e.CloudTrailEvent!) as { requestID: string; userAgent: string });
      expect(recorded.map((r) => r.requestID)).toContain(requestIds[1]);
      expect(recorded.find((r) => r.requestID === requestIds[1])?.userAgent).toContain(DOCKHAND_USER_AGENT);
    } finally {
      aws.destroy();
    }
  });

  it('count every service in one counter, and throw failures coded once, with the SDK error\'s name and message', async () => {
    const { aws } = clients(5000, 1);
    sandbox.throttle('ListClusters', 1);
    sandbox.failOn(({ operation }) =>
      operation === 'LookupEvents' ? Object.assign(new Error('User is not authorized to perform: cloudtrail:LookupEvents'), { name: 'AccessDeniedException' }) : undefined,
    );
    try {
      const throttled = await aws.ecs(account, 'us-east-1').send(new ListClustersCommand({})).catch((e: unknown) => e);
      expect(throttled).toBeInstanceOf(AwsFailure);
      expect(throttled).toMatchObject({ code: 'throttled', name: 'ThrottlingException', message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
      const denied = await (await aws.cloudTrail(account, 'us-east-1')).send(new LookupEventsCommand({})).catch((e: unknown) => e);
      expect(denied).toMatchObject({ code: 'denied', deniedAction: 'cloudtrail:LookupEvents', name: 'AccessDeniedException' });
      expect(explainAwsError(denied, 'a read').message).toBe("AWS denied cloudtrail:LookupEvents: dockhand's IAM role needs that permission (see the README's IAM policy).");
      expect(aws.counter.byOperation()).toEqual({ ListClusters: 1, LookupEvents: 1 });
      expect([aws.counter.total('ecs:dockhand'), aws.counter.total('cloudtrail')]).toEqual([1, 1]);
    } finally {
      aws.destroy();
    }
  });
});
