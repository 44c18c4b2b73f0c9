import type { Notice } from '../../domain/notices.js';
import { liveAlertReply } from './alerts.js';
import { approvalOutcomeText, approvalRequestReply, requesterNewsReply } from './approval.js';
import type { Reply } from './common.js';
import { anomalyAlertReply } from './cost.js';
import { digestMessages } from './digest.js';
import type { OwnerMentions } from './format.js';
import { operationReply } from './operation.js';
import { schedulerReportReply, warningReply } from './scheduler.js';

/**
 * A notice as the messages Slack gets: the first is posted (and updated), the rest go into its thread in
 * order (only a digest longer than Slack's 50 blocks has any).
 */
export function noticeMessages(notice: Notice, ownerMentions?: OwnerMentions): [Reply, ...Reply[]] {
  switch (notice.kind) {
    case 'operation':
      return [operationReply(notice.operation)];
    case 'approval-request':
      return [approvalRequestReply(notice.request, notice.outcome && approvalOutcomeText(notice.outcome))];
    case 'requester-news':
      return [requesterNewsReply(notice.request, notice.news)];
    case 'schedule-warning':
      return [warningReply(notice.environment, notice.stopAt, notice.because, ownerMentions)];
    case 'tick-report':
      return [schedulerReportReply(notice.at, notice.actions, ownerMentions)];
    case 'cost-anomaly':
      return [anomalyAlertReply(notice.anomaly, notice.hours)];
    case 'live-alert':
      return [liveAlertReply(notice.alert)];
    case 'digest': {
      const { main, thread } = digestMessages(notice.digest);
      return [main, ...thread];
    }
  }
}
