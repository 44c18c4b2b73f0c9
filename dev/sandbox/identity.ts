import { createHash, randomBytes } from 'node:crypto';

export const DEFAULT_ACCOUNT = '111111111111';
export const DEFAULT_REGION = 'us-east-1';
/** Who any access key the sandbox has not issued or been told about acts as. */
export const DEFAULT_USER_NAME = 'sandbox-admin';

/** The principal a call acts as, in the four shapes CloudTrail's userIdentity distinguishes. */
export type SandboxIdentity =
  | { type: 'IAMUser'; accountId: string; userName: string }
  | { type: 'Root'; accountId: string }
  | {
      type: 'AssumedRole';
      accountId: string;
      roleName: string;
      /** IAM path of the role, e.g. `/service-role/`; `/` when absent. */
      rolePath?: string;
      sessionName: string;
      sourceIdentity?: string;
      sessionCreatedAt?: Date;
      /** Set when an AWS service acts through its service-linked role. */
      invokedBy?: string;
    }
  | { type: 'AWSService'; accountId: string; invokedBy: string };

export const identities = {
  iamUser: (userName: string, accountId = DEFAULT_ACCOUNT): SandboxIdentity => ({ type: 'IAMUser', accountId, userName }),
  root: (accountId = DEFAULT_ACCOUNT): SandboxIdentity => ({ type: 'Root', accountId }),
  assumedRole: (
    roleName: string,
    sessionName: string,
    options: { accountId?: string; sourceIdentity?: string; invokedBy?: string } = {},
  ): SandboxIdentity => ({
    type: 'AssumedRole',
    accountId: options.accountId ?? DEFAULT_ACCOUNT,
    roleName,
    sessionName,
    ...(options.sourceIdentity === undefined ? {} : { sourceIdentity: options.sourceIdentity }),
    ...(options.invokedBy === undefined ? {} : { invokedBy: options.invokedBy }),
  }),
  awsService: (invokedBy: string, accountId = DEFAULT_ACCOUNT): SandboxIdentity => ({
    type: 'AWSService',
    accountId,
    invokedBy,
  }),
};

/** User agents of the tools that change fleets from outside dockhand, as CloudTrail shows them. */
export const userAgents = {
  console: 'console.amazonaws.com',
  cli: 'aws-cli/2.22.35 md/awscrt#0.23.4 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 md/prompt#off md/command#ecs.update-service',
  terraform:
    'APN/1.0 HashiCorp/1.0 Terraform/1.10.3 (+https://www.terraform.io) terraform-provider-aws/5.82.2 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.7 ua/2.1 os/linux lang/go#1.23.3 md/GOOS#linux md/GOARCH#amd64 api/ecs#1.53.3',
  autoscaling: 'application-autoscaling.amazonaws.com',
};

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Principal ids look like AWS's (AIDA… users, AROA… roles) and are derived from the name, so they repeat across runs. */
function stableId(prefix: string, seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  let id = prefix;
  for (let i = 0; i < 17; i++) id += BASE32[digest[i]! % 32];
  return id;
}

function randomId(prefix: string, length: number): string {
  const bytes = randomBytes(length);
  let id = prefix;
  for (const byte of bytes) id += BASE32[byte % 32];
  return id;
}

export function roleArn(identity: Extract<SandboxIdentity, { type: 'AssumedRole' }>): string {
  return `arn:aws:iam::${identity.accountId}:role${identity.rolePath ?? '/'}${identity.roleName}`;
}

function roleId(identity: Extract<SandboxIdentity, { type: 'AssumedRole' }>): string {
  return stableId('AROA', roleArn(identity));
}

export function identityArn(identity: SandboxIdentity): string {
  switch (identity.type) {
    case 'IAMUser':
      return `arn:aws:iam::${identity.accountId}:user/${identity.userName}`;
    case 'Root':
      return `arn:aws:iam::${identity.accountId}:root`;
    case 'AssumedRole':
      return `arn:aws:sts::${identity.accountId}:assumed-role/${identity.roleName}/${identity.sessionName}`;
    case 'AWSService':
      // A service principal has no ARN of its own; it acts on the account's behalf.
      return `arn:aws:iam::${identity.accountId}:root`;
  }
}

