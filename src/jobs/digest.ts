import type { DigestPolicy } from '../config/report-policy.js';
import type { Clock } from '../domain/clock.js';
import { hasCostToChart, type CostPerDay } from '../domain/cost/daily.js';
import { localDateOf } from '../domain/digest.js';
import { matchesAny } from '../domain/glob.js';
import { errorMessage, type Logger } from '../log.js';
import { NoticePartlyPosted, type Outbound, type Posted } from '../outbound.js';
import type { Audience, FleetReports } from '../store/fleet-reports.js';
import type { NoticesStore } from '../store/notices-store.js';
import { CronTasks } from './cron.js';

const KEEP_RECORDS_MS = 90 * 86_400_000;

export interface DigestJobDeps {
  digests: readonly DigestPolicy[];
  reports: Pick<FleetReports, 'digest'>;
  store: NoticesStore;
  outbound: Pick<Outbound, 'post' | 'attachChart'>;
  clock: Clock;
  logger: Logger;
  /** The last 7 days' cost per day by environment for the audience: charted in the thread of a digest with a cost section. */
  costPerDay?: (now: Date, audience: Audience) => Promise<CostPerDay>;
}

/** The digest's chart: the week, so a day's spike shows against the days around it. */
export const DIGEST_CHART_TITLE = 'Cost per day by environment · last 7 days';

export type DigestOutcome =
  | { channel: string; localDate: string; status: 'posted'; ts: string; messages: number }
  | { channel: string; localDate: string; status: 'already-posted' }
  | { channel: string; localDate: string; status: 'failed'; error: string };

/** What a channel's digest covers: the policy's globs; `*` also shows services outside environments. */
export function digestAudience(digest: DigestPolicy): Audience {
  return { sees: (environment) => matchesAny(digest.environments, environment), seesUnplaced: digest.environments.includes('*') };
}

/**
 * Posts each channel's digest on its cron, in its time zone. The channel and local date are claimed in the
 * store before anything is posted, so a restart, a second process or two digests for one channel due at once
 * post once per channel and day. Overflow beyond 50 blocks goes into the thread, a message a second.
 */
export class DigestJob {
  private readonly cron: CronTasks;

  constructor(private readonly deps: DigestJobDeps) {
    this.cron = new CronTasks(deps.logger);
  }

  async post(digest: DigestPolicy, now: Date): Promise<DigestOutcome> {
    const { store, outbound, reports, logger } = this.deps;
    const { channel } = digest;
    const localDate = localDateOf(now, digest.time_zone);
    await store.prune(new Date(now.getTime() - KEEP_RECORDS_MS), now);
    if (!(await store.claimDigest(channel, localDate, now))) return { channel, localDate, status: 'already-posted' };
    try {
      const model = await reports.digest({ sections: digest.sections, timeZone: digest.time_zone, localDate }, now, digestAudience(digest));
      const message = await outbound.post(channel, { kind: 'digest', digest: model });
      if (!message) throw new Error(`cannot post to ${channel}`);
      const { ts, messages } = message;
      const chart = await this.attachChart(digest, message, now);
      await store.finishDigest(channel, localDate, { status: 'posted', ts, messages, ...(chart ? { detail: chart } : {}) });
      return { channel, localDate, status: 'posted', ts, messages };
    } catch (error) {
      const posted = error instanceof NoticePartlyPosted ? error.posted.messages : 0;
      // Once the main message is out the day is done (a partial thread beats a second digest); before, retry later.
      await store.finishDigest(channel, localDate, { status: posted > 0 ? 'posted' : 'failed', messages: posted, detail: errorMessage(error) });
      logger.error('digest failed', { channel, localDate, posted, error: errorMessage(error) });
      return { channel, localDate, status: 'failed', error: errorMessage(error) };
    }
  }

  /**
   * The cost chart in the digest's thread, once the text is out: a chart that fails costs the digest nothing.
   * Returns what to record when it did not go out.
   */
  private async attachChart(digest: DigestPolicy, message: Posted, now: Date): Promise<string | null> {
    const { outbound, costPerDay, logger } = this.deps;
    if (!outbound.attachChart || !costPerDay || !digest.sections.includes('cost')) return null;
    try {
      const data = await costPerDay(now, digestAudience(digest));
      if (!hasCostToChart(data)) return null;
      const outcome = await outbound.attachChart({ channel: message.channel, threadTs: message.ts }, { kind: 'cost-per-day', title: DIGEST_CHART_TITLE, data });
      if (outcome.attached) return null;
      logger.warn('digest chart not attached', { channel: digest.channel, reason: outcome.reason });
      return `chart not attached: ${outcome.reason}`;
    } catch (error) {
      logger.error('digest chart failed', { channel: digest.channel, error: errorMessage(error) });
      return `chart not attached: ${errorMessage(error)}`;
    }
  }

  /** Posts every configured digest not yet posted today (per its time zone); for tests and catching up. */
  async runOnce(now: Date = this.deps.clock.now()): Promise<DigestOutcome[]> {
    const outcomes: DigestOutcome[] = [];
    for (const digest of this.deps.digests) outcomes.push(await this.post(digest, now));
    return outcomes;
  }

  start(): void {
    for (const digest of this.deps.digests) {
      this.cron.add(`digest for ${digest.channel}`, digest.cron, () => this.post(digest, this.deps.clock.now()), digest.time_zone);
    }
  }

  stop(): Promise<void> {
    return this.cron.stop();
  }
}
