import { and, desc, eq, lt, notInArray } from 'drizzle-orm';
import type { StoppedTask } from '../domain/diagnosis.js';
import { first, type Database } from './database.js';

/** The newest stopped tasks kept per service, and how long any is kept. */
export const STOPPED_TASKS_KEPT = { perService: 10, days: 30 } as const;

const DAY_MS = 86_400_000;

/** What dockhand learned about stopped tasks; ECS forgets them, this does not (within its bounds). */
export class StoppedTasksStore {
  constructor(private readonly database: Database) {}

  async has(taskArn: string): Promise<boolean> {
    const { stoppedTasks } = this.database.tables;
    return (await this.database.run((db) => first(db.select({ arn: stoppedTasks.taskArn }).from(stoppedTasks).where(eq(stoppedTasks.taskArn, taskArn)).limit(1)))) !== undefined;
  }

  /** Keeps new stopped tasks, then trims each service they belong to and everything past retention. */
  async record(tasks: readonly StoppedTask[], now: Date): Promise<void> {
    if (tasks.length === 0) return;
    const { stoppedTasks } = this.database.tables;
    const cutoff = new Date(now.getTime() - STOPPED_TASKS_KEPT.days * DAY_MS).toISOString();
    await this.database.transaction(async (tx) => {
      for (const task of tasks) await tx.insert(stoppedTasks).values(task).onConflictDoNothing();
      for (const serviceArn of new Set(tasks.map((t) => t.serviceArn))) {
        const keep = (
          await tx
            .select({ arn: stoppedTasks.taskArn })
            .from(stoppedTasks)
            .where(eq(stoppedTasks.serviceArn, serviceArn))
            .orderBy(desc(stoppedTasks.stoppedAt))
            .limit(STOPPED_TASKS_KEPT.perService)
        ).map((row) => row.arn);
        await tx.delete(stoppedTasks).where(and(eq(stoppedTasks.serviceArn, serviceArn), notInArray(stoppedTasks.taskArn, keep)));
      }
      await tx.delete(stoppedTasks).where(lt(stoppedTasks.stoppedAt, cutoff));
    });
  }

  /** A service's stopped tasks, newest first. */
  forService(serviceArn: string, limit: number = STOPPED_TASKS_KEPT.perService): Promise<StoppedTask[]> {
    const { stoppedTasks } = this.database.tables;
    return this.database.run((db) => db.select().from(stoppedTasks).where(eq(stoppedTasks.serviceArn, serviceArn)).orderBy(desc(stoppedTasks.stoppedAt)).limit(limit));
  }

  /** Remembers how each service's sample went at `at`: `error` null when it was taken. */
  async recordSamples(serviceArns: readonly string[], at: Date, error: string | null): Promise<void> {
    if (serviceArns.length === 0) return;
    const { stoppedTaskSamples } = this.database.tables;
    const row = { at: at.toISOString(), error: error === null ? null : error.slice(0, 300) };
    await this.database.transaction(async (tx) => {
      for (const serviceArn of serviceArns) {
        await tx.insert(stoppedTaskSamples).values({ serviceArn, ...row }).onConflictDoUpdate({ target: stoppedTaskSamples.serviceArn, set: row });
      }
      await tx.delete(stoppedTaskSamples).where(lt(stoppedTaskSamples.at, new Date(at.getTime() - STOPPED_TASKS_KEPT.days * DAY_MS).toISOString()));
    });
  }

  /** When and why the service's last sample could not be taken; undefined when it was (or none was tried). */
  async sampleFailure(serviceArn: string): Promise<{ at: string; error: string } | undefined> {
    const { stoppedTaskSamples } = this.database.tables;
    const row = await this.database.run((db) => first(db.select().from(stoppedTaskSamples).where(eq(stoppedTaskSamples.serviceArn, serviceArn)).limit(1)));
    return row?.error ? { at: row.at, error: row.error } : undefined;
  }
}
