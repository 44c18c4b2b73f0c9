import { groupEnvironments, type Environment, type EnvironmentRules } from '../domain/environments.js';
import type { ServiceSnapshot } from '../domain/inventory.js';
import { environmentsParkedByTag } from '../domain/park-tag.js';
import type { InventoryStore, RefreshRecord } from './inventory-store.js';

/** Environments as grouped from the stored snapshot; regrouped only when a refresh replaced the snapshot. */
export class Fleet {
  private groupedFrom: readonly ServiceSnapshot[] | null = null;
  private grouped: Environment[] = [];
  private byName = new Map<string, Environment>();
  private orphans = 0;

  constructor(
    private readonly store: InventoryStore,
    private readonly rules: EnvironmentRules,
    /** Environments the database holds park records for. */
    private readonly parkRecords: () => Promise<ReadonlySet<string>> = async () => new Set(),
  ) {}

  /**
   * Environments dockhand parked: by the database's records, or by the park tags on their services when the
   * database has lost them (the tags go when the environment is started).
   */
  async parkedEnvironments(): Promise<Set<string>> {
    return new Set([...(await this.parkRecords()), ...environmentsParkedByTag(this.store.services())]);
  }

  /** The same array while the snapshot stands: what a command derives from it can be kept on it. */
  environments(): readonly Environment[] {
    const snapshot = this.store.services();
    if (snapshot !== this.groupedFrom) {
      this.grouped = groupEnvironments(this.rules, snapshot);
      this.byName = new Map(this.grouped.map((env) => [env.name, env]));
      this.orphans = snapshot.filter((s) => s.environment === null).length;
      this.groupedFrom = snapshot;
    }
    return this.grouped;
  }

  environment(name: string): Environment | undefined {
    this.environments();
    return this.byName.get(name);
  }

  orphanServices(): number {
    this.environments();
    return this.orphans;
  }

  lastRefresh(): RefreshRecord | undefined {
    return this.store.lastRefresh();
  }

  locationReadAt(account: string, region: string): string | undefined {
    return this.store.locationReadAt(account, region);
  }
}
