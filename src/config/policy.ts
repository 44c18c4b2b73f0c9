import { z } from 'zod';
import type { EnvironmentRules } from '../domain/environments.js';
import type { AccessPolicy } from '../domain/access/permissions.js';
import { AFTER_HOURS_VERBS, APPROVABLE_VERBS } from '../domain/access/approvals.js';
import { parseSchedule } from '../domain/schedules/schedule.js';
import { policyGlob as glob } from './glob.js';
import { reportPolicyFields } from './report-policy.js';

/** Verbs a role can grant. `*` grants every verb. Later features add to this list. */
export const VERBS = ['view', 'restart', 'start', 'stop', 'scale', 'extend', 'schedule', 'approve', 'grant', 'logs'] as const;
export type Verb = (typeof VERBS)[number];

const verb = z.enum([...VERBS, '*'], {
  error: (issue) => `unknown verb ${JSON.stringify(issue.input)}; expected one of ${VERBS.join(', ')} or "*"`,
});

const afterHoursAllowed = `${AFTER_HOURS_VERBS.join(', ')}, or "*" for both`;

/** Only verbs that keep an environment up outside its schedule: any other would be accepted and never asked for. */
const afterHoursVerb = z.enum([...AFTER_HOURS_VERBS, '*'], {
  error: (issue) => {
    const given = JSON.stringify(issue.input);
    if (!(VERBS as readonly unknown[]).includes(issue.input)) return `unknown verb ${given}; after_hours_approval takes ${afterHoursAllowed}`;
    // The operations `approval` can protect at any hour.
    const instead = ['restart', 'stop', 'scale'].includes(String(issue.input)) ? `; list ${given} under approval to have it approved at any hour` : '';
    return `after-hours approval cannot apply to ${given}: only verbs that keep an environment up outside its schedule can (${afterHoursAllowed})${instead}`;
  },
});

const approvableAllowed = `${APPROVABLE_VERBS.join(', ')}, or "*" for all of them`;

/** Only verbs dockhand asks approval for: any other would be accepted and never asked for. */
const approvableVerb = z.enum([...APPROVABLE_VERBS, '*'], {
  error: (issue) => {
    const given = JSON.stringify(issue.input);
    if (!(VERBS as readonly unknown[]).includes(issue.input)) return `unknown verb ${given}; approval takes ${approvableAllowed}`;
    return `approval cannot apply to ${given}: only verbs that change an environment or keep it up are approved (${approvableAllowed}); who may ${String(issue.input)} is a role's verbs`;
  },
});

const subject = z
  .string()
  .regex(/^(user:[UW][A-Z0-9]+|group:S[A-Z0-9]+)$/, {
    message: 'a subject is "user:<Slack user id>" (e.g. user:U012AB3CD) or "group:<Slack user group id>" (e.g. group:S0PLATFORM)',
  });


const accountSchema = z.strictObject({
  // Unquoted, YAML reads the id as a number: a leading zero is dropped and the id is wrong.
  id: z
    .string({ error: (issue) => (typeof issue.input === 'number' ? 'an account id must be quoted, e.g. id: "123456789012" (unquoted, an id with a leading zero would lose digits)' : undefined) })
    .regex(/^\d{12}$/, { message: 'an AWS account id is 12 digits' }),
  name: z.string().min(1),
  regions: z.array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: 'a region looks like us-east-1' })).min(1),
  /** Assumed for every call when set; later, per Slack user with their id as the session name. */
  role_arn: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, { message: 'a role ARN looks like arn:aws:iam::123456789012:role/dockhand' })
    .optional(),
});

const discoverySchema = z
  .strictObject({
    /** `tag`: services (or their cluster) carry the environment tag. `cluster`: one cluster per environment. */
    mode: z.enum(['tag', 'cluster']).default('tag'),
    tag_key: z.string().min(1).default('environment'),
    owner_tag_key: z.string().min(1).default('owner'),
    team_tag_key: z.string().min(1).default('team'),
    tier_tag_key: z.string().min(1).default('tier'),
    /** Only with mode `cluster`: clusters whose names match these globs are environments. */
    clusters: z.array(glob).default(['*']),
  })
  .prefault({});

