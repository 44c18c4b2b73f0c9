import type { OwnerMentions } from '../blocks/format.js';
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
import type { ModalView, Reply } from '../blocks/common.js';
import type { DigestPolicy } from '../../config/report-policy.js';
import type { CostReports } from '../../store/cost-reports.js';
import type { FleetReports } from '../../store/fleet-reports.js';
import type { TrailStore } from '../../store/trail-store.js';
import type { StoppedTasksStore } from '../../store/stopped-tasks-store.js';
import type { LogReader } from '../../aws/logs/reader.js';
import type { Outbound } from '../../outbound.js';

/** The idle report's Snooze: hides an environment from `/env idle` and digests for a while. */
export type Snoozer = (environment: string, userId: string, now: Date) => Promise<{ environment: string; until: Date; reply: Reply }>;

/** Everything a command may use; built once in the composition root. */
export interface CommandDeps {
  fleet: Fleet;
  /** The policy's bindings plus the grants active right now (read from the database). */
  access: () => Promise<AccessPolicy>;
  protect: readonly ProtectionRule[];
  /** Reads the fleet now, or (`reused`) answers with a refresh that finished moments ago. */
  refresh: (trigger: string) => Promise<{ record: RefreshRecord; reused: boolean }>;
  launcher: OperationLauncher;
  approvals: ApprovalService;
  audit: AuditStore;
  grants: GrantsStore;
  schedules: ScheduleService;
  clock: Clock;
  /** What `/env cost|idle|who|digest` read: cost history, idle findings and the CloudTrail trail, digests. */
  costs: CostReports;
  reports: FleetReports;
  trail: Pick<TrailStore, 'cursors'>;
  digests: readonly DigestPolicy[];
  /** How long the idle report's Snooze button hides an environment, and what it does. */
  snoozeDays: number;
  snooze: Snoozer;
  /** What `/env why` reads: the stopped tasks kept per service, and whether the last sample could be taken. */
  stoppedTasks: Pick<StoppedTasksStore, 'forService' | 'sampleFailure'>;
  /** `/env logs`: CloudWatch Logs as the asker, at most `maxLogLines` lines a reply; `/env why`: a few error lines. */
  logs: Pick<LogReader, 'read' | 'recentErrorLines'>;
  maxLogLines: number;
  /** Who an owner tag names in the workspace (hourly users.list); absent without Slack, undefined when unreadable. */
  ownerMentions?: () => Promise<OwnerMentions | undefined>;
  /** How long `/env why` waits for each service's error lines. */
  whyLogDeadlineMs: number;
  /** When and by whom dockhand last parked a service of the environment (the park records), for a no-op stop. */
  lastParked?: (environment: string) => Promise<{ parkedAt: string; parkedBy: string } | undefined>;
  /** Where `/env cost` shares its chart of cost per day: the outbound port (Slack uploads it, the demo prints it). */
  charts?: Pick<Outbound, 'attachChart'>;
}

export interface CommandContext extends Omit<CommandDeps, 'access'> {
  /** The policy plus the grants active when the request came in, read once per request. */
  access: () => AccessPolicy;
  subject: Subject;
  channelId: string;
  /** Answers the asker privately (the slash command's response_url), when an operation cannot post. */
  respond?: ((reply: Reply) => Promise<void>) | undefined;
  /** Opens a modal for the asker (a slash command's or a click's trigger id); absent where there is no Slack (the demo console). */
  openModal?: ((view: ModalView) => Promise<void>) | undefined;
}

/** A command's answer (null when it already answered in the channel) plus what the audit trail should say. */
export interface CommandOutcome {
  reply: Reply | null;
  environment?: string | null;
  outcome: AuditEntry['outcome'];
  detail?: string;
  /** The audit row's params for a verb only buttons invoke (typed commands record what was typed). */
  params?: Record<string, unknown>;
}
