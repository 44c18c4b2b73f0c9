import type { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { fetchDailyCosts, type DailyCost } from '../aws/cost-explorer/daily-costs.js';
import type { Account } from '../config/policy.js';
import type { CostActualsPolicy } from '../config/report-policy.js';
import type { Clock } from '../domain/clock.js';
import { actualDaysToAsk, settleActualDays } from '../domain/cost/actuals.js';
import type { DayRange } from '../domain/cost/report.js';
import { utcDay } from '../domain/time-format.js';
import { errorMessage, type Logger } from '../log.js';
import type { CostActualsStore } from '../store/cost-actuals-store.js';
import { CronTasks } from './cron.js';

export interface CostIngestDeps {
  accounts: readonly Account[];
  clients: { costExplorer(account: Account): Promise<CostExplorerClient> };
  store: CostActualsStore;
  policy: CostActualsPolicy;
  /** The environment tag key Cost Explorer groups by (discovery.tag_key). */
  tagKey: string;
  clock: Clock;
  logger: Logger;
}

export type CostExplorerIngestResult =
  | { account: string; asked: false; reason: 'already asked today' | 'nothing to ask' }
  | { account: string; asked: true; days: DayRange; pages: number; rows: number };

export interface CostIngestRun {
  results: CostExplorerIngestResult[];
  errors: string[];
}

/**
 * Billed spend from Cost Explorer, once per account and UTC day: on the policy's cron and once at start
 * (the stored claim makes the start-up run a no-op when today's run already happened).
 */
export class CostIngestJob {
  private readonly cron: CronTasks;

  constructor(private readonly deps: CostIngestDeps) {
    this.cron = new CronTasks(deps.logger);
  }

  async runOnce(now: Date = this.deps.clock.now()): Promise<CostIngestRun> {
    const { accounts, policy, logger } = this.deps;
    if (!policy.enabled) return { results: [], errors: [] };
    const outcomes = await Promise.all(
      accounts.map(async (account) => {
        try {
          const result = await this.ingestAccount(account, now);
          if (result.asked) logger.info('Cost Explorer asked', { account: account.id, from: result.days.first, to: result.days.last, pages: result.pages });
          return { result };
        } catch (error) {
          logger.warn('Cost Explorer ingest failed', { account: account.id, error: errorMessage(error) });
          return { error: `${account.name} (${account.id}): ${errorMessage(error)}` };
        }
      }),
    );
    return { results: outcomes.flatMap((o) => (o.result ? [o.result] : [])), errors: outcomes.flatMap((o) => (o.error ? [o.error] : [])) };
  }

  /**
   * Asks Cost Explorer for one account's days that are not final yet, at most once per UTC day: the day is
   * claimed in the store before the first request, so a restart or a second process does not ask again.
   */
  private async ingestAccount(account: Account, now: Date): Promise<CostExplorerIngestResult> {
    const { store, policy, tagKey } = this.deps;
    const client = await this.deps.clients.costExplorer(account);
    const today = utcDay(now);
    const claim = await store.claim(account.id, today, now);
    if (!claim) return { account: account.id, asked: false, reason: 'already asked today' };
    const days = actualDaysToAsk(today, claim.finalThrough, policy.lookback_days);
    if (!days) return { account: account.id, asked: false, reason: 'nothing to ask' };

    let pages = 0;
    let answered: DailyCost[];
    try {
      const query = { tagKey, days, metric: policy.metric, services: policy.services };
      answered = await fetchDailyCosts(client, query, () => (pages += 1));
    } catch (error) {
      // Nothing answered means nothing billed: give the day back so a later run may try again.
      if (pages === 0) await store.release(claim);
      throw error;
    }
    const { rows, finalThrough } = settleActualDays(answered, days, today, policy.still_billing_days, claim.finalThrough);
    await store.save(claim, days, rows, pages, finalThrough, now);
    return { account: account.id, asked: true, days, pages, rows: rows.length };
  }

  start(): void {
    if (!this.deps.policy.enabled) return;
    this.cron.add('Cost Explorer ingest', this.deps.policy.cron, () => this.runOnce());
    this.cron.runNow('Cost Explorer ingest', () => this.runOnce());
  }

  stop(): Promise<void> {
    return this.cron.stop();
  }
}