const protectSchema = z.strictObject({
  environments: z.array(glob).min(1),
  /** These verbs need a second person holding `approve` on the environment to click Approve. */
  approval: z.array(approvableVerb).default([]),
  /** These verbs need approval only outside the environment's schedule: an extension past it, a start outside it. */
  after_hours_approval: z.array(afterHoursVerb).default([]),
});

const schedulesSchema = z
  .strictObject({
    /** Named schedules, e.g. business-hours: "weekdays 09:00-19:00 Europe/Berlin". */
    named: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, { message: 'a schedule name is lowercase letters, digits and dashes' }), z.string().min(1)).default({}),
    /** The first matching entry gives an environment without its own schedule one: new ones inherit it. */
    defaults: z.array(z.strictObject({ environments: z.array(glob).min(1), schedule: z.string().min(1) })).default([]),
    /** A tag on an environment's services that sets its schedule (a spec or a name). */
    tag_key: z.string().min(1).default('schedule'),
    /** Where the scheduler reports what it did (one message per edge) and what it found. */
    channel: z.string().regex(/^[CG][A-Z0-9]+$/, { message: 'a channel id looks like C0123ABCD' }).optional(),
    grace_minutes: z.number().int().min(0).max(24 * 60).default(30),
    warn_minutes: z.number().int().min(0).max(24 * 60).default(30),
    /** After downtime, edges older than this are not caught up on. */
    catch_up_hours: z.number().int().min(1).max(24 * 14).default(72),
    /** Environments whose schedule is also written to AWS as scheduled actions, so it holds while dockhand is down. */
    native: z.array(glob).default([]),
  })
  .prefault({});

const roleSchema = z.array(verb).min(1, { message: 'a role needs at least one verb' });

const bindingSchema = z.strictObject({
  subjects: z.array(subject).min(1),
  role: z.string().min(1),
  environments: z.array(glob).min(1),
});

