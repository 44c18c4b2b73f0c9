import type { Clock } from '../domain/clock.js';
import { maxSampleGapFor } from '../domain/cost/estimate.js';
import type { ServiceSnapshot } from '../domain/inventory.js';
import type { CostHistoryStore } from '../store/cost-history-store.js';

const DAY_MS = 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;

export interface InventorySamplerDeps {
  store: CostHistoryStore;
  clock: Clock;
  /** The inventory refresh interval: one sample stands for up to two of them. */
  refreshIntervalMs: number;
  retentionDays: number;
  /** The desired counts dockhand recorded for those of these services it has parked now. */
  parkedDesired?: (serviceArns: readonly string[]) => Promise<ReadonlyMap<string, number>>;
}

export interface SampleRecord {
  started: number;
  extended: number;
  skipped: number;
  pruned: number;
}

/**
 * Turns each inventory refresh into cost samples: call `record` with the snapshot after every refresh.
 * Samples older than the retention are pruned, at most once an hour.
 */
export class InventorySampler {
  private lastPrune = -Infinity;

  constructor(private readonly deps: InventorySamplerDeps) {}

  get maxSampleGapMs(): number {
    return maxSampleGapFor(this.deps.refreshIntervalMs);
  }

  /**
   * With `readAt` (the refresh's start), only the services that refresh read are sampled: a location whose
   * refresh failed keeps its old snapshot, and those tasks must not be counted as running on.
   */
  async record(snapshot: readonly ServiceSnapshot[], readAt?: string): Promise<SampleRecord> {
    const read = readAt === undefined ? snapshot : snapshot.filter((service) => service.refreshedAt === readAt);
    const parked = (await this.deps.parkedDesired?.(read.map((s) => s.arn))) ?? new Map<string, number>();
    const observations = read.map((service) => ({ service, parkedDesired: parked.get(service.arn) ?? null }));
    const counts = await this.deps.store.record(observations, this.maxSampleGapMs);
    const now = this.deps.clock.now().getTime();
    let pruned = 0;
    if (now - this.lastPrune >= PRUNE_EVERY_MS) {
      pruned = await this.deps.store.prune(new Date(now - this.deps.retentionDays * DAY_MS));
      this.lastPrune = now;
    }
    return { ...counts, pruned };
  }
}
