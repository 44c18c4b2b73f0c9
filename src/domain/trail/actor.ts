import type { UserIdentity } from './record.js';

/** Who made a call and with what tool, decoded from a CloudTrail record's userIdentity and userAgent. */

export type { UserIdentity };

export type ActorKind =
  | 'iam-user'
  | 'role'
  | 'sso-user'
  | 'federated-user'
  | 'root'
  | 'aws-service'
  | 'dockhand'
  | 'slack-user-via-dockhand'
  | 'unknown';

export interface Actor {
  kind: ActorKind;
  /** What to show people: a user name, `role (session)`, `root account`, a service host, a Slack mention. */
  name: string;
  /** The role assumed, for AssumedRole identities (the permission-set role for SSO users). */
  roleName: string | null;
  sessionName: string | null;
  /** Set when dockhand acted on behalf of this Slack user. */
  slackUserId: string | null;
  arn: string | null;
  accountId: string | null;
}

export interface ActorContext {
  /**
   * Sessions (and source identities) dockhand opens are named `<prefix><SlackUserId>`, e.g. `dockhand-U0MARIA`.
   * Anyone can name a session so; such a name only makes an event one that claims to be dockhand's.
   */
  dockhandSessionPrefix: string;
  /** Resolves a Slack user id to a display name; without it the name is a Slack mention `<@U…>`. */
  slackUserName?(slackUserId: string): string | undefined;
}

/** The audit trail's actor for work dockhand's scheduler does (domain/reconcile's SCHEDULER_ACTOR). */
const SCHEDULER = 'scheduler';

export const DEFAULT_DOCKHAND_SESSION_PREFIX = 'dockhand-';

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;
/** IAM Identity Center permission-set roles: `AWSReservedSSO_<PermissionSet>_<16 hex>`. */
const SSO_ROLE = /^AWSReservedSSO_(.+)_[0-9a-f]{16}$/;

/** `arn:aws:sts::<account>:assumed-role/<role>/<session>` → role and session. */
function assumedRoleParts(arn: string | null | undefined): { role: string | null; session: string | null } {
  const match = arn ? /:assumed-role\/([^/]+)\/(.+)$/.exec(arn) : null;
  return { role: match?.[1] ?? null, session: match?.[2] ?? null };
}

function afterLastSlash(value: string | null | undefined): string | null {
  if (!value) return null;
  const index = value.lastIndexOf('/');
  return index >= 0 ? value.slice(index + 1) : value;
}

/**
 * The actor of a call dockhand made (recognised by its request id), for whoever it was made for: a Slack
 * user, or dockhand's own jobs (the scheduler).
 */
export function dockhandActor(identity: UserIdentity, madeFor: string, context: Pick<ActorContext, 'slackUserName'>): Actor {
  const fromArn = assumedRoleParts(identity.arn);
  const base = { roleName: fromArn.role, sessionName: fromArn.session, arn: identity.arn ?? null, accountId: identity.accountId ?? null };
  if (SLACK_USER_ID.test(madeFor)) {
    return { ...base, kind: 'slack-user-via-dockhand', name: context.slackUserName?.(madeFor) ?? `<@${madeFor}>`, slackUserId: madeFor };
  }
  return { ...base, kind: 'dockhand', name: madeFor === SCHEDULER ? 'the schedule' : 'dockhand', slackUserId: null };
}

/** Whether a call not made by dockhand says it is: by user agent, session name or source identity. */
export function claimsDockhand(identity: UserIdentity, userAgent: string | null | undefined, prefix: string): boolean {
  if (userAgent && /dockhand/i.test(userAgent)) return true;
  const session = assumedRoleParts(identity.arn).session ?? identity.principalId?.split(':')[1] ?? null;
  const source = identity.sessionContext?.sourceIdentity ?? null;
  return prefix !== '' && [session, source].some((name) => name?.startsWith(prefix) ?? false);
}

