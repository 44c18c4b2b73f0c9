import {
  CloudTrailClient,
  InvalidLookupAttributesException,
  InvalidMaxResultsException,
  LookupEventsCommand,
  type Event,
} from '@aws-sdk/client-cloudtrail';
import { AccessDeniedException, ECSClient, ListServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { generatedFleet, identities, SandboxError, startSandbox, userAgents, type Sandbox } from '../../dev/sandbox/index.js';
import { clientConfig } from './helpers.js';

let sandbox: Sandbox;
let clock: ManualClock;

afterEach(async () => {
  await sandbox.close();
});

interface TrailJson {
  userAgent: string;
  userIdentity: Record<string, unknown>;
  requestParameters: Record<string, unknown>;
  responseElements: { service: Record<string, unknown> } | null;
}

function record(event: Event): TrailJson {
  return JSON.parse(event.CloudTrailEvent!) as TrailJson;
}

describe('sandbox CloudTrail', () => {
  beforeEach(async () => {
    clock = new ManualClock();
    sandbox = await startSandbox({ clock });
  });

  it('records each UpdateService as a CloudTrail event shaped like a real record', async () => {
    const ecs = new ECSClient({ ...clientConfig(sandbox), customUserAgent: 'dockhand/0.1.0' });
    await ecs.send(new UpdateServiceCommand({ cluster: 'nonprod', service: 'qa-1-web', desiredCount: 0 }));
    const trail = new CloudTrailClient(clientConfig(sandbox));
    const { Events } = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'ecs.amazonaws.com' }] }));
    expect(Events).toHaveLength(1);
    const event = Events![0]!;
    expect(event).toMatchObject({ EventName: 'UpdateService', EventSource: 'ecs.amazonaws.com', Username: 'sandbox-admin', ReadOnly: 'false' });
    expect(event.EventTime).toEqual(clock.now());
    expect(event.Resources).toContainEqual({ ResourceType: 'AWS::ECS::Service', ResourceName: 'arn:aws:ecs:us-east-1:111111111111:service/nonprod/qa-1-web' });
    const json = record(event);
    expect(json).toMatchObject({
      eventVersion: '1.08',
      userIdentity: { type: 'IAMUser', userName: 'sandbox-admin', accountId: '111111111111', accessKeyId: 'AKIASANDBOX' },
      eventTime: '2026-01-05T09:00:00Z',
      eventName: 'UpdateService',
      awsRegion: 'us-east-1',
      requestParameters: { cluster: 'nonprod', service: 'qa-1-web', desiredCount: 0 },
      eventID: event.EventId,
      readOnly: false,
      eventType: 'AwsApiCall',
      recipientAccountId: '111111111111',
    });
    expect(json.userAgent).toContain('dockhand/0.1.0');
    expect(json.responseElements?.service.desiredCount).toBe(0);
    ecs.destroy();
    trail.destroy();
  });

  it('pages LookupEvents 50 at a time, newest first, without duplicates when new events arrive', async () => {
    for (let i = 0; i < 120; i++) {
      clock.advance(1_000);
      sandbox.injectCloudTrailEvent({ eventName: 'UpdateService', requestParameters: { n: i } });
    }
    const trail = new CloudTrailClient(clientConfig(sandbox));
    const seen: number[] = [];
    let token: string | undefined;
    const pageSizes: number[] = [];
    do {
      const page = await trail.send(new LookupEventsCommand({ NextToken: token }));
      pageSizes.push(page.Events!.length);
      seen.push(...page.Events!.map((e) => record(e).requestParameters.n as number));
      token = page.NextToken;
      sandbox.injectCloudTrailEvent({ eventName: 'UpdateService', requestParameters: { n: -1 } });
    } while (token);
    expect(pageSizes).toEqual([50, 50, 20]);
    expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => 119 - i));
    trail.destroy();
  });

  it('filters by one lookup attribute and time range, and rejects what AWS rejects', async () => {
    const start = clock.now();
    sandbox.injectCloudTrailEvent({ eventName: 'DeleteService', identity: identities.root(), userAgent: userAgents.terraform });
    clock.advance(60_000);
    sandbox.injectCloudTrailEvent({ eventName: 'UpdateService', identity: identities.iamUser('maria') });
    const trail = new CloudTrailClient(clientConfig(sandbox));
    const byName = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'DeleteService' }] }));
    expect(byName.Events).toHaveLength(1);
    expect(byName.Events![0]!.Username).toBe('root');
    expect(record(byName.Events![0]!)).toMatchObject({ userIdentity: { type: 'Root', arn: 'arn:aws:iam::111111111111:root' }, userAgent: userAgents.terraform });
    const byUser = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'maria' }] }));
    expect(byUser.Events?.map((e) => e.EventName)).toEqual(['UpdateService']);
    const early = await trail.send(new LookupEventsCommand({ StartTime: start, EndTime: new Date(start.getTime() + 1_000) }));
    expect(early.Events?.map((e) => e.EventName)).toEqual(['DeleteService']);
    await expect(
      trail.send(
        new LookupEventsCommand({
          LookupAttributes: [
            { AttributeKey: 'EventName', AttributeValue: 'UpdateService' },
            { AttributeKey: 'Username', AttributeValue: 'maria' },
          ],
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidLookupAttributesException);
    await expect(trail.send(new LookupEventsCommand({ MaxResults: 51 }))).rejects.toBeInstanceOf(InvalidMaxResultsException);
    trail.destroy();
  });

  it('records failed mutating calls with their error code', async () => {
    sandbox.failOn(({ operation, params }) =>
      operation === 'UpdateService' && (params as { service: string }).service === 'api'
        ? new SandboxError('AccessDeniedException', 'User is not authorized to perform: ecs:UpdateService')
        : undefined,
    );
    const ecs = new ECSClient(clientConfig(sandbox));
    await expect(ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'api', desiredCount: 0 }))).rejects.toBeInstanceOf(AccessDeniedException);
    expect(sandbox.service('111111111111', 'us-east-1', 'prod', 'api')?.desiredCount).toBe(4);
    const trail = new CloudTrailClient(clientConfig(sandbox));
    const { Events } = await trail.send(new LookupEventsCommand({}));
    expect(record(Events![0]!)).toMatchObject({ errorCode: 'AccessDenied', errorMessage: 'User is not authorized to perform: ecs:UpdateService', responseElements: null });
    await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', desiredCount: 4 }));
    sandbox.clearFaults();
    await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'api', desiredCount: 5 }));
    expect(sandbox.service('111111111111', 'us-east-1', 'prod', 'api')?.desiredCount).toBe(5);
    ecs.destroy();
    trail.destroy();
  });

  it('records changes made outside dockhand with their identity and user agent', async () => {
    const view = sandbox.externalUpdate({
      cluster: 'nonprod',
      service: 'qa-2-api',
      desiredCount: 2,
      identity: identities.iamUser('dmitri'),
      userAgent: userAgents.console,
    });
    expect(view.desiredCount).toBe(2);
    const trail = new CloudTrailClient(clientConfig(sandbox));
    const { Events } = await trail.send(new LookupEventsCommand({}));
    expect(Events![0]!.Username).toBe('dmitri');
    expect(record(Events![0]!)).toMatchObject({ userAgent: 'console.amazonaws.com', requestParameters: { desiredCount: 2 } });
    expect(sandbox.countCalls()).toBe(1);
    trail.destroy();
  });

  it('hides events for the configured delivery lag', async () => {
    await sandbox.close();
    sandbox = await startSandbox({ clock, cloudTrailLagMs: 5 * 60_000 });
    sandbox.injectCloudTrailEvent({ eventName: 'UpdateService' });
    const trail = new CloudTrailClient(clientConfig(sandbox));
    expect((await trail.send(new LookupEventsCommand({}))).Events).toEqual([]);
    clock.advance(5 * 60_000);
    expect((await trail.send(new LookupEventsCommand({}))).Events).toHaveLength(1);
    trail.destroy();
  });
});