export const policySchema = z
  .strictObject({
    accounts: z
      .array(accountSchema, { error: (issue) => (issue.input === undefined ? 'is required: list at least one account (see dockhand.example.yml)' : undefined) })
      .min(1, { message: 'list at least one AWS account with its regions' }),
    discovery: discoverySchema,
    tiers: z
      .strictObject({
        /** Environments matching these globs are production; everything else is non-production. */
        production: z.array(glob).default(['prod', 'prod-*', 'production', 'production-*']),
      })
      .prefault({}),
    inventory: z
      .strictObject({
        refresh_seconds: z.number().int().min(15).max(3600).default(60),
        /** `/env refresh` this soon after a refresh finished answers with that one instead of reading AWS again. */
        refresh_cooldown_seconds: z.number().int().min(0).max(3600).default(30),
      })
      .prefault({}),
    /** Deadlines for AWS: every HTTP attempt, and the work built of several calls (with their retries). */
    aws: z
      .strictObject({
        connect_timeout_ms: z.number().int().min(50).max(60_000).default(3_000),
        request_timeout_ms: z.number().int().min(50).max(120_000).default(10_000),
        /** Reading one account and region for the inventory, every page and retry included. */
        refresh_deadline_ms: z.number().int().min(100).max(600_000).default(30_000),
        /** One service's part of an operation (its reads or its writes), retries included. */
        step_deadline_ms: z.number().int().min(100).max(600_000).default(20_000),
      })
      .prefault({}),
    /** `/env logs`: how many lines a reply shows, and how many FilterLogEvents pages (500 events each) one read may take. */
    logs: z
      .strictObject({
        max_lines: z.number().int().min(1).max(200).default(50),
        max_pages: z.number().int().min(1).max(50).default(10),
        /** How long `/env why` waits for a service's error lines before saying they could not be read in time. */
        why_deadline_ms: z.number().int().min(100).max(60_000).default(4_000),
      })
      .prefault({}),
    /** After a restart, start or scale, its progress message follows each service's rollout until it ends, or this long. */
    rollouts: z
      .strictObject({
        follow_minutes: z.number().int().min(1).max(24 * 60).default(30),
      })
      .prefault({}),
    roles: z.record(z.string(), roleSchema).default({}),
    bindings: z.array(bindingSchema).default([]),
    protect: z.array(protectSchema).default([]),
    schedules: schedulesSchema,
    ...reportPolicyFields,
    approvals: z
      .strictObject({
        /** Where Approve / Deny requests are posted, e.g. C0APPROVALS. Without it, approvals are refused. */
        channel: z.string().regex(/^[CG][A-Z0-9]+$/, { message: 'a channel id looks like C0123ABCD (from the channel details)' }).optional(),
        expire_minutes: z.number().int().min(1).max(24 * 60).default(30),
      })
      .prefault({}),
    audit: z
      .strictObject({
        /** Audit rows older than this are deleted by housekeeping, so the trail cannot grow without end. */
        retention_days: z.number().int().min(1).max(3650).default(180),
      })
      .prefault({}),
    operations: z
      .strictObject({
        /** Desired count for a service that `start` finds with nothing recorded (it was not parked by dockhand). */
        start_fallback_desired: z.number().int().min(0).max(100).default(1),
      })
      .prefault({}),
    /**
     * One lease per database, renewed every heartbeat; another instance takes over once it has gone unrenewed
     * for lease_seconds. SQLite: only the holder runs at all. Postgres: every replica serves Slack, the holder
     * runs the jobs; an operation's runner claim lasts lease_seconds too.
     */
    instance: z
      .strictObject({
        lease_seconds: z.number().int().min(2).max(600).default(30),
        heartbeat_seconds: z.number().int().min(1).max(300).default(10),
      })
      .refine((instance) => instance.heartbeat_seconds < instance.lease_seconds, {
        message: 'heartbeat_seconds must be shorter than lease_seconds (e.g. 10 and 30), or the lease expires between heartbeats',
        path: ['heartbeat_seconds'],
      })
      .prefault({}),
    /** Who people are told to ask when they lack access, e.g. "#platform-help" or "<@U012AB3CD>". */
    access_contact: z.string().min(1).optional(),
  })
  .superRefine((policy, ctx) => {
    const named = policy.schedules.named;
    const checkSchedule = (text: string, path: PropertyKey[]) => {
      const parsed = parseSchedule(text, named);
      if (!parsed.ok) ctx.addIssue({ code: 'custom', path, input: text, message: `${parsed.error.message} (e.g. ${parsed.error.example})` });
    };
    for (const [name, text] of Object.entries(named)) checkSchedule(text, ['schedules', 'named', name]);
    policy.schedules.defaults.forEach((rule, index) => checkSchedule(rule.schedule, ['schedules', 'defaults', index, 'schedule']));
    policy.bindings.forEach((binding, index) => {
      if (!Object.hasOwn(policy.roles, binding.role)) {
        ctx.addIssue({
          code: 'custom',
          path: ['bindings', index, 'role'],
          input: binding.role,
          message: `role ${JSON.stringify(binding.role)} is not defined under roles (defined: ${Object.keys(policy.roles).join(', ') || 'none'})`,
        });
      }
    });
  });

export type Policy = z.infer<typeof policySchema>;
export type Account = Policy['accounts'][number];
export type Binding = Policy['bindings'][number];
export type DiscoveryRules = Policy['discovery'];
export type ProtectRule = Policy['protect'][number];
export type SchedulesPolicy = Policy['schedules'];

/** The policy's discovery and tier settings in the shape the domain works with. */
export function environmentRulesOf(policy: Policy): EnvironmentRules {
  return {
    mode: policy.discovery.mode,
    tagKey: policy.discovery.tag_key,
    ownerTagKey: policy.discovery.owner_tag_key,
    teamTagKey: policy.discovery.team_tag_key,
    tierTagKey: policy.discovery.tier_tag_key,
    clusterGlobs: policy.discovery.clusters,
    productionGlobs: policy.tiers.production,
  };
}

export function accessPolicyOf(policy: Policy): AccessPolicy {
  return { roles: policy.roles, bindings: policy.bindings, accessContact: policy.access_contact };
}