/** Who made a call that is not dockhand's, from its identity alone. */
export function actorOf(identity: UserIdentity): Actor {
  const base = { roleName: null, sessionName: null, slackUserId: null, arn: identity.arn ?? null, accountId: identity.accountId ?? null };
  switch (identity.type) {
    case 'IAMUser':
      return { ...base, kind: 'iam-user', name: identity.userName ?? afterLastSlash(identity.arn) ?? identity.principalId ?? 'IAM user' };
    case 'Root':
      return { ...base, kind: 'root', name: 'root account' };
    case 'AWSService':
      return { ...base, kind: 'aws-service', name: identity.invokedBy ?? 'AWS service' };
    case 'FederatedUser':
      // arn:aws:sts::<account>:federated-user/<name>, from GetFederationToken.
      return { ...base, kind: 'federated-user', name: afterLastSlash(identity.arn) ?? identity.principalId ?? 'federated user' };
    case 'AssumedRole':
      return assumedRoleActor(identity, base);
    default:
      return { ...base, kind: 'unknown', name: identity.userName ?? identity.arn ?? identity.principalId ?? identity.type };
  }
}

function isServiceLinkedRole(roleName: string | null, roleArn: string | null | undefined): boolean {
  return Boolean(roleArn?.includes(':role/aws-service-role/') || roleName?.startsWith('AWSServiceRoleFor'));
}

function assumedRoleActor(identity: UserIdentity, base: Omit<Actor, 'kind' | 'name'>): Actor {
  const fromArn = assumedRoleParts(identity.arn);
  const roleName = identity.sessionContext?.sessionIssuer?.userName ?? fromArn.role;
  // principalId is `<role id>:<session>` when the arn is missing.
  const sessionName = fromArn.session ?? identity.principalId?.split(':')[1] ?? null;
  const actor = { ...base, roleName, sessionName };

  // A service acting through its service-linked role (Application Auto Scaling clamping a desired count) is
  // the service itself; a service acting with someone's role (CloudFormation) is that someone, via the service.
  if (identity.invokedBy && isServiceLinkedRole(roleName, identity.sessionContext?.sessionIssuer?.arn)) {
    return { ...actor, kind: 'aws-service', name: identity.invokedBy };
  }

  if (roleName && SSO_ROLE.test(roleName)) return { ...actor, kind: 'sso-user', name: sessionName ?? roleName };
  const name = sessionName ? `${roleName ?? 'role'} (${sessionName})` : (roleName ?? identity.principalId ?? 'assumed role');
  return { ...actor, kind: 'role', name };
}

export function ssoPermissionSet(actor: Actor): string | null {
  return actor.kind === 'sso-user' && actor.roleName ? (SSO_ROLE.exec(actor.roleName)?.[1] ?? null) : null;
}

export type ViaKind = 'dockhand' | 'aws-service' | 'console' | 'terraform' | 'ci' | 'cli' | 'sdk' | 'unknown';

export interface Via {
  kind: ViaKind;
  /** What to show: `console`, `AWS CLI 2.22.35`, `Terraform 1.9.5 in GitHub Actions`, `Boto3 1.35.0`. */
  label: string;
  /** The client tool when recognised, e.g. `Terraform 1.9.5`, `AWS CLI 2.22.35`. */
  tool: string | null;
  /** The CI system when recognised, e.g. `GitHub Actions`. */
  ci: string | null;
}

/**
 * CI systems, recognised in the user agent or the role session name. Tools do not put CI markers in their
 * user agents by themselves; these catch what is commonly there: the session name GitHub's
 * configure-aws-credentials action uses by default (`GitHubActions`), CodeBuild's `AWSCodeBuild-<id>`
 * sessions, and user-agent suffixes pipelines add (`GitHub-Actions`, `gitlab-ci`, `circleci`, `jenkins`…).
 */
const CI_MARKERS: readonly [RegExp, string][] = [
  [/github[-_ ]?actions/i, 'GitHub Actions'],
  [/codebuild/i, 'AWS CodeBuild'],
  [/gitlab/i, 'GitLab CI'],
  [/circleci/i, 'CircleCI'],
  [/jenkins/i, 'Jenkins'],
  [/buildkite/i, 'Buildkite'],
  [/bitbucket[-_ ]?pipelines/i, 'Bitbucket Pipelines'],
  [/azure[-_ ]?pipelines/i, 'Azure Pipelines'],
];

