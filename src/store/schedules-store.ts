import { and, eq, isNull } from 'drizzle-orm';
import type { Override } from '../domain/schedules/decide.js';
import { first, type Database } from './database.js';
import { KeptRead } from './kept-read.js';
import type { environmentSchedules, schedulerEnvironments, scheduleOverrides } from './schema-schedules.js';

export type ScheduleSetting = typeof environmentSchedules.$inferSelect;
export type OverrideRow = typeof scheduleOverrides.$inferSelect;
export type SchedulerMemory = typeof schedulerEnvironments.$inferSelect;

/** Schedules set by command, overrides, and what the scheduler remembers between ticks. */
export class SchedulesStore {
  /** Read on every tick and for every environment listed. */
  private readonly keptSettings: KeptRead<ReadonlyMap<string, ScheduleSetting>>;
  /** Read for every environment listed. */
  private readonly keptOverrides: KeptRead<ReadonlyMap<string, OverrideRow>>;

  constructor(private readonly database: Database) {
    const { environmentSchedules, scheduleOverrides } = database.tables;
    const openOverrideRows = database.prepared('dockhand_overrides_open', (db) => db.select().from(scheduleOverrides).where(isNull(scheduleOverrides.endedAt)));
    this.keptSettings = new KeptRead(() => database.run(async (db) => new Map((await db.select().from(environmentSchedules)).map((row) => [row.environment, row]))), database);
    this.keptOverrides = new KeptRead(async () => new Map((await openOverrideRows()).map((row) => [row.environment, row])), database);
  }

  private get t() {
    return this.database.tables;
  }

  /** The same map while nothing changed (SQLite): callers may key what they derive from it on it. */
  settings(): Promise<ReadonlyMap<string, ScheduleSetting>> {
    return this.keptSettings.current();
  }

  setSchedule(row: ScheduleSetting): Promise<void> {
    const { environmentSchedules } = this.t;
    return this.keptSettings.around(async () => {
      await this.database.run((db) => db.insert(environmentSchedules).values(row).onConflictDoUpdate({ target: environmentSchedules.environment, set: row }));
    });
  }

  clearSchedule(environment: string): Promise<void> {
    const { environmentSchedules } = this.t;
    return this.keptSettings.around(async () => {
      await this.database.run((db) => db.delete(environmentSchedules).where(eq(environmentSchedules.environment, environment)));
    });
  }

  /** The open override of each environment (at most one is open: opening one ends the previous); the same map while nothing changed. */
  openOverrides(): Promise<ReadonlyMap<string, OverrideRow>> {
    return this.keptOverrides.current();
  }

  openOverride(environment: string, override: Override, createdBy: string, now: string): Promise<OverrideRow> {
    const { scheduleOverrides } = this.t;
    return this.keptOverrides.around(() => this.database.transaction(async (tx) => {
      await tx.update(scheduleOverrides).set({ endedAt: now }).where(and(eq(scheduleOverrides.environment, environment), isNull(scheduleOverrides.endedAt)));
      const [row] = await tx
        .insert(scheduleOverrides)
        .values({ environment, kind: override.kind, until: override.until.toISOString(), reason: override.reason, createdBy, createdAt: now })
        .returning();
      return row!;
    }));
  }

  endOverride(environment: string, now: string): Promise<void> {
    const { scheduleOverrides } = this.t;
    return this.keptOverrides.around(async () => {
      await this.database.run((db) => db.update(scheduleOverrides).set({ endedAt: now }).where(and(eq(scheduleOverrides.environment, environment), isNull(scheduleOverrides.endedAt))));
    });
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