describe('sandbox identities across accounts', () => {
  beforeEach(async () => {
    clock = new ManualClock();
    sandbox = await startSandbox({ clock, fleet: generatedFleet({ environments: 2, servicesPerEnvironment: 2, accounts: 2 }) });
  });

  it('acts in the role account after AssumeRole and records the assumed identity with its source identity', async () => {
    const sts = new STSClient(clientConfig(sandbox));
    const { Credentials, AssumedRoleUser } = await sts.send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222222222222:role/dockhand-operator', RoleSessionName: 'dockhand-U012AB3CD', SourceIdentity: 'U012AB3CD' }),
    );
    expect(AssumedRoleUser?.Arn).toBe('arn:aws:sts::222222222222:assumed-role/dockhand-operator/dockhand-U012AB3CD');
    const credentials = { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! };
    const ecs = new ECSClient(clientConfig(sandbox, { credentials }));
    const { serviceArns } = await ecs.send(new ListServicesCommand({ cluster: 'fleet-01' }));
    expect(serviceArns).toEqual([
      'arn:aws:ecs:us-east-1:222222222222:service/fleet-01/env-002-api',
      'arn:aws:ecs:us-east-1:222222222222:service/fleet-01/env-002-web',
    ]);
    await ecs.send(new UpdateServiceCommand({ cluster: 'fleet-01', service: 'env-002-api', desiredCount: 0 }));

    const trail = new CloudTrailClient(clientConfig(sandbox, { credentials }));
    const { Events } = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'ecs.amazonaws.com' }] }));
    expect(Events).toHaveLength(1);
    expect(Events![0]!.Username).toBe('dockhand-U012AB3CD');
    expect(record(Events![0]!).userIdentity).toMatchObject({
      type: 'AssumedRole',
      arn: 'arn:aws:sts::222222222222:assumed-role/dockhand-operator/dockhand-U012AB3CD',
      accountId: '222222222222',
      accessKeyId: credentials.accessKeyId,
      sessionContext: {
        sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::222222222222:role/dockhand-operator', userName: 'dockhand-operator', accountId: '222222222222' },
        sourceIdentity: 'U012AB3CD',
      },
    });
    const assume = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'AssumeRole' }] }));
    expect(record(assume.Events![0]!)).toMatchObject({ eventSource: 'sts.amazonaws.com', userIdentity: { userName: 'sandbox-admin' }, readOnly: true });

    const home = new CloudTrailClient(clientConfig(sandbox));
    const homeEvents = await home.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'ecs.amazonaws.com' }] }));
    expect(homeEvents.Events).toEqual([]);
    expect(sandbox.requests.at(-1)).toMatchObject({ service: 'cloudtrail', account: '111111111111' });
    expect(sandbox.requests.find((r) => r.operation === 'UpdateService')).toMatchObject({ account: '222222222222', identity: { type: 'AssumedRole' } });
    for (const client of [sts, ecs, trail, home]) client.destroy();
  });
});
