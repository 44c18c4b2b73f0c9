import { matchesAny } from './glob.js';

/** Who is asking: a Slack user and the user groups they belong to. */
export interface Subject {
  userId: string;
  groupIds: readonly string[];
}

export interface AccessBinding {
  subjects: readonly string[];
  role: string;
  environments: readonly string[];
}

export interface AccessPolicy {
  roles: Readonly<Record<string, readonly string[]>>;
  bindings: readonly AccessBinding[];
  accessContact?: string | undefined;
}

function subjectKeys(subject: Subject): Set<string> {
  return new Set([`user:${subject.userId}`, ...subject.groupIds.map((id) => `group:${id}`)]);
}

function roleGrants(policy: AccessPolicy, role: string, verb: string): boolean {
  const verbs = policy.roles[role] ?? [];
  return verbs.includes('*') || verbs.includes(verb);
}

/** Deny by default: only a binding of this subject, to a role with the verb, on a matching glob allows. */
export function isAllowed(policy: AccessPolicy, subject: Subject, verb: string, environment: string): boolean {
  const keys = subjectKeys(subject);
  return policy.bindings.some(
    (binding) =>
      binding.subjects.some((s) => keys.has(s)) &&
      roleGrants(policy, binding.role, verb) &&
      matchesAny(binding.environments, environment),
  );
}

/** True when the subject has any binding at all: tells "no access anywhere" from "not to this one". */
export function hasAnyBinding(policy: AccessPolicy, subject: Subject): boolean {
  const keys = subjectKeys(subject);
  return policy.bindings.some((binding) => binding.subjects.some((s) => keys.has(s)));
}

/** Subjects (`user:U…`, `group:S…`) holding a verb on an environment, in policy order, without repeats. */
export function holdersOf(policy: AccessPolicy, verb: string, environment: string): string[] {
  const holders = policy.bindings
    .filter((binding) => roleGrants(policy, binding.role, verb) && matchesAny(binding.environments, environment))
    .flatMap((binding) => binding.subjects);
  return [...new Set(holders)];
}

/** Slack mention syntax for a policy subject. */
export function mention(subject: string): string {
  const [kind, id] = subject.split(':');
  return kind === 'group' ? `<!subteam^${id}>` : `<@${id}>`;
}

/**
 * Who to ask for access: the configured contact, else whoever can grant on that environment,
 * else whoever already holds the verb there.
 */
export function whoToAsk(policy: AccessPolicy, verb: string, environment: string): string {
  if (policy.accessContact) return policy.accessContact;
  const granters = holdersOf(policy, 'grant', environment);
  const holders = granters.length > 0 ? granters : holdersOf(policy, verb, environment);
  return holders.length > 0 ? holders.slice(0, 5).map(mention).join(', ') : 'your dockhand administrator (no one holds it in the policy yet)';
}

export interface ActiveGrant {
  userId: string;
  role: string;
  environments: string;
}

/** Time-boxed grants count as bindings while they last; the caller passes only the unexpired ones. */
export function withGrants(policy: AccessPolicy, grants: readonly ActiveGrant[]): AccessPolicy {
  if (grants.length === 0) return policy;
  const extra = grants.map((grant) => ({ subjects: [`user:${grant.userId}`], role: grant.role, environments: [grant.environments] }));
  return { ...policy, bindings: [...policy.bindings, ...extra] };
}
