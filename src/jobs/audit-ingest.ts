import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { readTrail, type DecodeContextFor, type TrailRead } from '../aws/cloudtrail/lookup-events.js';
import type { Account } from '../config/policy.js';
import type { CloudTrailPolicy } from '../config/report-policy.js';
import type { Clock } from '../domain/clock.js';
import { decodeRecord, DEFAULT_DOCKHAND_SESSION_PREFIX, type DecodeContext, type ServiceTarget } from '../domain/trail/decode.js';
import type { EnvironmentRules } from '../domain/environments.js';
import type { ServiceSnapshot } from '../domain/inventory.js';
import { environmentLocator } from '../domain/trail/changes.js';
import { errorMessage, type Logger } from '../log.js';
import type { AuditStore } from '../store/audit-store.js';
import type { CostHistoryStore } from '../store/cost-history-store.js';
import type { OperationsStore } from '../store/operations-store.js';
import type { TrailLocation, TrailStore } from '../store/trail-store.js';
import { CronTasks } from './cron.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export interface AuditIngestDeps {
  accounts: readonly Account[];
  clients: { cloudTrail(account: Account, region: string): Promise<CloudTrailClient> };
  store: TrailStore;
  /** Desired counts before a change, and whether dockhand had a service parked, from the samples. */
  history: Pick<CostHistoryStore, 'desiredBefore' | 'parkedAt'>;
  /**
   * The services dockhand has parked now: Auto Scaling clamping one to zero is dockhand's park taking effect,
   * even before an inventory sample has seen it parked.
   */
  parked?: Pick<OperationsStore, 'parkedSince'>;
  /** dockhand's own AWS calls by request id, to know them in the trail. */
  audit: Pick<AuditStore, 'ownCall'>;
  /** The current inventory, to place events in environments. */
  services: () => readonly ServiceSnapshot[];
  rules: EnvironmentRules;
  policy: CloudTrailPolicy;
  maxSampleGapMs: number;
  /** Called after every run with what it stored (the live alerts of CloudTrail flags); its failure is logged, not the run's. */
  onIngested?: (run: AuditIngestRun, now: Date) => Promise<unknown>;
  clock: Clock;
  logger: Logger;
}

/** What one location's run read (its changes stored), and how many of them were new. */
export type TrailIngestResult = Omit<TrailRead, 'changes'> & {
  location: TrailLocation;
  /** Events not stored before. */
  added: number;
};

export interface AuditIngestRun {
  results: TrailIngestResult[];
  /** One line per location that failed; the others are stored. */
  errors: string[];
}

/** Every account, region and event source the ingest reads, with how people name it. */
export function trailLocationsOf(accounts: readonly Account[], policy: CloudTrailPolicy) {
  return accounts.flatMap((account) =>
    account.regions.flatMap((region) =>
      policy.event_sources.map((eventSource) => ({ account, region, eventSource, label: `${account.name} (${account.id}) ${region} ${eventSource}` })),
    ),
  );
}

/** Reads older than this mean the ingest has stopped: a few missed runs, plus the overlap it reads again. */
export function trailStaleMsOf(policy: CloudTrailPolicy): number {
  return (3 * policy.every_minutes + policy.overlap_minutes) * MINUTE_MS;
}

/** Who changed what: every few minutes, each account, region and event source from its cursor. */
export class AuditIngestJob {
  private inFlight: Promise<AuditIngestRun> | null = null;
  private lastPrune = -Infinity;
  private readonly cron: CronTasks;

  constructor(private readonly deps: AuditIngestDeps) {
    this.cron = new CronTasks(deps.logger);
  }

