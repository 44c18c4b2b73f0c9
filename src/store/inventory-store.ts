import { and, desc, eq } from 'drizzle-orm';
import type { ServiceSnapshot, TaskDefinitionInfo } from '../domain/inventory.js';
import { chunks, first, type Database } from './database.js';
import type { FailedLocation, services } from './schema.js';

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
  private snapshot: ServiceSnapshot[] = [];
  private taskDefinitionCache = new Map<string, TaskDefinitionInfo>();
  private latestRefresh: RefreshRecord | undefined;
  /** Desired counts dockhand set, by ARN, with the change number they were set at. */
  private readonly setByDockhand = new Map<string, { desired: number; change: number }>();
  private changes = 0;
  /** The newest inventory_refreshes row this snapshot has seen: another replica's refresh adds a newer one. */
  private seenRefreshId: number | null = null;

  private constructor(private readonly database: Database) {}

  /** Reads the stored snapshot into memory. */
  static async load(database: Database): Promise<InventoryStore> {
    const store = new InventoryStore(database);
    await store.read();
    return store;
  }

  private async read(): Promise<void> {
    const { inventoryRefreshes, services, taskDefinitions } = this.database.tables;
    await this.database.run(async (db) => {
      this.taskDefinitionCache = new Map((await db.select().from(taskDefinitions)).map((row) => [row.arn, row]));
      this.snapshot = (await db.select().from(services)).map((row) => this.toSnapshot(row));
      const latest = await first(db.select().from(inventoryRefreshes).orderBy(desc(inventoryRefreshes.id)).limit(1));
      this.latestRefresh = latest;
      this.seenRefreshId = latest?.id ?? null;
    });
  }

  /**
   * A replica that does not refresh (another one leads): reads the snapshot again once a newer refresh is
   * recorded. One indexed read when nothing changed. Returns whether it reloaded.
   */
  async reloadIfChanged(): Promise<boolean> {
    const { inventoryRefreshes } = this.database.tables;
    const latest = await this.database.run((db) => first(db.select({ id: inventoryRefreshes.id }).from(inventoryRefreshes).orderBy(desc(inventoryRefreshes.id)).limit(1)));
    if ((latest?.id ?? null) === this.seenRefreshId) return false;
    await this.read();
    return true;
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

  async saveTaskDefinitions(infos: readonly TaskDefinitionInfo[]): Promise<void> {
    if (infos.length === 0) return;
    const { taskDefinitions } = this.database.tables;
    await this.database.transaction(async (tx) => {
      for (const chunk of chunks(infos)) await tx.insert(taskDefinitions).values([...chunk]).onConflictDoNothing();
    });
    for (const info of infos) this.taskDefinitionCache.set(info.arn, info);
  }

  /** Taken before a refresh reads AWS; passed back to replaceLocation with what it read. */
  changeMark(): number {
    return this.changes;
  }

  /** A desired count dockhand set after change `readSince` wins over what a refresh begun then read. */
  private withOwnChanges(read: readonly ServiceSnapshot[], readSince: number, forget: boolean): ServiceSnapshot[] {
    return read.map((service) => {
      const set = this.setByDockhand.get(service.arn);
      if (!set) return service;
      if (set.change > readSince) return { ...service, desired: set.desired };
      if (forget) this.setByDockhand.delete(service.arn);
      return service;
    });
  }

  /**
   * Replaces the snapshot of one account and region at once, so a reader never sees half a refresh. A
   * desired count dockhand set after the refresh began reading wins over what that refresh read.
   */
  async replaceLocation(account: string, region: string, read: readonly ServiceSnapshot[], readSince: number = this.changes): Promise<void> {
    const { services } = this.database.tables;
    const fresh = await this.database.transaction(async (tx) => {
      // Decided inside the transaction: a desired count set before it began is written with it, one set later after it.
      const rows = this.withOwnChanges(read, readSince, true);
      await tx.delete(services).where(and(eq(services.account, account), eq(services.region, region)));
      for (const chunk of chunks(rows, 100)) await tx.insert(services).values(chunk.map(({ taskDefinition: _resolved, ...row }) => row));
      return rows;
    });
    // Counts set while the transaction ran are in the database already; memory must keep them too.
    const kept = this.withOwnChanges(fresh, readSince, false);
    this.snapshot = [...this.snapshot.filter((s) => s.account !== account || s.region !== region), ...kept];
  }

  /**
   * Records a desired count dockhand just set, so `/env list` shows it at once rather than after the next
   * refresh; running counts catch up when the inventory is read again. Until then the tasks asked for count as
   * pending (ECS is placing them), so the one state classifier says transitioning, not degraded, for the gap.
   */
  async setDesired(arn: string, desired: number): Promise<void> {
    this.setByDockhand.set(arn, { desired, change: ++this.changes });
    const asked = (service: { running: number; pending: number }) => Math.max(service.pending, desired - service.running, 0);
    const before = this.snapshot.find((service) => service.arn === arn);
    // Memory first (synchronously), so a read while the write waits already shows the count.
    this.snapshot = this.snapshot.map((service) => (service.arn === arn ? { ...service, desired, pending: asked(service) } : service));
    const { services } = this.database.tables;
    await this.database.run((db) => db.update(services).set(before ? { desired, pending: asked(before) } : { desired }).where(eq(services.arn, arn)));
  }

  async recordRefresh(record: RefreshRecord): Promise<void> {
    const { inventoryRefreshes } = this.database.tables;
    const [row] = await this.database.run((db) => db.insert(inventoryRefreshes).values(record).returning({ id: inventoryRefreshes.id }));
    this.latestRefresh = record;
    // Our own refresh: the snapshot already holds what it read.
    if (row) this.seenRefreshId = row.id;
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
  async lastSuccessfulRefreshAt(): Promise<string | null> {
    const { inventoryRefreshes } = this.database.tables;
    // The column's own mapping writes `[]` as each dialect stores JSON (text in SQLite, jsonb in Postgres).
    const row = await this.database.run((db) =>
      first(
        db
          .select({ finishedAt: inventoryRefreshes.finishedAt })
          .from(inventoryRefreshes)
          .where(eq(inventoryRefreshes.errors, []))
          .orderBy(desc(inventoryRefreshes.id))
          .limit(1),
      ),
    );
    return row?.finishedAt ?? null;
  }
}
