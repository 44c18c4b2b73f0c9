import type { Clock } from '../domain/clock.js';
import { errorMessage, type Logger } from '../log.js';
import type { ApprovalService } from '../operations/approval-service.js';
import type { AuditStore } from '../store/audit-store.js';
import type { HandledRequests } from '../store/handled-requests.js';
import type { NoticesStore } from '../store/notices-store.js';
import { CronTasks } from './cron.js';

const KEEP_HANDLED_REQUESTS_MS = 24 * 3600_000;
const DAY_MS = 86_400_000;

/**
 * Every minute: expire overdue approval requests (saying so on their messages), forget old request keys,
 * delete audit rows older than the retention period (`audit.retention_days`) and old live-alert claims.
 */
export class Housekeeping {
  private readonly cron: CronTasks;

  constructor(
    private readonly deps: {
      approvals: ApprovalService;
      handled: HandledRequests;
      audit: AuditStore;
      auditRetentionDays: number;
      /** Live-alert claims, kept `keptMs` so nothing is alerted twice, then forgotten. */
      liveAlerts?: { store: Pick<NoticesStore, 'pruneLiveAlerts'>; keptMs: number };
      clock: Clock;
      logger: Logger;
    },
  ) {
    this.cron = new CronTasks(deps.logger);
  }

  async tick(): Promise<void> {
    const { approvals, handled, audit, clock, logger } = this.deps;
    try {
      await approvals.expireDue();
      const now = clock.now().getTime();
      await handled.pruneBefore(new Date(now - KEEP_HANDLED_REQUESTS_MS).toISOString());
      const pruned = await audit.pruneBefore(new Date(now - this.deps.auditRetentionDays * DAY_MS).toISOString());
      if (pruned > 0) logger.info('audit rows past retention deleted', { rows: pruned, retentionDays: this.deps.auditRetentionDays });
      await this.deps.liveAlerts?.store.pruneLiveAlerts(new Date(now - this.deps.liveAlerts.keptMs));
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
