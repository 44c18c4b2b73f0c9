import { and, desc, eq, lt, notInArray } from 'drizzle-orm';
import type { StoppedTask } from '../domain/diagnosis.js';
import type { Db } from './db.js';
import { stoppedTasks, stoppedTaskSamples } from './schema-diagnosis.js';

/** The newest stopped tasks kept per service, and how long any is kept. */
export const STOPPED_TASKS_KEPT = { perService: 10, days: 30 } as const;

const DAY_MS = 86_400_000;

/** What dockhand learned about stopped tasks; ECS forgets them, this does not (within its bounds). */
export class StoppedTasksStore {
  constructor(private readonly db: Db) {}

  has(taskArn: string): boolean {
    return this.db.select({ arn: stoppedTasks.taskArn }).from(stoppedTasks).where(eq(stoppedTasks.taskArn, taskArn)).get() !== undefined;
  }

  /** Keeps new stopped tasks, then trims each service they belong to and everything past retention. */
  record(tasks: readonly StoppedTask[], now: Date): void {
    if (tasks.length === 0) return;
    const cutoff = new Date(now.getTime() - STOPPED_TASKS_KEPT.days * DAY_MS).toISOString();
    this.db.transaction((tx) => {
      for (const task of tasks) tx.insert(stoppedTasks).values(task).onConflictDoNothing().run();
      for (const serviceArn of new Set(tasks.map((t) => t.serviceArn))) {
        const keep = tx
          .select({ arn: stoppedTasks.taskArn })
          .from(stoppedTasks)
          .where(eq(stoppedTasks.serviceArn, serviceArn))
          .orderBy(desc(stoppedTasks.stoppedAt))
          .limit(STOPPED_TASKS_KEPT.perService)
          .all()
          .map((row) => row.arn);
        tx.delete(stoppedTasks).where(and(eq(stoppedTasks.serviceArn, serviceArn), notInArray(stoppedTasks.taskArn, keep))).run();
      }
      tx.delete(stoppedTasks).where(lt(stoppedTasks.stoppedAt, cutoff)).run();
    });
  }

  /** A service's stopped tasks, newest first. */
  forService(serviceArn: string, limit: number = STOPPED_TASKS_KEPT.perService): StoppedTask[] {
    return this.db.select().from(stoppedTasks).where(eq(stoppedTasks.serviceArn, serviceArn)).orderBy(desc(stoppedTasks.stoppedAt)).limit(limit).all();
  }

  /** Remembers how each service's sample went at `at`: `error` null when it was taken. */
  recordSamples(serviceArns: readonly string[], at: Date, error: string | null): void {
    if (serviceArns.length === 0) return;
    const row = { at: at.toISOString(), error: error === null ? null : error.slice(0, 300) };
    this.db.transaction((tx) => {
      for (const serviceArn of serviceArns) {
        tx.insert(stoppedTaskSamples).values({ serviceArn, ...row }).onConflictDoUpdate({ target: stoppedTaskSamples.serviceArn, set: row }).run();
      }
      tx.delete(stoppedTaskSamples).where(lt(stoppedTaskSamples.at, new Date(at.getTime() - STOPPED_TASKS_KEPT.days * DAY_MS).toISOString())).run();
    });
  }

  /** When and why the service's last sample could not be taken; undefined when it was (or none was tried). */
  sampleFailure(serviceArn: string): { at: string; error: string } | undefined {
    const row = this.db.select().from(stoppedTaskSamples).where(eq(stoppedTaskSamples.serviceArn, serviceArn)).get();
    return row?.error ? { at: row.at, error: row.error } : undefined;
  }
}
