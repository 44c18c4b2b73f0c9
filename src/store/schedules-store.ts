import { and, eq, isNull } from 'drizzle-orm';
import type { Override } from '../domain/schedules/decide.js';
import type { Db } from './db.js';
import { environmentSchedules, schedulerEnvironments, schedulerTicks, scheduleOverrides } from './schema-schedules.js';

export type ScheduleSetting = typeof environmentSchedules.$inferSelect;
export type OverrideRow = typeof scheduleOverrides.$inferSelect;
export type SchedulerMemory = typeof schedulerEnvironments.$inferSelect;

/** Schedules set by command, overrides, and what the scheduler remembers between ticks. */
export class SchedulesStore {
  /** Read on every tick and for every environment listed; changed only through this store, so kept in memory. */
  private cachedSettings: Map<string, ScheduleSetting> | null = null;

  /** Read for every environment listed: prepared once. */
  private readonly openOverridesQuery;

  constructor(private readonly db: Db) {
    this.openOverridesQuery = db.select().from(scheduleOverrides).where(isNull(scheduleOverrides.endedAt)).prepare();
  }

  settings(): ReadonlyMap<string, ScheduleSetting> {
    this.cachedSettings ??= new Map(this.db.select().from(environmentSchedules).all().map((row) => [row.environment, row]));
    return this.cachedSettings;
  }

  setSchedule(row: ScheduleSetting): void {
    this.db.insert(environmentSchedules).values(row).onConflictDoUpdate({ target: environmentSchedules.environment, set: row }).run();
    this.cachedSettings = null;
  }

  clearSchedule(environment: string): void {
    this.db.delete(environmentSchedules).where(eq(environmentSchedules.environment, environment)).run();
    this.cachedSettings = null;
  }

  /** The open override of each environment (at most one is open: opening one ends the previous). */
  openOverrides(): Map<string, OverrideRow> {
    return new Map(this.openOverridesQuery.all().map((row) => [row.environment, row]));
  }

  openOverride(environment: string, override: Override, createdBy: string, now: string): OverrideRow {
    return this.db.transaction((tx) => {
      tx.update(scheduleOverrides).set({ endedAt: now }).where(and(eq(scheduleOverrides.environment, environment), isNull(scheduleOverrides.endedAt))).run();
      return tx
        .insert(scheduleOverrides)
        .values({ environment, kind: override.kind, until: override.until.toISOString(), reason: override.reason, createdBy, createdAt: now })
        .returning()
        .get();
    });
  }

  endOverride(environment: string, now: string): void {
    this.db.update(scheduleOverrides).set({ endedAt: now }).where(and(eq(scheduleOverrides.environment, environment), isNull(scheduleOverrides.endedAt))).run();
  }

  memory(): Map<string, SchedulerMemory> {
    return new Map(this.db.select().from(schedulerEnvironments).all().map((row) => [row.environment, row]));
  }

  remember(row: SchedulerMemory): void {
    this.db.insert(schedulerEnvironments).values(row).onConflictDoUpdate({ target: schedulerEnvironments.environment, set: row }).run();
  }

  lastTick(): Date | null {
    const row = this.db.select().from(schedulerTicks).where(eq(schedulerTicks.id, 1)).get();
    return row ? new Date(row.lastTickAt) : null;
  }

  setLastTick(at: Date): void {
    const row = { id: 1, lastTickAt: at.toISOString() };
    this.db.insert(schedulerTicks).values(row).onConflictDoUpdate({ target: schedulerTicks.id, set: row }).run();
  }
}

export function overrideOf(row: OverrideRow | undefined): Override | null {
  return row ? { kind: row.kind, until: new Date(row.until), reason: row.reason } : null;
}
