import type { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { ingestCostExplorerAccount, type CostExplorerIngestResult } from '../aws/cost-explorer/ingest.js';
import type { Account } from '../config/policy.js';
import type { CostActualsPolicy } from '../config/report-policy.js';
import type { Clock } from '../domain/clock.js';
import { errorMessage, type Logger } from '../log.js';
import type { CostActualsStore } from '../store/cost-actuals-store.js';
import { CronTasks } from './cron.js';

export interface CostIngestDeps {
  accounts: readonly Account[];
  clients: { costExplorer(account: Account): CostExplorerClient };
  store: CostActualsStore;
  policy: CostActualsPolicy;
  /** The environment tag key Cost Explorer groups by (discovery.tag_key). */
  tagKey: string;
  clock: Clock;
  logger: Logger;
}

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
    const { accounts, clients, store, policy, tagKey, logger } = this.deps;
    if (!policy.enabled) return { results: [], errors: [] };
    const outcomes = await Promise.all(
      accounts.map(async (account) => {
        try {
          const result = await ingestCostExplorerAccount(clients.costExplorer(account), account.id, now, { store, policy, tagKey });
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

  start(): void {
    if (!this.deps.policy.enabled) return;
    this.cron.add('Cost Explorer ingest', this.deps.policy.cron, () => this.runOnce());
    this.cron.runNow('Cost Explorer ingest', () => this.runOnce());
  }

  stop(): Promise<void> {
    return this.cron.stop();
  }
}
