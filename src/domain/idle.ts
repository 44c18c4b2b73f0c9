import { hourlyRate, monthlyCost, type CostOptions } from './cost/estimate.js';
import type { Environment, EnvironmentState } from './environments.js';
import type { ServiceSnapshot, Tier } from './inventory.js';

/** Environments that burn money for nobody, and services that belong to no environment. */

export type IdleReason = 'outside-schedule' | 'no-recent-deploy' | 'no-owner' | 'owner-gone' | 'untouched';

export interface IdleRules {
  outsideSchedule: boolean;
  /** 0 turns the rule off. */
  noDeployDays: number;
  noOwner: boolean;
  ownerGone: boolean;
  /** 0 turns the rule off. */
  untouchedDays: number;
}

export const DEFAULT_IDLE_RULES: IdleRules = { outsideSchedule: true, noDeployDays: 7, noOwner: true, ownerGone: true, untouchedDays: 30 };

export interface IdleInput {
  environments: readonly Environment[];
  now: Date;
  rules: IdleRules;
  /** What an environment costs a month at its current size. */
  monthlyCost: (env: Environment) => number;
  /** Whether the environment's schedule wants it up at `at`; null when it has none. Absent: no environment has one. */
  isUp?: (environment: string, at: Date) => boolean | null;
  /** Keys (see ownerKey) of everyone active in the Slack workspace. Absent: the owner-gone rule is skipped. */
  activeOwners?: ReadonlySet<string>;
  /** The last change CloudTrail recorded for the environment, if any. */
  lastChangeAt?: (environment: string) => Date | null;
  /** Environments snoozed until after `now` are left out. */
  snoozedUntil?: (environment: string) => Date | null;
}

export interface IdleFinding {
  environment: string;
  tier: Tier;
  state: EnvironmentState;
  owner: string | null;
  running: number;
  monthlyCost: number;
  reasons: { reason: IdleReason; detail: string }[];
}

const DAY_MS = 86_400_000;

/**
 * An owner tag as a lookup key: `<@U123|maria>` and `U123` → `u123`, `@Maria` → `maria`, emails lower-cased;
 * a user group's mention `<!subteam^S123|@oncall>` → `s123`, its handle `@oncall` → `oncall`.
 */
export function ownerKey(owner: string): string {
  const mention = /^<(?:@([UW][A-Z0-9]+)|!subteam\^([A-Z0-9]+))(?:\|[^>]*)?>$/.exec(owner.trim());
  return (mention?.[1] ?? mention?.[2] ?? owner.trim().replace(/^@/, '')).toLowerCase();
}

/** A workspace member: what an owner tag may name a person by. */
export interface OwnerMember {
  id: string;
  name?: string | null;
  displayName?: string | null;
  email?: string | null;
}

/** A user group: teams often own environments by their on-call or team handle. */
export interface OwnerGroup {
  id: string;
  handle?: string | null;
}

/** What an active member or user group can be named by in an owner tag. */
export function activeOwnerKeys(members: readonly OwnerMember[], groups: readonly OwnerGroup[] = []): Set<string> {
  const keys = [
    ...members.flatMap((m) => [m.id, m.name, m.displayName, m.email]),
    ...groups.flatMap((g) => [g.id, g.handle]),
  ].filter((k): k is string => !!k);
  return new Set(keys.map(ownerKey));
}

/** What the services cost a month at their current running counts. */
export function monthlyRunRate(services: readonly ServiceSnapshot[], options: CostOptions = {}): number {
  return monthlyCost(services.reduce((sum, service) => sum + hourlyRate(service, service.running, options).dollarsPerHour, 0));
}

function lastDeployOf(env: Environment): Date | null {
  const times = env.services.flatMap((s) => (s.lastDeployAt ? [Date.parse(s.lastDeployAt)] : [])).filter(Number.isFinite);
  return times.length > 0 ? new Date(Math.max(...times)) : null;
}

function daysBetween(earlier: Date, later: Date): number {
  return Math.floor((later.getTime() - earlier.getTime()) / DAY_MS);
}

function reasonsFor(env: Environment, input: IdleInput): IdleFinding['reasons'] {
  const { rules, now } = input;
  const reasons: IdleFinding['reasons'] = [];
  const running = env.running > 0;
  const up = input.isUp?.(env.name, now) ?? null;
  const lastDeploy = lastDeployOf(env);

  if (rules.outsideSchedule && running && up === false) reasons.push({ reason: 'outside-schedule', detail: 'running outside its schedule' });
  if (rules.noDeployDays > 0 && running && up === null) {
    if (!lastDeploy) reasons.push({ reason: 'no-recent-deploy', detail: 'running with no schedule and no deployment seen' });
    else if (daysBetween(lastDeploy, now) >= rules.noDeployDays) {
      reasons.push({ reason: 'no-recent-deploy', detail: `running with no schedule, last deployed ${daysBetween(lastDeploy, now)} days ago` });
    }
  }
  if (rules.noOwner && !env.owner) reasons.push({ reason: 'no-owner', detail: 'no owner tag' });
  if (rules.ownerGone && env.owner && input.activeOwners && !input.activeOwners.has(ownerKey(env.owner))) {
    reasons.push({ reason: 'owner-gone', detail: `owner ${env.owner} is neither a member nor a user group of the Slack workspace` });
  }
  if (rules.untouchedDays > 0) {
    const change = input.lastChangeAt?.(env.name) ?? null;
    const touched = [lastDeploy, change].filter((d): d is Date => d !== null).reduce<Date | null>((a, b) => (a && a > b ? a : b), null);
    if (!touched) reasons.push({ reason: 'untouched', detail: 'no deployment or change seen' });
    else if (daysBetween(touched, now) >= rules.untouchedDays) reasons.push({ reason: 'untouched', detail: `untouched for ${daysBetween(touched, now)} days` });
  }
  return reasons;
}

/** Every environment at least one rule flags, most expensive first. */
export function idleFindings(input: IdleInput): IdleFinding[] {
  return input.environments
    .filter((env) => {
      const until = input.snoozedUntil?.(env.name) ?? null;
      return !until || until <= input.now;
    })
    .map((env): IdleFinding => ({
      environment: env.name,
      tier: env.tier,
      state: env.state,
      owner: env.owner,
      running: env.running,
      monthlyCost: input.monthlyCost(env),
      reasons: reasonsFor(env, input),
    }))
    .filter((finding) => finding.reasons.length > 0)
    .sort((a, b) => b.monthlyCost - a.monthlyCost || a.environment.localeCompare(b.environment));
}

export interface OrphanService {
  service: ServiceSnapshot;
  monthlyCost: number;
}

/** Running services no discovery rule places in an environment, most expensive first. */
export function orphanServices(services: readonly ServiceSnapshot[], options: CostOptions = {}): OrphanService[] {
  return services
    .filter((s) => s.environment === null && s.running > 0)
    .map((service) => ({ service, monthlyCost: monthlyRunRate([service], options) }))
    .sort((a, b) => b.monthlyCost - a.monthlyCost || a.service.name.localeCompare(b.service.name));
}
