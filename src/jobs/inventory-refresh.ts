import pLimit from 'p-limit';
import { withDeadline } from '../aws/call-scope.js';
import { INVENTORY_SCOPE, type AwsClients } from '../aws/clients.js';
import { readRegionInventory } from '../aws/ecs/inventory.js';
import { readStoppedTasks } from '../aws/ecs/stopped-tasks.js';
import { explainAwsError } from '../aws/errors.js';
import type { Account } from '../config/policy.js';
import type { Clock } from '../domain/clock.js';
import { isHealthy } from '../domain/diagnosis.js';
import type { ServiceSnapshot, TaskDefinitionInfo } from '../domain/inventory.js';
import type { EnvironmentRules } from '../domain/environments.js';
import { errorMessage, type Logger } from '../log.js';
import type { InventoryStore, RefreshRecord } from '../store/inventory-store.js';
import type { StoppedTasksStore } from '../store/stopped-tasks-store.js';

/** Services whose stopped tasks are read at once in one account and region. */
const STOPPED_TASK_SAMPLES_AT_ONCE = 4;

export interface InventoryRefresherDeps {
  accounts: readonly Account[];
  rules: EnvironmentRules;
  aws: AwsClients;
  store: InventoryStore;
  clock: Clock;
  logger: Logger;
  /** How long reading one account and region may take, every page and retry included. */
  deadlineMs: number;
  /** Runs after every refresh, periodic or asked for (cost samples, anomaly checks); its failures are logged. */
  onRefreshed?: (record: RefreshRecord) => void | Promise<void>;
  /** Where the stopped tasks of services that are not healthy are kept (`/env why`); none sampled without it. */
  stoppedTasks?: StoppedTasksStore;
}

/**
 * Reads every account and region into the store. A location that fails keeps its previous snapshot and is
 * named in the refresh record. One refresh runs at a time; a request made while one runs gets one more run
 * after it (the running one may have read AWS before the change the caller wants to see), and any further
 * requests join that queued run.
 */
