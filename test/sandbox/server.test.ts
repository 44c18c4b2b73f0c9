import { AccessDeniedException, DeleteServiceCommand, ECSClient, ListClustersCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { GetCallerIdentityCommand, AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { identities, SandboxError, startSandbox, type Sandbox } from '../../dev/sandbox/index.js';
import { clientConfig } from './helpers.js';

let sandbox: Sandbox;

beforeEach(async () => {
  sandbox = await startSandbox({ clock: new ManualClock() });
});

afterEach(async () => {
  await sandbox.close();
});

describe('sandbox faults and request log', () => {
  it('answers injected throttling as ThrottlingException, which the SDK retries', async () => {
    sandbox.throttle('ListClusters', 2);
    const once = new ECSClient(clientConfig(sandbox, { maxAttempts: 1 }));
    const error = await once.send(new ListClustersCommand({})).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
    const retrying = new ECSClient(clientConfig(sandbox, { maxAttempts: 3 }));
    const { $metadata } = await retrying.send(new ListClustersCommand({}));
    expect($metadata.attempts).toBe(2);
    expect(sandbox.requests.map((r) => r.error)).toEqual(['ThrottlingException', 'ThrottlingException', undefined]);
    once.destroy();
    retrying.destroy();
  });

  it('adds latency and records every request with who made it where', async () => {
    sandbox.setLatency(40);
    const ecs = new ECSClient({ ...clientConfig(sandbox, { region: 'eu-west-1' }), customUserAgent: 'dockhand/test' });
    const started = performance.now();
    await ecs.send(new ListClustersCommand({}));
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
    expect(sandbox.requests).toHaveLength(1);
    expect(sandbox.requests[0]).toMatchObject({
      service: 'ecs',
      operation: 'ListClusters',
      account: '111111111111',
      region: 'eu-west-1',
      accessKeyId: 'AKIASANDBOX',
      identity: { type: 'IAMUser', userName: 'sandbox-admin' },
      at: new Date('2026-01-05T09:00:00Z'),
    });
    expect(sandbox.requests[0]!.userAgent).toContain('dockhand/test');
    expect(sandbox.countCalls({ service: 'ecs' })).toBe(1);
    expect(sandbox.countCalls({ operation: 'DescribeServices' })).toBe(0);
    sandbox.resetCounts();
    expect(sandbox.countCalls()).toBe(0);
    ecs.destroy();
  });

  it('fails only the calls a hook picks, until the faults are cleared', async () => {
    sandbox.failOn(({ operation, params }) =>
      operation === 'UpdateService' && (params as { service: string }).service === 'dev-1-web'
        ? new SandboxError('ServerException', 'Service unavailable for dev-1-web', 500)
        : undefined,
    );
    const ecs = new ECSClient(clientConfig(sandbox));
    await expect(ecs.send(new UpdateServiceCommand({ cluster: 'nonprod', service: 'dev-1-web', desiredCount: 0 }))).rejects.toMatchObject({
      name: 'ServerException',
    });
    await ecs.send(new UpdateServiceCommand({ cluster: 'nonprod', service: 'dev-1-api', desiredCount: 0 }));
    sandbox.clearFaults();
    await ecs.send(new UpdateServiceCommand({ cluster: 'nonprod', service: 'dev-1-web', desiredCount: 0 }));
    ecs.destroy();
  });

  it('takes the AWS error code from the name of a plain Error a hook returns', async () => {
    sandbox.failOn(({ operation, account }) =>
      operation === 'ListClusters' && account === '111111111111'
        ? Object.assign(new Error('not authorized to perform: ecs:ListClusters'), { name: 'AccessDeniedException' })
        : undefined,
    );
    const ecs = new ECSClient(clientConfig(sandbox));
    await expect(ecs.send(new ListClustersCommand({}))).rejects.toBeInstanceOf(AccessDeniedException);
    ecs.destroy();
  });

  it('names operations it does not implement', async () => {
    const ecs = new ECSClient(clientConfig(sandbox));
    await expect(ecs.send(new DeleteServiceCommand({ cluster: 'nonprod', service: 'dev-1-web' }))).rejects.toMatchObject({
      name: 'UnknownOperationException',
      message: 'The sandbox does not implement ecs operation DeleteService.',
    });
    ecs.destroy();
  });

  it('rejects unsigned and malformed requests', async () => {
    const unsigned = await fetch(sandbox.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters', 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    });
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    const garbled = await fetch(sandbox.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters', authorization: 'AWS4-HMAC-SHA256 Credential=AKIA/20260105/us-east-1/ecs/aws4_request' },
      body: '{not json',
    });
    expect(await garbled.json()).toMatchObject({ __type: 'SerializationException' });
  });
});

describe('sandbox STS', () => {
  it('tells the default identity, and identities registered for an access key', async () => {
    const sts = new STSClient(clientConfig(sandbox));
    expect(await sts.send(new GetCallerIdentityCommand({}))).toMatchObject({
      Account: '111111111111',
      Arn: 'arn:aws:iam::111111111111:user/sandbox-admin',
    });
    sandbox.registerIdentity('AKIAROOT', identities.root('333333333333'));
    const root = new STSClient(clientConfig(sandbox, { credentials: { accessKeyId: 'AKIAROOT', secretAccessKey: 'x' } }));
    expect(await root.send(new GetCallerIdentityCommand({}))).toMatchObject({ Account: '333333333333', Arn: 'arn:aws:iam::333333333333:root' });
    sts.destroy();
    root.destroy();
  });

  it('validates AssumeRole and keeps a session source identity through role chaining', async () => {
    const sts = new STSClient(clientConfig(sandbox));
    await expect(sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::2:role/x', RoleSessionName: 'ok-name' }))).rejects.toMatchObject({
      name: 'ValidationError',
    });
    await expect(
      sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222222222222:role/x', RoleSessionName: 'ok-name', DurationSeconds: 60 })),
    ).rejects.toThrow(/DurationSeconds/);
    const first = await sts.send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222222222222:role/hub', RoleSessionName: 'hub', SourceIdentity: 'U1', DurationSeconds: 900 }),
    );
    expect(first.Credentials?.Expiration).toBeInstanceOf(Date);
    const chained = new STSClient(
      clientConfig(sandbox, {
        credentials: { accessKeyId: first.Credentials!.AccessKeyId!, secretAccessKey: first.Credentials!.SecretAccessKey!, sessionToken: first.Credentials!.SessionToken! },
      }),
    );
    const second = await chained.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::333333333333:role/spoke', RoleSessionName: 'spoke' }));
    expect(second.SourceIdentity).toBe('U1');
    await expect(
      chained.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::333333333333:role/spoke', RoleSessionName: 'spoke', SourceIdentity: 'U2' })),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    sts.destroy();
    chained.destroy();
  });
});
