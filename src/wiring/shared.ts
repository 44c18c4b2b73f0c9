import type { Policy } from '../config/policy.js';
import { systemClock, type Clock } from '../domain/clock.js';
import type { EnvironmentRules } from '../domain/environments.js';
import { environmentRulesOf } from '../config/policy.js';
import { jsonLogger, type Logger } from '../log.js';
import { DockhandMetrics } from '../ops/metrics.js';
import type { Sleep } from '../rate-limit.js';
import type { DockhandOptions } from './options.js';

/** What every wiring step reads: the policy and what follows from it, the clock, the logger, the metrics' counters. */
export interface Shared {
  policy: Policy;
  /** How environments are found and tiered: the fleet, the refresh and the CloudTrail ingest read them alike. */
  rules: EnvironmentRules;
  refreshMs: number;
  clock: Clock;
  /** Given with a test's clock: waits on it (see DockhandOptions.sleep). */
  sleep?: Sleep;
  logger: Logger;
  /** Counters from the start; the gauges are added once what they read exists (see lifecycle.ts). */
  metrics: DockhandMetrics;
}

export function sharedOf(options: Pick<DockhandOptions, 'policy' | 'clock' | 'sleep' | 'logger'>): Shared {
  const { policy } = options;
  return {
    policy,
    rules: environmentRulesOf(policy),
    refreshMs: policy.inventory.refresh_seconds * 1000,
    clock: options.clock ?? systemClock,
    ...(options.sleep ? { sleep: options.sleep } : {}),
    logger: options.logger ?? jsonLogger(),
    metrics: new DockhandMetrics(),
  };
}
