import type { AlertsPolicy, AnomalyPolicy, DigestPolicy } from '../config/report-policy.js';
import { alertKey, alertsByEnvironment, degradedSteps, failedDeployments, type AlertItem, type LiveAlert } from '../domain/alerts.js';
import type { Clock } from '../domain/clock.js';
import type { Environment } from '../domain/environments.js';
import { matchesAny } from '../domain/glob.js';
import { errorMessage, type Logger } from '../log.js';
import type { Outbound } from '../outbound.js';
import type { NoticesStore } from '../store/notices-store.js';
import type { TrailStore } from '../store/trail-store.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** A deployment that failed longer ago than this is history, not news (a new database would otherwise alert it). */
const DEPLOYMENT_NEWS_MS = DAY_MS;
/**
 * Flagged CloudTrail events younger than this are alerted: late deliveries (minutes) and a missed run or two
 * are covered; the first run's days of backfill are the digest's and `/env who`'s, not a flood of alerts.
 */
const TRAIL_NEWS_MS = 2 * 3600_000;
/** Claims are kept well past both windows, so nothing is alerted twice; housekeeping prunes older ones. */
export const LIVE_ALERT_CLAIMS_KEPT_MS = 7 * DAY_MS;

export interface LiveAlertsDeps {
  policy: AlertsPolicy;
  /** Environments no `alerts.channels` route matches go where their cost anomalies go. */
  anomalies: Pick<AnomalyPolicy, 'channels'>;
  digests: readonly DigestPolicy[];
  environments: () => readonly Environment[];
  trail: Pick<TrailStore, 'flaggedSince'>;
  store: Pick<NoticesStore, 'claimLiveAlert' | 'releaseLiveAlerts' | 'degradedSince' | 'trackDegraded'>;
  outbound: Pick<Outbound, 'post'>;
  clock: Clock;
  logger: Logger;
}

/**
 * Pushes what broke to the environment's channel, each alert once across runs and restarts (a claim row per
 * alert identity and channel, given back when the post fails), one message per environment and run.
 */
export class LiveAlerts {
  constructor(private readonly deps: LiveAlertsDeps) {}

  /**
   * Where an environment's alerts go: its `alerts.channels` routes, else its `anomalies.channels` routes, else
   * the channels of the digests covering it. Events placed in no environment go to routes for `*`.
   */
  channelsOf(environment: string | null): string[] {
    const { policy, anomalies, digests } = this.deps;
    const covers = (globs: readonly string[]) => (environment === null ? globs.includes('*') : matchesAny(globs, environment));
    const routed = [policy.channels, anomalies.channels, digests].map((routes) => routes.filter((route) => covers(route.environments)).map((route) => route.channel));
    return [...new Set(routed.find((channels) => channels.length > 0) ?? [])];
  }

  /** After each inventory refresh: failed deployments, and environments short of tasks for `degraded_minutes`. */
  async afterRefresh(now: Date = this.deps.clock.now()): Promise<number> {
    const { policy, store } = this.deps;
    if (!policy.enabled) return 0;
    const environments = this.deps.environments();
    const items: { environment: string; item: AlertItem }[] = environments.flatMap((env) =>
      env.services.flatMap((service) => failedDeployments(service, now, DEPLOYMENT_NEWS_MS).map((item) => ({ environment: env.name, item }))),
    );
    const steps = degradedSteps(environments, await store.degradedSince(), now, policy.degraded_minutes * MINUTE_MS);
    await store.trackDegraded(steps.started, steps.recovered, now);
    items.push(...steps.due.map(({ environment, alert }) => ({ environment, item: alert })));
    return this.deliver(alertsByEnvironment(items, now), now);
  }

  /** After each CloudTrail run: every flagged event of the last hours not alerted yet. */
  async afterTrailRun(now: Date = this.deps.clock.now()): Promise<number> {
    if (!this.deps.policy.enabled) return 0;
    const events = await this.deps.trail.flaggedSince(new Date(now.getTime() - TRAIL_NEWS_MS));
    return this.deliver(
      alertsByEnvironment(
        events.map((event) => ({ environment: event.what.environment, item: { kind: 'trail-flag', event } })),
        now,
      ),
      now,
    );
  }

  /** Claims each item per channel, posts what it claimed as one message, gives the claims back if that fails. */
  private async deliver(alerts: readonly LiveAlert[], now: Date): Promise<number> {
    const { store, outbound, logger } = this.deps;
    let posted = 0;
    for (const alert of alerts) {
      for (const channel of this.channelsOf(alert.environment)) {
        const claimed: typeof alert.items = [];
        // One claim at a time, in order: which items this channel posts is decided by the claims alone.
        for (const item of alert.items) {
          if (await store.claimLiveAlert({ alertKey: alertKey(alert.environment, item), channel, environment: alert.environment, atMs: now.getTime() })) claimed.push(item);
        }
        if (claimed.length === 0) continue;
        try {
          if (!(await outbound.post(channel, { kind: 'live-alert', alert: { ...alert, items: claimed } }))) throw new Error(`cannot post to ${channel}`);
          posted += 1;
        } catch (error) {
          await store.releaseLiveAlerts(
            channel,
            claimed.map((item) => alertKey(alert.environment, item)),
          );
          logger.warn('could not post a live alert; it is tried again next run', { environment: alert.environment, channel, error: errorMessage(error) });
        }
      }
    }
    return posted;
  }
}
