import { IANAZone } from 'luxon';
import { z } from 'zod';
import { cronProblem } from './cron.js';
import { maxSampleGapFor } from '../domain/cost/estimate.js';
import type { HistorySettings } from '../domain/cost/history.js';
import type { IdleRules } from '../domain/idle.js';
import { policyGlob as glob } from './glob.js';

/**
 * Policy-file keys for cost, idle environments, cost anomalies, CloudTrail and digests. Spread
 * `reportPolicyFields` into the policy schema; every key has defaults, so a policy without them is valid.
 */

const channel = z.string().regex(/^[CG][A-Z0-9]+$/, { message: 'a channel id looks like C0123ABCD (from the channel details)' });
const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: 'a region looks like us-east-1' });
const dollars = z.number().min(0);

const cronExpression = z.string().superRefine((expression, ctx) => {
  const problem = cronProblem(expression);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const timeZone = z.string().refine((zone) => IANAZone.isValidZone(zone), {
  message: 'not an IANA time zone, e.g. Europe/Berlin or UTC',
});

/** Mirrors FargateRateOverrides (domain/fargate-rates.ts): per region, x86 / arm rates and a Spot discount. */
const architectureRates = z.strictObject({ vcpu_hour: dollars, gb_hour: dollars });
const regionRates = z.strictObject({
  x86: architectureRates.optional(),
  arm: architectureRates.optional(),
  spot_discount: z.number().min(0).max(1).optional(),
});

const tierThresholds = z
  .strictObject({
    /** Both must be exceeded: the dollars silence big jumps on tiny environments, the percent small wobbles on big ones. */
    dollars: dollars.default(5),
    percent: z.number().min(0).default(50),
  })
  .prefault({});

export const CLOUDTRAIL_EVENT_SOURCES = ['ecs.amazonaws.com', 'application-autoscaling.amazonaws.com'] as const;

export const DIGEST_SECTIONS = ['fleet', 'idle', 'cost', 'changes', 'anomalies', 'approvals', 'overrides'] as const;
export type DigestSection = (typeof DIGEST_SECTIONS)[number];

const digestSchema = z.strictObject({
  channel,
  environments: z.array(glob).min(1).default(['*']),
  sections: z.array(z.enum(DIGEST_SECTIONS)).min(1).default([...DIGEST_SECTIONS]),
  /** node-cron syntax, evaluated in `time_zone`. */
  cron: cronExpression.default('0 9 * * mon-fri'),
  time_zone: timeZone.default('UTC'),
});

export const reportPolicyFields = {
  cost: z
    .strictObject({
      /** Fargate rates by region, overriding the table in domain/fargate-rates.ts. */
      rates: z.record(region, regionRates).default({}),
      /** Share of a mixed (Spot + on-demand) service's tasks on Spot, when the strategy's split is unknown. */
      mixed_spot_share: z.number().min(0).max(1).default(0.5),
      /** How long inventory samples are kept: 30-day reports compare against the 30 days before. */
      sample_retention_days: z.number().int().min(14).max(800).default(70),
      actuals: z
        .strictObject({
          enabled: z.boolean().default(true),
          /** When Cost Explorer is asked (UTC); at most once per account and day whatever this says. */
          cron: cronExpression.default('15 7 * * *'),
          /** Days asked for on the first run; later runs ask only for days not yet final. */
          lookback_days: z.number().int().min(1).max(400).default(62),
          /** Days this recent are still being billed even when Cost Explorer does not say Estimated. */
          still_billing_days: z.number().int().min(0).max(7).default(2),
          /** Cost Explorer SERVICE values to include; empty for every service the environment tag covers. */
          services: z.array(z.string().min(1)).default(['Amazon Elastic Container Service']),
          metric: z.enum(['UnblendedCost', 'NetUnblendedCost', 'AmortizedCost', 'NetAmortizedCost', 'BlendedCost']).default('UnblendedCost'),
        })
        .prefault({}),
    })
    .prefault({}),
  cloudtrail: z
    .strictObject({
      every_minutes: z.number().int().min(1).max(60).default(5),
      /** Each run starts this far before the last one ended: CloudTrail delivers events minutes late. */
      overlap_minutes: z.number().int().min(0).max(120).default(10),
      first_lookback_hours: z.number().int().min(1).max(90 * 24).default(7 * 24),
      /** One lookup per source and run; add application-autoscaling to see who changed scaling bounds. */
      event_sources: z.array(z.enum(CLOUDTRAIL_EVENT_SOURCES)).min(1).default(['ecs.amazonaws.com']),
      retention_days: z.number().int().min(7).max(400).default(90),
    })
    .prefault({}),
  idle: z
    .strictObject({
      outside_schedule: z.boolean().default(true),
      /** Running, without a schedule, and not deployed for this many days; 0 turns the rule off. */
      no_deploy_days: z.number().int().min(0).max(365).default(7),
      no_owner: z.boolean().default(true),
      owner_gone: z.boolean().default(true),
      /** No deployment and no recorded change for this many days; 0 turns the rule off. */
      untouched_days: z.number().int().min(0).max(365).default(30),
      snooze_days: z.number().int().min(1).max(90).default(7),
    })
    .prefault({}),
  anomalies: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** The recent window compared with the same hours of each of the `baseline_days` before. */
      hours: z.number().int().min(1).max(24).default(3),
      baseline_days: z.number().int().min(1).max(28).default(7),
      thresholds: z.strictObject({ production: tierThresholds, 'non-production': tierThresholds }).prefault({}),
      /** Where alerts go; environments no route matches are alerted to the channels of digests that cover them. */
      channels: z.array(z.strictObject({ environments: z.array(glob).min(1), channel })).default([]),
    })
    .prefault({}),
  /** Live alerts to the environment's channel: failed deployments, lasting degradation, CloudTrail flags. */
  alerts: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** An environment short of its desired tasks this long (first seen at a refresh) is alerted once. */
      degraded_minutes: z.number().int().min(1).max(24 * 60).default(10),
      /** Where alerts go; environments no route matches go where their cost anomalies go (anomalies.channels, then the digests' channels). */
      channels: z.array(z.strictObject({ environments: z.array(glob).min(1), channel })).default([]),
    })
    .prefault({}),
  digests: z.array(digestSchema).default([]),
};

export const reportPolicySchema = z.strictObject(reportPolicyFields);
export type ReportPolicy = z.infer<typeof reportPolicySchema>;
export type DigestPolicy = ReportPolicy['digests'][number];
export type IdlePolicy = ReportPolicy['idle'];
export type AnomalyPolicy = ReportPolicy['anomalies'];
export type CloudTrailPolicy = ReportPolicy['cloudtrail'];
export type AlertsPolicy = ReportPolicy['alerts'];
export type CostActualsPolicy = ReportPolicy['cost']['actuals'];

/** The idle rules in the shape the domain works with. */
export function idleRulesOf(idle: IdlePolicy): IdleRules {
  return {
    outsideSchedule: idle.outside_schedule,
    noDeployDays: idle.no_deploy_days,
    noOwner: idle.no_owner,
    ownerGone: idle.owner_gone,
    untouchedDays: idle.untouched_days,
  };
}

/** How estimates are priced and how long a sample stands, from the policy and the inventory interval. */
export function costSettingsOf(cost: ReportPolicy['cost'], refreshIntervalMs: number): HistorySettings {
  return { overrides: cost.rates, mixedSpotShare: cost.mixed_spot_share, maxSampleGapMs: maxSampleGapFor(refreshIntervalMs) };
}
