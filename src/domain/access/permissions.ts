import { globContained } from '../glob-containment.js';
import { matchesAny } from '../glob.js';

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
  const verbs = Object.hasOwn(policy.roles, role) ? (policy.roles[role] ?? []) : [];
  return verbs.includes('*') || verbs.includes(verb);
}

/** Deny by default: only a binding of this subject, to a role with the verb, on a matching glob allows. */
export function isAllowed(policy: AccessPolicy, subject: Subject, verb: string, environment: string): boolean {
  return allowsOn(policy, subject, verb)(environment);
}

/**
 * `isAllowed` for many environments: the subject's bindings that grant the verb are picked once, not again
 * for every name (`/env list` asks it of the whole fleet).
 */
export function allowsOn(policy: AccessPolicy, subject: Subject, verb: string): (environment: string) => boolean {
  const keys = subjectKeys(subject);
  const globs = policy.bindings.filter((binding) => binding.subjects.some((s) => keys.has(s)) && roleGrants(policy, binding.role, verb)).map((binding) => binding.environments);
  return (environment) => globs.some((environments) => matchesAny(environments, environment));
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

/** Whom to point someone at without naming anyone who holds access: the configured contact, or the administrator. */
export function neutralContact(policy: AccessPolicy): string {
  return policy.accessContact ?? 'your dockhand administrator';
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

/** The environment globs on which the subject holds a verb, from its bindings and active grants. */
export function globsHolding(policy: AccessPolicy, subject: Subject, verb: string): string[] {
  const keys = subjectKeys(subject);
  return policy.bindings.filter((b) => b.subjects.some((s) => keys.has(s)) && roleGrants(policy, b.role, verb)).flatMap((b) => b.environments);
}

/** `holdsOnAll`'s comparisons, by the glob and the globs held: the same few come up for every `/env list`. */
const containment = new Map<string, boolean>();
const MAX_CONTAINMENT_ANSWERS = 1000;

/** True when the subject holds the verb on every name the glob matches (compared as sets; undecidable is false). */
export function holdsOnAll(policy: AccessPolicy, subject: Subject, verb: string, glob: string): boolean {
  const globs = globsHolding(policy, subject, verb);
  const key = JSON.stringify([glob, globs]);
  const known = containment.get(key);
  if (known !== undefined) return known;
  const answer = globContained(glob, globs).contained === true;
  if (containment.size >= MAX_CONTAINMENT_ANSWERS) containment.clear();
  containment.set(key, answer);
  return answer;
}

/**
 * Account ids and why AWS could not be read (its messages name role and resource ARNs) are shown only to someone
 * who can view every environment: a location that could not be read may hold environments the asker cannot see.
 * The one rule for `/env refresh`, `/env who`, the footers of `/env list`, `/env status`, `/env why` and the App Home.
 */
export function maySeeAccountIds(policy: AccessPolicy, subject: Subject): boolean {
  return holdsOnAll(policy, subject, 'view', '*');
}


export type GrantScopeVerdict =
  | { ok: true }
  /** `missing`: verbs the granter lacks somewhere in the scope, with a name there they don't hold them on. */
  | { ok: false; missing: { verb: string; example: string | null; why?: string }[] };

/**
 * Whether a subject may grant `role` on `glob`: it must hold `grant` and every verb of the role (a `*` role
 * is every verb in `allVerbs`) on every name the glob matches, so no grant reaches beyond its granter.
 * Holding a verb on a union of globs counts (each binding and grant adds to it); when the comparison can't
 * be decided, the verb counts as missing.
 */
export function grantScope(policy: AccessPolicy, subject: Subject, role: string, glob: string, allVerbs: readonly string[]): GrantScopeVerdict {
  const roleVerbs = Object.hasOwn(policy.roles, role) ? (policy.roles[role] ?? []) : [];
  const verbs = [...new Set(['grant', ...(roleVerbs.includes('*') ? allVerbs : roleVerbs)])];
  const missing = verbs.flatMap((verb) => {
    const verdict = globContained(glob, globsHolding(policy, subject, verb));
    if (verdict.contained === true) return [];
    return [verdict.contained === false ? { verb, example: verdict.example } : { verb, example: null, why: verdict.why }];
  });
  return missing.length === 0 ? { ok: true } : { ok: false, missing };
}