export function principalId(identity: SandboxIdentity): string {
  switch (identity.type) {
    case 'IAMUser':
      return stableId('AIDA', identityArn(identity));
    case 'Root':
      return identity.accountId;
    case 'AssumedRole':
      return `${roleId(identity)}:${identity.sessionName}`;
    case 'AWSService':
      return identity.invokedBy;
  }
}

/** The `Username` CloudTrail's LookupEvents shows (and filters on) for an identity. */
export function usernameOf(identity: SandboxIdentity): string {
  switch (identity.type) {
    case 'IAMUser':
      return identity.userName;
    case 'Root':
      return 'root';
    case 'AssumedRole':
      return identity.sessionName;
    case 'AWSService':
      return identity.invokedBy;
  }
}

/** The `userIdentity` block of a CloudTrail record. */
export function cloudTrailUserIdentity(identity: SandboxIdentity, accessKeyId?: string): Record<string, unknown> {
  const key = accessKeyId === undefined ? {} : { accessKeyId };
  switch (identity.type) {
    case 'IAMUser':
      return {
        type: 'IAMUser',
        principalId: principalId(identity),
        arn: identityArn(identity),
        accountId: identity.accountId,
        ...key,
        userName: identity.userName,
      };
    case 'Root':
      return { type: 'Root', principalId: identity.accountId, arn: identityArn(identity), accountId: identity.accountId, ...key };
    case 'AssumedRole':
      return {
        type: 'AssumedRole',
        principalId: principalId(identity),
        arn: identityArn(identity),
        accountId: identity.accountId,
        ...key,
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            principalId: roleId(identity),
            arn: roleArn(identity),
            accountId: identity.accountId,
            userName: identity.roleName,
          },
          attributes: {
            creationDate: (identity.sessionCreatedAt ?? new Date(0)).toISOString().replace(/\.\d{3}Z$/, 'Z'),
            mfaAuthenticated: 'false',
          },
          ...(identity.sourceIdentity === undefined ? {} : { sourceIdentity: identity.sourceIdentity }),
        },
        ...(identity.invokedBy === undefined ? {} : { invokedBy: identity.invokedBy }),
      };
    case 'AWSService':
      return { type: 'AWSService', invokedBy: identity.invokedBy };
  }
}

export interface SigV4Credential {
  accessKeyId: string;
  region: string;
  /** The signing name, e.g. `ecs`, `sts`, `application-autoscaling`. */
  signingService: string;
}

const CREDENTIAL = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

/** Reads the credential scope of a SigV4 Authorization header. Signatures are deliberately not verified. */
export function parseSigV4Credential(authorization: string | undefined): SigV4Credential | undefined {
  const match = authorization === undefined ? null : CREDENTIAL.exec(authorization);
  if (!match) return undefined;
  return { accessKeyId: match[1]!, region: match[2]!, signingService: match[3]! };
}

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/** Maps access keys to identities: keys issued by AssumeRole or registered by tests; all others are the default admin. */
export class IdentityRegistry {
  private readonly byAccessKey = new Map<string, SandboxIdentity>();

  register(accessKeyId: string, identity: SandboxIdentity): void {
    this.byAccessKey.set(accessKeyId, identity);
  }

  resolve(accessKeyId: string): SandboxIdentity {
    return this.byAccessKey.get(accessKeyId) ?? identities.iamUser(DEFAULT_USER_NAME);
  }

  issue(identity: SandboxIdentity): TemporaryCredentials {
    const credentials = {
      accessKeyId: randomId('ASIA', 16),
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(96).toString('base64')}`,
    };
    this.register(credentials.accessKeyId, identity);
    return credentials;
  }
}