/** SDK markers, most specific first (Go v2 before Go, Boto3 before Botocore which Boto3 also sends). */
const SDK_MARKERS: readonly [RegExp, string][] = [
  [/aws-sdk-js\/([\d.]+)/, 'AWS SDK for JavaScript'],
  [/aws-sdk-nodejs\/([\d.]+)/, 'AWS SDK for JavaScript'],
  [/Boto3\/([\d.]+)/, 'Boto3'],
  [/Botocore\/([\d.]+)/, 'Botocore'],
  [/aws-sdk-go-v2\/([\d.]+)/, 'AWS SDK for Go v2'],
  [/aws-sdk-go\/([\d.]+)/, 'AWS SDK for Go'],
  [/aws-sdk-java\/([\d.]+)/, 'AWS SDK for Java'],
  [/(?:aws-sdk-dotnet|aws-sdk-net|AWSSDK\.NET)[^/\s]*\/([\d.]+)/i, 'AWS SDK for .NET'],
  [/aws-sdk-ruby\d?\/([\d.]+)/, 'AWS SDK for Ruby'],
  [/aws-sdk-php\/([\d.]+)/, 'AWS SDK for PHP'],
  [/aws-sdk-rust\/([\d.]+)/, 'AWS SDK for Rust'],
  [/aws-sdk-cpp\/([\d.]+)/, 'AWS SDK for C++'],
  [/aws-sdk-kotlin\/([\d.]+)/, 'AWS SDK for Kotlin'],
  [/aws-sdk-swift\/([\d.]+)/, 'AWS SDK for Swift'],
];

/** What the AWS console sends: its own hosts, `AWS Internal`, or a browser's user agent for direct calls. */
function isConsole(userAgent: string): boolean {
  return (
    userAgent.startsWith('AWS Internal') ||
    /(^|\s)(console|signin)\.amazonaws\.com/.test(userAgent) ||
    /^console\.[a-z0-9-]+\.amazonaws\.com$/.test(userAgent) ||
    userAgent.startsWith('Mozilla/')
  );
}

function ciOf(userAgent: string, sessionName: string | null): string | null {
  for (const [marker, name] of CI_MARKERS) {
    if (marker.test(userAgent) || (sessionName !== null && marker.test(sessionName))) return name;
  }
  return null;
}

function terraformOf(userAgent: string): string | null {
  const version = /Terraform\/([\d.]+)/.exec(userAgent)?.[1];
  if (version) return `Terraform ${version}`;
  return /terraform-provider-aws|HashiCorp|Terraform/i.test(userAgent) ? 'Terraform' : null;
}

function cliOf(userAgent: string): string | null {
  const version = /aws-cli\/([\d.]+)/.exec(userAgent)?.[1];
  if (!version) return null;
  return /exec-env\/CloudShell/.test(userAgent) ? `AWS CLI ${version} in CloudShell` : `AWS CLI ${version}`;
}

function sdkOf(userAgent: string): string | null {
  for (const [marker, name] of SDK_MARKERS) {
    const version = marker.exec(userAgent)?.[1];
    if (version) return `${name} ${version}`;
  }
  return null;
}

/** The tool a call came through, judged from the user agent and, for CI and dockhand, the actor. */
export function viaOf(userAgent: string | null | undefined, actor: Actor): Via {
  const agent = userAgent ?? '';
  const none = { tool: null, ci: null };
  // Only calls dockhand made (known by request id) are via dockhand; a user agent saying so proves nothing.
  if (actor.kind === 'dockhand' || actor.kind === 'slack-user-via-dockhand') {
    return { ...none, kind: 'dockhand', label: 'dockhand' };
  }
  if (actor.kind === 'aws-service') return { ...none, kind: 'aws-service', label: actor.name };
  if (isConsole(agent)) return { ...none, kind: 'console', label: 'console' };
  // Services calling on someone's behalf (CloudFormation, Auto Scaling) send their own host as the agent.
  if (/^[a-z0-9.-]+\.amazonaws\.com$/.test(agent)) return { ...none, kind: 'aws-service', label: agent };

  const ci = ciOf(agent, actor.sessionName);
  const terraform = terraformOf(agent);
  if (terraform) return { kind: 'terraform', label: ci ? `${terraform} in ${ci}` : terraform, tool: terraform, ci };
  const tool = cliOf(agent) ?? sdkOf(agent);
  if (ci) return { kind: 'ci', label: ci, tool, ci };
  if (tool) return { kind: tool.startsWith('AWS CLI') ? 'cli' : 'sdk', label: tool, tool, ci: null };
  return { ...none, kind: 'unknown', label: agent || 'unknown' };
}
