import { and, eq, isNull } from 'drizzle-orm';
import type { Override } from '../domain/schedules/decide.js';
import { first, type Database } from './database.js';
import type { environmentSchedules, schedulerEnvironments, scheduleOverrides } from './schema-schedules.js';

export type ScheduleSetting = typeof environmentSchedules.$inferSelect;
export type OverrideRow = typeof scheduleOverrides.$inferSelect;
export type SchedulerMemory = typeof schedulerEnvironments.$inferSelect;

/** Schedules set by command, overrides, and what the scheduler remembers between ticks. */
export class SchedulesStore {
  /** Read on every tick and for every environment listed; changed only through this store, so kept in memory. */
  private cachedSettings: Promise<Map<string, ScheduleSetting>> | null = null;

  /** Read for every environment listed: built once. */
  private readonly openOverrideRows: () => Promise<OverrideRow[]>;

  constructor(private readonly database: Database) {
    const { scheduleOverrides } = database.tables;
    this.openOverrideRows = database.prepared('dockhand_overrides_open', (db) => db.select().from(scheduleOverrides).where(isNull(scheduleOverrides.endedAt)));
  }

  private get t() {
    return this.database.tables;
  }

  settings(): Promise<ReadonlyMap<string, ScheduleSetting>> {
    const { environmentSchedules } = this.t;
    const read = (this.cachedSettings ??= this.database.run(async (db) => new Map((await db.select().from(environmentSchedules)).map((row) => [row.environment, row]))));
    // A failed read is not kept: the next call reads again.
    read.catch(() => {
      if (this.cachedSettings === read) this.cachedSettings = null;
    });
    return read;
  }

  async setSchedule(row: ScheduleSetting): Promise<void> {
    const { environmentSchedules } = this.t;
    this.cachedSettings = null;
    await this.database.run((db) => db.insert(environmentSchedules).values(row).onConflictDoUpdate({ target: environmentSchedules.environment, set: row }));
    this.cachedSettings = null;
  }

  async clearSchedule(environment: string): Promise<void> {
    const { environmentSchedules } = this.t;
    this.cachedSettings = null;
    await this.database.run((db) => db.delete(environmentSchedules).where(eq(environmentSchedules.environment, environment)));
    this.cachedSettings = null;
  }

  /** The open override of each environment (at most one is open: opening one ends the previous). */
  async openOverrides(): Promise<Map<string, OverrideRow>> {
    const rows = await this.openOverrideRows();
    return new Map(rows.map((row) => [row.environment, row]));
  }

  openOverride(environment: string, override: Override, createdBy: string, now: string): Promise<OverrideRow> {
    const { scheduleOverrides } = this.t;
    return this.database.transaction(async (tx) => {
      await tx.update(scheduleOverrides).set({ endedAt: now }).where(and(eq(scheduleOverrides.environment, environment), isNull(scheduleOverrides.endedAt)));
      const [row] = await tx
        .insert(scheduleOverrides)
        .values({ environment, kind: override.kind, until: override.until.toISOString(), reason: override.reason, createdBy, createdAt: now })
        .returning();
      return row!;
    });
  }

  async endOverride(environment: string, now: string): Promise<void> {
    const { scheduleOverrides } = this.t;
    await this.database.run((db) => db.update(scheduleOverrides).set({ endedAt: now }).where(and(eq(scheduleOverrides.environment, environment), isNull(scheduleOverrides.endedAt))));
  }

  async memory(): Promise<Map<string, SchedulerMemory>> {
    const { schedulerEnvironments } = this.t;
    const rows = await this.database.run((db) => db.select().from(schedulerEnvironments));
    return new Map(rows.map((row) => [row.environment, row]));
  }

  async remember(row: SchedulerMemory): Promise<void> {
    const { schedulerEnvironments } = this.t;
    await this.database.run((db) => db.insert(schedulerEnvironments).values(row).onConflictDoUpdate({ target: schedulerEnvironments.environment, set: row }));
  }

  async lastTick(): Promise<Date | null> {
    const { schedulerTicks } = this.t;
    const row = await this.database.run((db) => first(db.select().from(schedulerTicks).where(eq(schedulerTicks.id, 1)).limit(1)));
    return row ? new Date(row.lastTickAt) : null;
  }

  async setLastTick(at: Date): Promise<void> {
    const { schedulerTicks } = this.t;
    const row = { id: 1, lastTickAt: at.toISOString() };
    await this.database.run((db) => db.insert(schedulerTicks).values(row).onConflictDoUpdate({ target: schedulerTicks.id, set: row }));
  }
}

export function overrideOf(row: OverrideRow | undefined): Override | null {
  return row ? { kind: row.kind, until: new Date(row.until), reason: row.reason } : null;
}
