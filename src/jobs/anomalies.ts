import type { AnomalyPolicy, DigestPolicy } from '../config/report-policy.js';
import { anomalyWindows, anomalyWindowStart, findAnomalies, type CostAnomaly } from '../domain/cost/anomaly.js';
import type { Clock } from '../domain/clock.js';
import type { Environment } from '../domain/environments.js';
import { matchesAny } from '../domain/glob.js';
import { errorMessage, type Logger } from '../log.js';
import type { Outbound } from '../outbound.js';
import type { CostReports } from '../store/cost-reports.js';
import type { NoticesStore } from '../store/notices-store.js';
import { CronTasks } from './cron.js';

export interface AnomalyMonitorDeps {
  costs: Pick<CostReports, 'estimates'>;
  environments: () => readonly Environment[];
  policy: AnomalyPolicy;
  /** Environments without an explicit alert route are alerted to the channels of the digests covering them. */
  digests: readonly DigestPolicy[];
  store: NoticesStore;
  outbound: Pick<Outbound, 'post'>;
  clock: Clock;
  logger: Logger;
}

export interface AnomalyCheck {
  anomalies: CostAnomaly[];
  /** Alerts posted by this check (each environment, window and channel once, whoever checks). */
  posted: number;
}

/** The channels an environment's anomalies go to: its explicit routes, else its digests' channels. */
export function alertChannels(environment: string, policy: AnomalyPolicy, digests: readonly DigestPolicy[]): string[] {
  const routed = policy.channels.filter((route) => matchesAny(route.environments, environment)).map((route) => route.channel);
  const channels = routed.length > 0 ? routed : digests.filter((digest) => matchesAny(digest.environments, environment)).map((digest) => digest.channel);
  return [...new Set(channels)];
}

/**
 * Live cost anomalies from the inventory samples: call `runOnce` after every inventory refresh, so a jump
 * is alerted within one refresh interval (Cost Explorer's own detection works on billing up to a day old).
 */
export class AnomalyMonitor {
  private readonly cron: CronTasks;

  constructor(private readonly deps: AnomalyMonitorDeps) {
    this.cron = new CronTasks(deps.logger);
  }

  async runOnce(now: Date = this.deps.clock.now()): Promise<AnomalyCheck> {
    const { policy, store, outbound, logger } = this.deps;
    if (!policy.enabled) return { anomalies: [], posted: 0 };
    const windows = anomalyWindows(now, policy.hours, policy.baseline_days);
    const [recent, ...baselines] = await this.deps.costs.estimates([windows.recent, ...windows.baselines]);
    if (!recent) return { anomalies: [], posted: 0 };
    const tiers = new Map(this.deps.environments().map((env) => [env.name, env.tier]));
    const anomalies = findAnomalies({
      hours: policy.hours,
      recent,
      baselines,
      // An environment gone from the inventory is judged by the stricter of the two tiers' thresholds: production's.
      tierOf: (name) => tiers.get(name) ?? 'production',
      thresholds: policy.thresholds,
    });
    const windowStartMs = anomalyWindowStart(now, policy.hours).getTime();
    let posted = 0;
    for (const anomaly of anomalies) {
      for (const channel of alertChannels(anomaly.environment, policy, this.deps.digests)) {
        const claim = { environment: anomaly.environment, windowStartMs, channel };
        if (!(await store.claimAnomalyAlert({ ...claim, recentDollars: anomaly.recentDollars, baselineDollars: anomaly.baselineDollars, at: now.toISOString() }))) continue;
        try {
          if (!(await outbound.post(channel, { kind: 'cost-anomaly', anomaly, hours: policy.hours }))) throw new Error(`cannot post to ${channel}`);
          posted += 1;
        } catch (error) {
          await store.releaseAnomalyAlert(claim);
          logger.warn('could not post a cost anomaly alert', { environment: anomaly.environment, channel, error: errorMessage(error) });
        }
      }
    }
    return { anomalies, posted };
  }

  /** A safety net for when no refresh calls runOnce: every five minutes. */
  start(): void {
    this.cron.add('cost anomaly check', '*/5 * * * *', () => this.runOnce());
  }

  stop(): Promise<void> {
    return this.cron.stop();
  }
}
