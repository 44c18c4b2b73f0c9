import cron, { type ScheduledTask } from 'node-cron';
import { errorMessage, type Logger } from '../log.js';

/**
 * A job's node-cron tasks: a run still going when the next is due is skipped, failures are logged, and
 * stopping waits for runs in flight, so shutting down never cuts one off half-way.
 */
export class CronTasks {
  private tasks: ScheduledTask[] = [];
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly logger: Logger) {}

  /** Runs now, outside the schedule, tracked like a scheduled run. */
  runNow(name: string, run: () => Promise<unknown>): void {
    const done = run()
      .catch((error: unknown) => this.logger.error(`${name} failed`, { error: errorMessage(error) }))
      .finally(() => this.running.delete(done));
    this.running.add(done);
  }

  add(name: string, expression: string, run: () => Promise<unknown>, timeZone = 'UTC'): void {
    const task = cron.schedule(expression, () => this.runNow(name, run), { name, timezone: timeZone, noOverlap: true });
    this.tasks.push(task);
  }

  async stop(): Promise<void> {
    for (const task of this.tasks) void task.destroy();
    this.tasks = [];
    await Promise.all([...this.running]);
  }
}
