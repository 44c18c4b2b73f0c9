import type { Clock } from '../domain/clock.js';
import { errorMessage, type Logger } from '../log.js';
import type { ApprovalService } from '../operations/approval-service.js';
import type { HandledRequests } from '../store/handled-requests.js';
import { CronTasks } from './cron.js';

const KEEP_HANDLED_REQUESTS_MS = 24 * 3600_000;

/** Every minute: expire overdue approval requests (saying so on their messages) and forget old request keys. */
export class Housekeeping {
  private readonly cron: CronTasks;

  constructor(private readonly deps: { approvals: ApprovalService; handled: HandledRequests; clock: Clock; logger: Logger }) {
    this.cron = new CronTasks(deps.logger);
  }

  async tick(): Promise<void> {
    const { approvals, handled, clock, logger } = this.deps;
    try {
      await approvals.expireDue();
      handled.pruneBefore(new Date(clock.now().getTime() - KEEP_HANDLED_REQUESTS_MS).toISOString());
    } catch (error) {
      logger.error('housekeeping failed', { error: errorMessage(error) });
    }
  }

  start(): void {
    this.cron.add('housekeeping', '* * * * *', () => this.tick());
  }

  stop(): Promise<void> {
    return this.cron.stop();
  }
}
