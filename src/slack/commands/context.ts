import type { ProtectionRule } from '../../domain/access/approvals.js';
import type { Clock } from '../../domain/clock.js';
import type { AccessPolicy, Subject } from '../../domain/access/permissions.js';
import type { ApprovalService } from '../../operations/approval-service.js';
import type { OperationLauncher } from '../../operations/launch.js';
import type { ScheduleService } from '../../schedules/schedule-service.js';
import type { AuditEntry, AuditStore } from '../../store/audit-store.js';
import type { Fleet } from '../../store/fleet.js';
import type { GrantsStore } from '../../store/grants-store.js';
import type { RefreshRecord } from '../../store/inventory-store.js';
import type { Reply } from '../blocks/common.js';
import type { ReportCommandDeps } from './report-context.js';

/** Everything a command may use; built once in the composition root. */
export interface CommandDeps {
  fleet: Fleet;
  /** The policy's bindings plus the grants active right now. */
  access: () => AccessPolicy;
  protect: readonly ProtectionRule[];
  refresh: (trigger: string) => Promise<RefreshRecord>;
  launcher: OperationLauncher;
  approvals: ApprovalService;
  audit: AuditStore;
  grants: GrantsStore;
  scheduler: ScheduleService;
  /** What `/env cost|idle|who|digest` read: cost history, the CloudTrail trail, digests. */
  visibility: ReportCommandDeps;
  clock: Clock;
}

export interface CommandContext extends CommandDeps {
  subject: Subject;
  channelId: string;
  /** Answers the asker privately (the slash command's response_url), when an operation cannot post. */
  respond?: ((reply: Reply) => Promise<void>) | undefined;
}

/** A command's answer (null when it already answered in the channel) plus what the audit trail should say. */
export interface CommandOutcome {
  reply: Reply | null;
  environment?: string | null;
  outcome: AuditEntry['outcome'];
  detail?: string;
}