  /**
   * The decoder is pure and synchronous; what it asks of the database (own calls, earlier desired counts,
   * whether dockhand had a service parked) is found by a first pass that only records the questions, read
   * from the database, then answered from memory in the real pass.
   */
  private decodeContext(): DecodeContextFor {
    const { history, maxSampleGapMs } = this.deps;
    const environmentOf = environmentLocator(this.deps.services(), this.deps.rules);
    const key = (target: ServiceTarget, at: Date) => JSON.stringify([target.accountId, target.region, target.cluster, target.service, at.getTime()]);
    return async (records) => {
      const own = new Set<string>();
      const desired = new Map<string, { target: ServiceTarget; at: Date }>();
      const parked = new Map<string, { target: ServiceTarget; at: Date }>();
      const asking: DecodeContext = {
        dockhandSessionPrefix: DEFAULT_DOCKHAND_SESSION_PREFIX,
        environmentOf,
        ownCall: (requestId) => void own.add(requestId),
        lastDesiredCount: (target, at) => {
          desired.set(key(target, at), { target, at });
          return null;
        },
        isParked: (target, at) => {
          parked.set(key(target, at), { target, at });
          return false;
        },
      };
      for (const record of records) decodeRecord(record, asking);
      const ownCalls = new Map(await Promise.all([...own].map(async (id) => [id, await this.deps.audit.ownCall(id)] as const)));
      const desiredCounts = new Map(await Promise.all([...desired].map(async ([k, q]) => [k, await history.desiredBefore(q.target, q.at)] as const)));
      const parkedAt = new Map(await Promise.all([...parked].map(async ([k, q]) => [k, (await history.parkedAt(q.target, q.at, maxSampleGapMs)) || (await this.parkedBy(q.target, q.at))] as const)));
      return {
        dockhandSessionPrefix: DEFAULT_DOCKHAND_SESSION_PREFIX,
        environmentOf,
        ownCall: (requestId) => ownCalls.get(requestId),
        lastDesiredCount: (target, at) => desiredCounts.get(key(target, at)) ?? null,
        isParked: (target, at) => parkedAt.get(key(target, at)) ?? false,
      };
    };
  }

  private async parkedBy(target: ServiceTarget, at: Date): Promise<boolean> {
    if (!target.accountId || !this.deps.parked) return false;
    const since = await this.deps.parked.parkedSince({ account: target.accountId, region: target.region, cluster: target.cluster, service: target.service });
    return since !== undefined && new Date(since).getTime() <= at.getTime();
  }

  /** A run already going is joined rather than doubled. */
  runOnce(now: Date = this.deps.clock.now()): Promise<AuditIngestRun> {
    this.inFlight ??= this.run(now).finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async run(now: Date): Promise<AuditIngestRun> {
    const { accounts, policy, store, logger } = this.deps;
    const decodeContext = this.decodeContext();
    const outcomes = await Promise.all(
      trailLocationsOf(accounts, policy).map(async ({ account, region, eventSource, label }) => {
        try {
          const client = await this.deps.clients.cloudTrail(account, region);
          const result = await this.ingestLocation(client, { account: account.id, region, eventSource }, now, decodeContext);
          if (result.undecodable.length > 0) logger.warn('CloudTrail records skipped', { account: account.id, region, skipped: result.undecodable.slice(0, 5) });
          return { result };
        } catch (error) {
          logger.warn('CloudTrail ingest failed for a location; its cursor stays', { account: account.id, region, eventSource, error: errorMessage(error) });
          await store.recordFailure({ account: account.id, region, eventSource }, now, errorMessage(error)).catch((failure) => logger.error('could not record the CloudTrail failure', { error: errorMessage(failure) }));
          return { error: `${label}: ${errorMessage(error)}` };
        }
      }),
    );
    if (now.getTime() - this.lastPrune >= DAY_MS) {
      await store.prune(new Date(now.getTime() - policy.retention_days * DAY_MS));
      this.lastPrune = now.getTime();
    }
    const results = outcomes.flatMap((o) => (o.result ? [o.result] : []));
    logger.info('CloudTrail ingested', { requests: results.reduce((n, r) => n + r.requests, 0), added: results.reduce((n, r) => n + r.added, 0) });
    const ingested = { results, errors: outcomes.flatMap((o) => (o.error ? [o.error] : [])) };
    await this.deps.onIngested?.(ingested, now).catch((error: unknown) => logger.warn('after the CloudTrail ingest', { error: errorMessage(error) }));
    return ingested;
  }

  /** Reads one account, region and event source from its cursor to `now`, and stores what is new. */
  private async ingestLocation(client: CloudTrailClient, location: TrailLocation, now: Date, decodeContext: DecodeContextFor): Promise<TrailIngestResult> {
    const { store, policy } = this.deps;
    const cursor = await store.cursor(location);
    const end = now.getTime();
    // Each run starts again a little before the last one ended, for events CloudTrail delivers late.
    const overlapMs = policy.overlap_minutes * MINUTE_MS;
    const start = Math.min(cursor ? cursor.endMs - overlapMs : end - policy.first_lookback_hours * 60 * MINUTE_MS, end);
    const { changes, ...read } = await readTrail(client, { eventSource: location.eventSource, start: new Date(start), end: now }, decodeContext);
    const added = await store.save(location, changes, { startMs: start, endMs: end, requests: read.requests, events: read.events });
    return { location, ...read, added };
  }

  start(): void {
    this.cron.add('CloudTrail ingest', `*/${this.deps.policy.every_minutes} * * * *`, () => this.runOnce());
  }

  stop(): Promise<void> {
    return this.cron.stop();
  }
}