export class InventoryRefresher {
  private inFlight: Promise<RefreshRecord> | null = null;
  private queued: Promise<RefreshRecord> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: InventoryRefresherDeps) {}

  refresh(trigger: string): Promise<RefreshRecord> {
    if (!this.inFlight) {
      this.inFlight = this.run(trigger).finally(() => {
        this.inFlight = null;
      });
      return this.inFlight;
    }
    this.queued ??= this.inFlight
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        return this.refresh(trigger);
      });
    return this.queued;
  }

  /**
   * A refresh someone asked for (`/env refresh`): within `cooldownMs` of the last finished one, with none
   * running or queued, that one is the answer (`reused`) and AWS is not read again.
   */
  async refreshAsked(trigger: string, cooldownMs: number): Promise<{ record: RefreshRecord; reused: boolean }> {
    const last = this.deps.store.lastRefresh();
    if (last && !this.inFlight && !this.queued && this.deps.clock.now().getTime() - Date.parse(last.finishedAt) < cooldownMs) return { record: last, reused: true };
    return { record: await this.refresh(trigger), reused: false };
  }

  private async run(trigger: string): Promise<RefreshRecord> {
    const { accounts, aws, store, clock, rules, logger } = this.deps;
    const startedAt = clock.now();
    const callsBefore = aws.counter.total(INVENTORY_SCOPE);
    const locations = accounts.flatMap((account) => account.regions.map((region) => ({ account, region })));
    const outcomes = await Promise.all(
      locations.map(async ({ account, region }) => {
        // Kept even when the read runs out of time: the next refresh describes only the rest (a first read of
        // thousands of services that cannot finish in one deadline still gets there).
        const learnt: TaskDefinitionInfo[] = [];
        try {
          const mark = store.changeMark();
          const result = await withDeadline(this.deps.deadlineMs, `reading ${account.name} ${region}`, () =>
            readRegionInventory(aws.ecs(account, region), {
              account: account.id,
              region,
              rules,
              knownTaskDefinition: (arn) => store.taskDefinition(arn),
              onTaskDefinition: (info) => learnt.push(info),
              now: startedAt,
            }),
          );
          await store.saveTaskDefinitions(result.newTaskDefinitions);
          await store.replaceLocation(account.id, region, result.services, mark);
          await this.sampleStoppedTasks(account, region, result.services, startedAt);
          return { services: result.services.length, error: null, failure: null };
        } catch (error) {
          if (learnt.length > 0) await store.saveTaskDefinitions(learnt);
          const message = `${account.name} (${account.id}) ${region}: ${errorMessage(error)}`;
          logger.warn('inventory refresh failed for a location; keeping its previous snapshot', { account: account.id, region, error: errorMessage(error) });
          return { services: 0, error: message, failure: { account: account.id, accountName: account.name, region, error: errorMessage(error) } };
        }
      }),
    );
    const record: RefreshRecord = {
      startedAt: startedAt.toISOString(),
      finishedAt: clock.now().toISOString(),
      trigger,
      awsCalls: aws.counter.total(INVENTORY_SCOPE) - callsBefore,
      services: outcomes.reduce((sum, o) => sum + o.services, 0),
      errors: outcomes.flatMap((o) => (o.error ? [o.error] : [])),
      failedLocations: outcomes.flatMap((o) => (o.failure ? [o.failure] : [])),
    };
    await store.recordRefresh(record);
    logger.info('inventory refreshed', { trigger, awsCalls: record.awsCalls, services: record.services, errors: record.errors.length });
    try {
      await this.deps.onRefreshed?.(record);
    } catch (error) {
      logger.error('after-refresh work failed', { error: errorMessage(error) });
    }
    return record;
  }

  /**
   * Reads the newest stopped tasks of each service that is not healthy (one ListTasks, and one DescribeTasks
   * when some are new): a healthy fleet costs nothing more. A failure here costs the sample, not the snapshot.
   */
  private async sampleStoppedTasks(account: Account, region: string, services: readonly ServiceSnapshot[], now: Date): Promise<void> {
    const kept = this.deps.stoppedTasks;
    if (!kept) return;
    const unhealthy = services.filter((service) => !isHealthy(service));
    if (unhealthy.length === 0) return;
    const ecs = this.deps.aws.ecs(account, region);
    // Which samples were taken, so `/env why` can tell "none stopped" from "could not be read".
    const sampled: string[] = [];
    try {
      await withDeadline(this.deps.deadlineMs, `reading stopped tasks in ${account.name} ${region}`, async () => {
        const limit = pLimit(STOPPED_TASK_SAMPLES_AT_ONCE);
        await Promise.all(
          unhealthy.map((service) =>
            limit(async () => {
              const tasks = await readStoppedTasks(ecs, {
                cluster: service.cluster,
                serviceName: service.name,
                serviceArn: service.arn,
                known: (arn) => kept.has(arn),
                memoryMiB: service.taskDefinition?.memoryMiB ?? null,
              });
              await kept.record(tasks, now);
              sampled.push(service.arn);
            }),
          ),
        );
      });
    } catch (error) {
      this.deps.logger.warn('stopped tasks could not be sampled', { account: account.id, region, error: errorMessage(error) });
      await kept.recordSamples(unhealthy.filter((service) => !sampled.includes(service.arn)).map((service) => service.arn), now, explainAwsError(error, 'ecs:ListTasks').message);
    }
    await kept.recordSamples(sampled, now, null);
  }

  /** Refreshes every `intervalMs`; a tick that finds a refresh still running joins it instead of stacking. */
  start(intervalMs: number): void {
    this.stop();
    this.timer = setInterval(() => void this.refresh('interval').catch(() => undefined), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Waits for a refresh in flight, so shutting down does not cut it off half-way. */
  /** Whether a refresh of this process is running or queued. */
  get busy(): boolean {
    return this.inFlight !== null || this.queued !== null;
  }

  async settled(): Promise<void> {
    while (this.inFlight || this.queued) await (this.queued ?? this.inFlight)?.catch(() => undefined);
  }
}
