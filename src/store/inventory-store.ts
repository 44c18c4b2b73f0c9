import { and, desc, eq, sql } from 'drizzle-orm';
import type { ServiceSnapshot, TaskDefinitionInfo } from '../domain/inventory.js';
import type { Db } from './db.js';
import { inventoryRefreshes, services, taskDefinitions, type FailedLocation } from './schema.js';

export type { FailedLocation };

export interface RefreshRecord {
  startedAt: string;
  finishedAt: string;
  trigger: string;
  awsCalls: number;
  services: number;
  errors: string[];
  failedLocations: FailedLocation[];
}

/**
 * The stored fleet snapshot. Reads come from memory (loaded once, replaced on every save) because every
 * slash command reads it and Slack gives us three seconds; the database is what survives a restart.
 */
export class InventoryStore {
  private snapshot: ServiceSnapshot[];
  private taskDefinitionCache: Map<string, TaskDefinitionInfo>;
  private latestRefresh: RefreshRecord | undefined;
  /** Desired counts dockhand set, by ARN, with the change number they were set at. */
  private readonly setByDockhand = new Map<string, { desired: number; change: number }>();
  private changes = 0;

  constructor(private readonly db: Db) {
    this.taskDefinitionCache = new Map(db.select().from(taskDefinitions).all().map((row) => [row.arn, row]));
    this.snapshot = db.select().from(services).all().map((row) => this.toSnapshot(row));
    this.latestRefresh = db.select().from(inventoryRefreshes).orderBy(desc(inventoryRefreshes.id)).limit(1).get();
  }

  private toSnapshot(row: typeof services.$inferSelect): ServiceSnapshot {
    const taskDefinition = row.taskDefinitionArn ? (this.taskDefinitionCache.get(row.taskDefinitionArn) ?? null) : null;
    return { ...row, taskDefinition };
  }

  services(): readonly ServiceSnapshot[] {
    return this.snapshot;
  }

  taskDefinition(arn: string): TaskDefinitionInfo | undefined {
    return this.taskDefinitionCache.get(arn);
  }

  saveTaskDefinitions(infos: readonly TaskDefinitionInfo[]): void {
    if (infos.length === 0) return;
    this.db.transaction((tx) => {
      for (const info of infos) tx.insert(taskDefinitions).values(info).onConflictDoNothing().run();
    });
    for (const info of infos) this.taskDefinitionCache.set(info.arn, info);
  }

  /** Taken before a refresh reads AWS; passed back to replaceLocation with what it read. */
  changeMark(): number {
    return this.changes;
  }

  /**
   * Replaces the snapshot of one account and region at once, so a reader never sees half a refresh. A
   * desired count dockhand set after the refresh began reading wins over what that refresh read.
   */
  replaceLocation(account: string, region: string, read: readonly ServiceSnapshot[], readSince: number = this.changes): void {
    const fresh = read.map((service) => {
      const set = this.setByDockhand.get(service.arn);
      if (!set) return service;
      if (set.change > readSince) return { ...service, desired: set.desired };
      this.setByDockhand.delete(service.arn);
      return service;
    });
    this.db.transaction((tx) => {
      tx.delete(services).where(and(eq(services.account, account), eq(services.region, region))).run();
      for (const service of fresh) {
        const { taskDefinition: _resolved, ...row } = service;
        tx.insert(services).values(row).run();
      }
    });
    this.snapshot = [...this.snapshot.filter((s) => s.account !== account || s.region !== region), ...fresh];
  }

  /**
   * Records a desired count dockhand just set, so `/env list` shows it at once rather than after the next
   * refresh; running counts catch up when the inventory is read again. Until then the tasks asked for count as
   * pending (ECS is placing them), so the one state classifier says transitioning, not degraded, for the gap.
   */
  setDesired(arn: string, desired: number): void {
    this.setByDockhand.set(arn, { desired, change: ++this.changes });
    const asked = (service: { running: number; pending: number }) => Math.max(service.pending, desired - service.running, 0);
    const before = this.snapshot.find((service) => service.arn === arn);
    this.db.update(services).set(before ? { desired, pending: asked(before) } : { desired }).where(eq(services.arn, arn)).run();
    this.snapshot = this.snapshot.map((service) => (service.arn === arn ? { ...service, desired, pending: asked(service) } : service));
  }

  recordRefresh(record: RefreshRecord): void {
    this.db.insert(inventoryRefreshes).values(record).run();
    this.latestRefresh = record;
  }

  lastRefresh(): RefreshRecord | undefined {
    return this.latestRefresh;
  }

  /** When what the snapshot holds for an account and region was read from AWS; undefined if it holds nothing. */
  locationReadAt(account: string, region: string): string | undefined {
    let latest: string | undefined;
    for (const service of this.snapshot) {
      if (service.account === account && service.region === region && (latest === undefined || service.refreshedAt > latest)) latest = service.refreshedAt;
    }
    return latest;
  }

  /** When the last refresh that read every account and region finished, from the database (another instance may have written it). */
  lastSuccessfulRefreshAt(): string | null {
    const row = this.db
      .select({ finishedAt: inventoryRefreshes.finishedAt })
      .from(inventoryRefreshes)
      .where(sql`${inventoryRefreshes.errors} = '[]'`)
      .orderBy(desc(inventoryRefreshes.id))
      .limit(1)
      .get();
    return row?.finishedAt ?? null;
  }
}
