import { z } from 'zod';
import { SandboxError } from './errors.js';
import { identityArn, principalId, type SandboxIdentity } from './identity.js';
import { operation, type ServiceApi } from './protocol.js';

/** STS speaks awsQuery: form-encoded requests, XML responses in this namespace. */
const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const VALIDATION = 'ValidationError';
const NAME = /^[\w+=,.@-]+$/;
const ROLE_ARN = /^arn:aws[\w-]*:iam::(\d{12}):role((?:\/[\w+=,.@-]+)*\/)([\w+=,.@-]+)$/;

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function toXml(value: unknown): string {
  if (Array.isArray(value)) return value.map((item) => `<member>${toXml(item)}</member>`).join('');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([key, v]) => `<${key}>${toXml(v)}</${key}>`)
      .join('');
  }
  return escapeXml(String(value));
}

export function renderQueryResponse(operationName: string, output: unknown, requestId: string): string {
  return (
    `<${operationName}Response xmlns="${XMLNS}"><${operationName}Result>${toXml(output)}</${operationName}Result>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operationName}Response>`
  );
}

export function renderQueryError(error: SandboxError, requestId: string): string {
  const type = error.status >= 500 ? 'Receiver' : 'Sender';
  return (
    `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${type}</Type><Code>${escapeXml(error.code)}</Code>` +
    `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}

/** awsQuery error codes differ from the JSON protocols' for the same failure. */
export function queryErrorCode(code: string): string {
  return code === 'ThrottlingException' ? 'Throttling' : code;
}

const sessionName = z.string().min(2).max(64).regex(NAME, 'must match [\\w+=,.@-]+');

const assumeRoleInput = z.object({
  RoleArn: z.string().regex(ROLE_ARN, 'must be an IAM role ARN like arn:aws:iam::222222222222:role/dockhand'),
  RoleSessionName: sessionName,
  SourceIdentity: sessionName.optional(),
  DurationSeconds: z.coerce.number().int().min(900).max(43_200).optional(),
});

const assumeRole = operation(
  assumeRoleInput,
  (params, call) => {
    const [, account, path, roleName] = ROLE_ARN.exec(params.RoleArn)!;
    const inherited = call.identity.type === 'AssumedRole' ? call.identity.sourceIdentity : undefined;
    if (inherited !== undefined && params.SourceIdentity !== undefined && params.SourceIdentity !== inherited) {
      throw new SandboxError('AccessDenied', `SourceIdentity ${inherited} of the calling session cannot be changed.`, 403);
    }
    const sourceIdentity = params.SourceIdentity ?? inherited;
    const identity: SandboxIdentity = {
      type: 'AssumedRole',
      accountId: account!,
      roleName: roleName!,
      rolePath: path!,
      sessionName: params.RoleSessionName,
      sessionCreatedAt: call.now,
      ...(sourceIdentity === undefined ? {} : { sourceIdentity }),
    };
    const credentials = call.world.identities.issue(identity);
    // The SDK compares Expiration with the real clock, so it is real time even when the sandbox clock is virtual.
    const expiration = new Date(Date.now() + (params.DurationSeconds ?? 3600) * 1000);
    return {
      Credentials: {
        AccessKeyId: credentials.accessKeyId,
        SecretAccessKey: credentials.secretAccessKey,
        SessionToken: credentials.sessionToken,
        Expiration: expiration,
      },
      AssumedRoleUser: { AssumedRoleId: principalId(identity), Arn: identityArn(identity) },
      ...(sourceIdentity === undefined ? {} : { SourceIdentity: sourceIdentity }),
    };
  },
  {
    readOnly: true,
    recipientAccount: (params) => ROLE_ARN.exec(params.RoleArn)?.[1],
    resources: (params) => [{ ResourceType: 'AWS::IAM::Role', ResourceName: params.RoleArn }],
    responseElements: (output) => {
      const { Credentials, AssumedRoleUser, SourceIdentity } = output as {
        Credentials: { AccessKeyId: string; Expiration: Date };
        AssumedRoleUser: { AssumedRoleId: string; Arn: string };
        SourceIdentity?: string;
      };
      return {
        credentials: { accessKeyId: Credentials.AccessKeyId, expiration: Credentials.Expiration.toISOString() },
        assumedRoleUser: { assumedRoleId: AssumedRoleUser.AssumedRoleId, arn: AssumedRoleUser.Arn },
        ...(SourceIdentity === undefined ? {} : { sourceIdentity: SourceIdentity }),
      };
    },
  },
);

export const stsApi: ServiceApi = {
  service: 'sts',
  eventSource: 'sts.amazonaws.com',
  validationErrorCode: VALIDATION,
  protocol: 'awsQuery',
  operations: {
    GetCallerIdentity: operation(z.object({}), (_params, call) => ({
      UserId: principalId(call.identity),
      Account: call.identity.accountId,
      Arn: identityArn(call.identity),
    })),
    AssumeRole: assumeRole,
  },
};
