import type { LiveAlert } from './alerts.js';
import type { DigestModel } from './digest.js';
import type { Environment } from './environments.js';
import type { CostAnomaly } from './cost/anomaly.js';
import type { SchedulerAction } from './schedules/decide.js';
import type { RolloutsView } from './rollouts.js';

/**
 * What dockhand tells people, as data: the notices operations and jobs hand to the outbound port, and the
 * answers they give the person who asked. How any of it looks (Block Kit, mrkdwn, the demo's text) is
 * decided in slack/ alone.
 */

export interface OperationStepView {
  service: string;
  status: 'pending' | 'running' | 'done' | 'failed' | 'skipped';
  detail: string | null;
}

/** An operation's progress or outcome: one message, posted once and updated as steps finish. */
export interface OperationView {
  id: number;
  verb: 'stop' | 'start' | 'restart' | 'scale';
  environment: string;
  requestedBy: string;
  approvedBy: string | null;
  /** `approved`: journaled with its approval, about to start. */
  status: 'approved' | 'running' | 'succeeded' | 'failed' | 'partial' | 'interrupted';
  startedAt: string;
  finishedAt: string | null;
  steps: readonly OperationStepView[];
  /** Said when a restarted dockhand finished what a previous process started. */
  note?: string;
  /** After a restart, start or scale: each service's rollout, followed until it ends (rollouts.ts). */
  rollouts?: RolloutsView;
}

/** The operation another person is running, which a new one has to wait for. */
export interface BusyOperation {
  id: number;
  verb: OperationView['verb'];
  environment: string;
  requestedBy: string;
  startedAt: string;
}

export interface ApprovalView {
  id: number;
  environment: string;
  verb: string;
  params: Record<string, unknown>;
  requestedBy: string;
  status: 'pending' | 'approved' | 'denied' | 'expired' | 'cancelled';
  expiresAt: string;
  decidedBy: string | null;
  reason: string | null;
}

/** An extension the schedule now keeps: up until `until`. */
export interface Extension {
  environment: string;
  until: Date;
  approvedBy: string | null;
}

/** What came of an approved request. */
export type ApprovalOutcome =
  | { kind: 'running' }
  | { kind: 'operation'; operation: { id: number; status: string; summary: string | null }; resumed?: boolean }
  | { kind: 'failed'; error: string }
  | { kind: 'environment-gone'; environment: string }
  | { kind: 'no-scheduler' }
  | { kind: 'extended'; extension: Extension };

/** What the requester hears in their DM about their request. */
export type RequesterNews =
  | { kind: 'denied'; by: string; reason: string | null }
  | { kind: 'approved'; by: string; outcome: ApprovalOutcome }
  | { kind: 'cancelled'; by: string }
  | { kind: 'expired' }
  | { kind: 'resumed'; outcome: ApprovalOutcome };

export interface TickReportLine {
  environment: string;
  owner?: string | null;
  action: SchedulerAction;
  outcome: string;
}

/** Everything dockhand posts on its own: to a channel, or to a person (a DM). */
export type Notice =
  | { kind: 'operation'; operation: OperationView }
  /** The request in the approvers' channel; updated with its decision and what came of it. */
  | { kind: 'approval-request'; request: ApprovalView; outcome?: ApprovalOutcome }
  | { kind: 'requester-news'; request: ApprovalView; news: RequesterNews }
  | { kind: 'schedule-warning'; environment: Environment; stopAt: Date; because: 'schedule' | 'override' }
  | { kind: 'tick-report'; at: Date; actions: readonly TickReportLine[] }
  | { kind: 'cost-anomaly'; anomaly: CostAnomaly; hours: number }
  /** A failed deployment, a lasting degradation or a CloudTrail flag: one message per environment and run. */
  | { kind: 'live-alert'; alert: LiveAlert }
  /** Long digests continue in the main message's thread. */
  | { kind: 'digest'; digest: DigestModel };

/** The answer to someone who asked for a protected action: where their request went. */
export type ApprovalFiled =
  | { kind: 'no-channel'; verb: string; environment: string }
  | { kind: 'posted'; request: ApprovalView; channel: string; expireMinutes: number }
  | { kind: 'unposted'; request: ApprovalView; channel: string }
  /** Slack answered the post with an error: the request was withdrawn, nobody can approve it. */
  | { kind: 'undelivered'; request: ApprovalView; channel: string }
  /** The same request is already waiting: nothing new was filed or posted. */
  | { kind: 'already-waiting'; request: ApprovalView; since: string }
  | { kind: 'too-many-waiting'; waiting: number; limit: number };

/** The answer to the person who clicked Approve or Deny (or typed approve/deny in the demo). */
export type DecisionAnswer =
  | { kind: 'unknown'; id: number }
  | { kind: 'already-decided'; request: ApprovalView }
  | { kind: 'not-counted'; reason: string }
  | { kind: 'busy'; id: number; running: BusyOperation; now: Date }
  | { kind: 'cancelled'; request: ApprovalView }
  | { kind: 'denied'; id: number }
  | { kind: 'approved'; id: number; outcome: ApprovalOutcome };
