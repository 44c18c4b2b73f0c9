import { describe, expect, it } from 'vitest';
import { decodeEvent } from '../../src/aws/cloudtrail/lookup-events.js';
import {
  DEFAULT_DOCKHAND_SESSION_PREFIX,
  formatDecoded,
  ssoPermissionSet,
  type DecodeContext,
  type DecodedEvent,
} from '../../src/domain/trail/decode.js';

const ACCOUNT = '111111111111';
const TERRAFORM_AGENT =
  'APN/1.0 HashiCorp/1.0 Terraform/1.9.5 (+https://www.terraform.io) terraform-provider-aws/5.70.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.31.0 ua/2.1 os/linux lang/go#1.23.1 md/GOOS#linux md/GOARCH#amd64 api/ecs#1.47.0';
const CLI_AGENT =
  'aws-cli/2.22.35 md/awscrt#0.23.4 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 md/prompt#off md/command#ecs.update-service';
const BOTO3_AGENT =
  'Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.3 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.36';

/** The parts of a record every ECS management event has; tests supply who, what and how. */
function record(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    eventTime: '2026-11-23T14:02:11Z',
    eventSource: 'ecs.amazonaws.com',
    eventName: 'UpdateService',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.10',
    requestID: '6f0c6c1e-0d0b-4f5e-9a0e-3f1b2f3c4d5e',
    eventID: 'a1b2c3d4-0000-4000-8000-000000000001',
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: 'ecs.us-east-1.amazonaws.com' },
    ...fields,
  };
}

const iamUser = (userName: string) => ({
  type: 'IAMUser',
  principalId: 'AIDAQ3EGRIM5EXAMPLE01',
  arn: `arn:aws:iam::${ACCOUNT}:user/${userName}`,
  accountId: ACCOUNT,
  accessKeyId: 'AKIAQ3EGRIM5EXAMPLE1',
  userName,
});

const assumedRole = (role: string, session: string, extra: { sourceIdentity?: string; invokedBy?: string; path?: string } = {}) => ({
  type: 'AssumedRole',
  principalId: `AROAQ3EGRIM5EXAMPLE02:${session}`,
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${session}`,
  accountId: ACCOUNT,
  accessKeyId: 'ASIAQ3EGRIM5EXAMPLE2',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROAQ3EGRIM5EXAMPLE02',
      arn: `arn:aws:iam::${ACCOUNT}:role${extra.path ?? '/'}${role}`,
      accountId: ACCOUNT,
      userName: role,
    },
    attributes: { creationDate: '2026-11-23T14:00:02Z', mfaAuthenticated: 'false' },
    ...(extra.sourceIdentity ? { sourceIdentity: extra.sourceIdentity } : {}),
  },
  ...(extra.invokedBy ? { invokedBy: extra.invokedBy } : {}),
});

const updateService = (cluster: string, service: string, desiredCount: number) => ({
  requestParameters: { cluster, service, desiredCount },
  responseElements: {
    service: {
      serviceArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:service/${cluster}/${service}`,
      serviceName: service,
      clusterArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/${cluster}`,
      desiredCount,
      runningCount: 2,
      launchType: 'FARGATE',
    },
  },
});

/** Request ids of calls dockhand made, as its audit trail keeps them: who each was made for. */
const OWN_CALLS: Record<string, string> = { 'req-maria-stop': 'U0MARIA', 'req-bob-stop': 'U0BOB', 'req-schedule-park': 'scheduler' };
const parked = new Set(['qa-7/web']);
const lastDesired: Record<string, number> = { 'staging-3/api': 2, 'qa-7/web': 0 };
const context: DecodeContext = {
  dockhandSessionPrefix: DEFAULT_DOCKHAND_SESSION_PREFIX,
  environmentOf: ({ cluster }) => ({ 'staging-3': 'staging-3', 'qa-7': 'qa-7', 'prod-cluster': 'prod' })[cluster] ?? null,
  lastDesiredCount: ({ cluster, service }) => lastDesired[`${cluster}/${service}`] ?? null,
  isParked: ({ cluster, service }) => parked.has(`${cluster}/${service}`),
  slackUserName: (id) => ({ U0MARIA: 'maria' })[id],
  ownCall: (requestId) => (OWN_CALLS[requestId] ? { actor: OWN_CALLS[requestId] } : undefined),
};

function decode(input: unknown, ctx: DecodeContext = context): DecodedEvent {
  const result = decodeEvent(input, ctx);
  if (!result.ok) throw new Error(result.error);
  return result.event;
}

describe('decoding who, via what and what', () => {
  it('IAM user in the console', () => {
    const event = decode(record({ userIdentity: iamUser('jane'), userAgent: 'console.amazonaws.com', ...updateService('staging-3', 'api', 3) }));
    expect(event.who).toMatchObject({ kind: 'iam-user', name: 'jane', accountId: ACCOUNT });
    expect(event.via).toMatchObject({ kind: 'console', label: 'console' });
    expect(event.what).toMatchObject({ cluster: 'staging-3', service: 'api', environment: 'staging-3', desiredBefore: 2, desiredAfter: 3 });
    expect(event.flags).toEqual([]);
    expect(formatDecoded(event)).toBe('jane (via console) set staging-3/api desired 2 → 3');
  });

  it('dockhand on behalf of a Slack user, known by the request id, from the raw CloudTrailEvent string', () => {
    const json = JSON.stringify(
      record({
        requestID: 'req-maria-stop',
        userIdentity: assumedRole('dockhand-operator', 'dockhand-U0MARIA', { sourceIdentity: 'dockhand-U0MARIA' }),
        userAgent: 'aws-sdk-js/3.1164.0 ua/2.1 os/linux#6.8.0 lang/js md/nodejs#20.18.0 api/ecs#3.1164.0 m/E,N dockhand/0.1.0',
        ...updateService('staging-3', 'api', 0),
      }),
    );
    const event = decode(json);
    expect(event.who).toMatchObject({ kind: 'slack-user-via-dockhand', name: 'maria', slackUserId: 'U0MARIA', roleName: 'dockhand-operator' });
    expect(event.via.kind).toBe('dockhand');
    expect(event.flags).toEqual([]); // scale-to-zero by dockhand is parking, not news
    expect(formatDecoded(event)).toBe('maria (via dockhand) set staging-3/api desired 2 → 0');
  });

  it('the same attribution without a role (default credentials): the request id is all it takes', () => {
    const event = decode(record({ requestID: 'req-bob-stop', userIdentity: iamUser('dockhand-bot'), userAgent: 'aws-sdk-js/3.1164.0 dockhand/0.1.0', ...updateService('qa-7', 'web', 0) }));
    expect(event.who).toMatchObject({ kind: 'slack-user-via-dockhand', slackUserId: 'U0BOB', name: '<@U0BOB>' });
    expect(event.flags).toEqual([]);
    const park = decode(record({ requestID: 'req-schedule-park', userIdentity: iamUser('dockhand-bot'), ...updateService('staging-3', 'api', 0) }));
    expect(park.who).toMatchObject({ kind: 'dockhand', name: 'the schedule' });
    expect(formatDecoded(park)).toBe('the schedule (via dockhand) set staging-3/api desired 2 → 0');
    expect(park.flags).toEqual([]);
  });

  it('a user agent, session name or source identity saying dockhand, with a request id dockhand never got, is flagged', () => {
    const agent = decode(record({ userIdentity: iamUser('mallory'), userAgent: 'aws-sdk-js/3.1164.0 dockhand/0.1.0', ...updateService('staging-3', 'api', 0) }));
    expect(agent.who).toMatchObject({ kind: 'iam-user', name: 'mallory' });
    expect(agent.via).toMatchObject({ kind: 'sdk', label: 'AWS SDK for JavaScript 3.1164.0' });
    expect(agent.flags).toEqual(['claims-dockhand', 'scale-to-zero']);

    const session = decode(record({ userIdentity: assumedRole('developer', 'dockhand-U0MARIA'), userAgent: CLI_AGENT, ...updateService('staging-3', 'api', 0) }));
    expect(session.who).toMatchObject({ kind: 'role', name: 'developer (dockhand-U0MARIA)', slackUserId: null });
    expect(session.flags).toEqual(['claims-dockhand', 'scale-to-zero']);

    const source = decode(record({ userIdentity: assumedRole('fleet-admin', 'ops', { sourceIdentity: 'dockhand-U0BOB' }), ...updateService('staging-3', 'api', 3) }));
    expect(source.flags).toEqual(['claims-dockhand']);

    // A read is not a change: it is not flagged (and ingest does not store reads).
    const read = decode(record({ eventName: 'DescribeServices', readOnly: true, userIdentity: iamUser('mallory'), userAgent: 'dockhand/0.1.0', requestParameters: { cluster: 'staging-3' } }));
    expect(read.readOnly).toBe(true);
    expect(read.flags).toEqual([]);
  });

  it('Terraform resetting a parked service, and the same apply on a running one', () => {
    const reset = decode(record({ userIdentity: assumedRole('platform-terraform', 'terraform-apply'), userAgent: TERRAFORM_AGENT, ...updateService('qa-7', 'web', 2) }));
    expect(reset.via).toEqual({ kind: 'terraform', label: 'Terraform 1.9.5', tool: 'Terraform 1.9.5', ci: null });
    expect(reset.who).toMatchObject({ kind: 'role', roleName: 'platform-terraform', sessionName: 'terraform-apply' });
    expect(reset.flags).toEqual(['terraform-reset-parked']);
    expect(formatDecoded(reset)).toBe('platform-terraform (terraform-apply) (via Terraform 1.9.5) set qa-7/web desired 0 → 2');

    const running = decode(record({ userIdentity: assumedRole('platform-terraform', 'terraform-apply'), userAgent: TERRAFORM_AGENT, ...updateService('staging-3', 'api', 2) }));
    expect(running.flags).toEqual([]);
  });

  it('Terraform in GitHub Actions keeps Terraform as the tool and names the CI', () => {
    const event = decode(record({ userIdentity: assumedRole('deploy', 'GitHubActions'), userAgent: TERRAFORM_AGENT, ...updateService('staging-3', 'api', 2) }));
    expect(event.via).toEqual({ kind: 'terraform', label: 'Terraform 1.9.5 in GitHub Actions', tool: 'Terraform 1.9.5', ci: 'GitHub Actions' });
  });

  it('the AWS CLI scaling to zero, naming the service by ARN', () => {
    const event = decode(
      record({
        userIdentity: iamUser('bob'),
        userAgent: CLI_AGENT,
        requestParameters: { service: `arn:aws:ecs:us-east-1:${ACCOUNT}:service/prod-cluster/worker`, desiredCount: 0 },
        responseElements: null,
      }),
    );
    expect(event.via).toMatchObject({ kind: 'cli', label: 'AWS CLI 2.22.35' });
    expect(event.what).toMatchObject({ cluster: 'prod-cluster', service: 'worker', environment: 'prod', desiredBefore: null, desiredAfter: 0 });
    expect(event.flags).toEqual(['scale-to-zero']);
    expect(formatDecoded(event)).toBe('bob (via AWS CLI 2.22.35) set prod/worker desired to 0');
  });

  it('CI recognised from the session name when the tool is the CLI or an SDK', () => {
    const github = decode(record({ userIdentity: assumedRole('deploy', 'GitHubActions'), userAgent: CLI_AGENT, ...updateService('staging-3', 'api', 4) }));
    expect(github.via).toEqual({ kind: 'ci', label: 'GitHub Actions', tool: 'AWS CLI 2.22.35', ci: 'GitHub Actions' });
    const codebuild = decode(record({ userIdentity: assumedRole('codebuild-deploy', 'AWSCodeBuild-5f1e0c7a-1d2b-4c3d-9e8f-0a1b2c3d4e5f'), userAgent: BOTO3_AGENT }));
    expect(codebuild.via).toMatchObject({ kind: 'ci', ci: 'AWS CodeBuild', tool: 'Boto3 1.35.36' });
  });

  it('Root deleting a cluster', () => {
    const event = decode(
      record({
        eventName: 'DeleteCluster',
        userIdentity: { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, accessKeyId: 'ASIAQ3EGRIM5EXAMPLE3' },
        userAgent: 'AWS Internal',
        requestParameters: { cluster: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/qa-7` },
      }),
    );
    expect(event.who).toMatchObject({ kind: 'root', name: 'root account' });
    expect(event.what).toMatchObject({ cluster: 'qa-7', service: null, environment: 'qa-7' });
    expect(event.flags).toEqual(['root-activity', 'deletion']);
    expect(formatDecoded(event)).toBe('root account (via console) deleted cluster qa-7');
  });

  it('Application Auto Scaling, as an AWS service and through its service-linked role', () => {
    const service = decode(
      record({
        eventName: 'UpdateService',
        userIdentity: { type: 'AWSService', invokedBy: 'ecs.application-autoscaling.amazonaws.com' },
        userAgent: 'ecs.application-autoscaling.amazonaws.com',
        sourceIPAddress: 'ecs.application-autoscaling.amazonaws.com',
        ...updateService('staging-3', 'api', 4),
      }),
    );
    expect(service.who).toMatchObject({ kind: 'aws-service', name: 'ecs.application-autoscaling.amazonaws.com' });
    expect(service.via.kind).toBe('aws-service');
    expect(formatDecoded(service)).toBe('ecs.application-autoscaling.amazonaws.com set staging-3/api desired 2 → 4');

    const linkedRole = assumedRole('AWSServiceRoleForApplicationAutoScaling_ECSService', 'ApplicationAutoScaling', {
      invokedBy: 'ecs.application-autoscaling.amazonaws.com',
      path: '/aws-service-role/ecs.application-autoscaling.amazonaws.com/',
    });
    const clampParked = decode(record({ userIdentity: linkedRole, userAgent: 'ecs.application-autoscaling.amazonaws.com', ...updateService('qa-7', 'web', 0) }));
    expect(clampParked.who.kind).toBe('aws-service');
    expect(clampParked.flags).toEqual([]); // dockhand's parking taking effect
    const clampRunning = decode(record({ userIdentity: linkedRole, userAgent: 'ecs.application-autoscaling.amazonaws.com', ...updateService('staging-3', 'api', 0) }));
    expect(clampRunning.flags).toEqual(['scale-to-zero']);
  });

  it('a service acting with a person\'s role is that person, via the service', () => {
    const event = decode(
      record({
        userIdentity: assumedRole('stack-deployer', 'alice', { invokedBy: 'cloudformation.amazonaws.com' }),
        userAgent: 'cloudformation.amazonaws.com',
        sourceIPAddress: 'cloudformation.amazonaws.com',
        ...updateService('staging-3', 'api', 3),
      }),
    );
    expect(event.who).toMatchObject({ kind: 'role', name: 'stack-deployer (alice)' });
    expect(event.via).toMatchObject({ kind: 'aws-service', label: 'cloudformation.amazonaws.com' });
  });

  it('an Auto Scaling target capped at zero, read from its resource id', () => {
    const event = decode(
      record({
        eventSource: 'application-autoscaling.amazonaws.com',
        eventName: 'RegisterScalableTarget',
        userIdentity: iamUser('bob'),
        userAgent: CLI_AGENT,
        requestParameters: { serviceNamespace: 'ecs', resourceId: 'service/staging-3/api', scalableDimension: 'ecs:service:DesiredCount', minCapacity: 0, maxCapacity: 0 },
        responseElements: { scalableTargetARN: `arn:aws:application-autoscaling:us-east-1:${ACCOUNT}:scalable-target/0ec5a1b2c3d4e5f6` },
      }),
    );
    expect(event.what).toMatchObject({ cluster: 'staging-3', service: 'api', minCapacity: 0, maxCapacity: 0, desiredAfter: null });
    expect(event.flags).toEqual(['scale-to-zero']);
    expect(formatDecoded(event)).toBe('bob (via AWS CLI 2.22.35) set staging-3/api auto scaling min 0, max 0');
  });

  it('an SDK call refused for lack of permission', () => {
    const message = `User: arn:aws:iam::${ACCOUNT}:user/intern is not authorized to perform: ecs:DeleteService on resource: arn:aws:ecs:us-east-1:${ACCOUNT}:service/staging-3/api because no identity-based policy allows the ecs:DeleteService action`;
    const event = decode(
      record({
        eventName: 'DeleteService',
        userIdentity: iamUser('intern'),
        userAgent: BOTO3_AGENT,
        errorCode: 'AccessDenied',
        errorMessage: message,
        requestParameters: { cluster: 'staging-3', service: 'api', force: true },
        responseElements: null,
      }),
    );
    expect(event).toMatchObject({ failed: true, errorCode: 'AccessDenied', errorMessage: message });
    expect(event.via).toMatchObject({ kind: 'sdk', label: 'Boto3 1.35.36' });
    expect(event.flags).toEqual(['permission-failure']); // nothing was deleted
    const line = formatDecoded(event);
    expect(line).toMatch(/^intern \(via Boto3 1\.35\.36\) tried to delete service staging-3\/api — failed: AccessDenied \(User: .+…\)$/);
  });

  it('a service deleted, and EC2-style authorization failures', () => {
    const deleted = decode(record({ eventName: 'DeleteService', userIdentity: iamUser('jane'), userAgent: CLI_AGENT, requestParameters: { cluster: 'qa-7', service: 'web' } }));
    expect(deleted.flags).toEqual(['deletion']);
    expect(formatDecoded(deleted)).toBe('jane (via AWS CLI 2.22.35) deleted service qa-7/web');
    const unauthorized = decode(record({ eventName: 'UpdateService', userIdentity: iamUser('jane'), errorCode: 'Client.UnauthorizedOperation', ...updateService('qa-7', 'web', 1) }));
    expect(unauthorized.flags).toEqual(['permission-failure']);
  });

  it('an IAM Identity Center user is named by the SSO session', () => {
    const role = 'AWSReservedSSO_AdministratorAccess_0123456789abcdef';
    const event = decode(
      record({
        userIdentity: assumedRole(role, 'maria.garcia@example.com', { path: '/aws-reserved/sso.amazonaws.com/' }),
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
        ...updateService('staging-3', 'api', 1),
      }),
    );
    expect(event.who).toMatchObject({ kind: 'sso-user', name: 'maria.garcia@example.com', roleName: role });
    expect(ssoPermissionSet(event.who)).toBe('AdministratorAccess');
    expect(event.via.kind).toBe('console');
  });

  it('a federated user and a resource named only by ARN', () => {
    const event = decode(
      record({
        eventName: 'TagResource',
        userIdentity: { type: 'FederatedUser', principalId: `${ACCOUNT}:ana`, arn: `arn:aws:sts::${ACCOUNT}:federated-user/ana`, accountId: ACCOUNT },
        userAgent: 'aws-sdk-go-v2/1.32.7 ua/2.1 os/linux lang/go#1.23.3 api/ecs#1.53.3',
        requestParameters: { resourceArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:service/staging-3/api`, tags: [{ key: 'owner', value: 'ana' }] },
      }),
    );
    expect(event.who).toMatchObject({ kind: 'federated-user', name: 'ana' });
    expect(event.via).toMatchObject({ kind: 'sdk', label: 'AWS SDK for Go v2 1.32.7' });
    expect(formatDecoded(event)).toBe('ana (via AWS SDK for Go v2 1.32.7) called TagResource on staging-3/api');
  });
});

describe('decoding failures', () => {
  it('reports records it cannot read instead of throwing', () => {
    expect(decodeEvent('{not json', context)).toEqual({ ok: false, error: 'CloudTrailEvent is not valid JSON' });
    const missing = decodeEvent(record({ eventID: undefined, userIdentity: iamUser('jane') }), context);
    expect(missing).toMatchObject({ ok: false, error: expect.stringContaining('eventID') });
    const badTime = decodeEvent(record({ eventTime: 'yesterday', userIdentity: iamUser('jane') }), context);
    expect(badTime).toMatchObject({ ok: false, error: expect.stringContaining('eventTime') });
  });

  it('is permissive about unknown fields and odd bodies', () => {
    const event = decode(record({ userIdentity: { type: 'AWSAccount', principalId: 'AIDAEXAMPLE', accountId: '222222222222' }, requestParameters: 'odd', additionalEventData: { x: 1 } }));
    expect(event.who).toMatchObject({ kind: 'unknown', name: 'AIDAEXAMPLE' });
    expect(event.what.cluster).toBeNull();
    expect(event.via.kind).toBe('unknown');
  });
});
