import { matchesAny } from '../glob.js';
import { utcMinute } from '../time-format.js';
import type { ApprovalView } from '../notices.js';

export interface ProtectionRule {
  environments: readonly string[];
  approval: readonly string[];
  /** Verbs that need approval only when they reach outside the environment's scheduled hours. */
  after_hours_approval?: readonly string[];
}

/** True when a protect rule makes this verb on this environment wait for a second person. */
export function approvalRequired(rules: readonly ProtectionRule[], verb: string, environment: string): boolean {
  return rules.some((rule) => matchesAny(rule.environments, environment) && (rule.approval.includes(verb) || rule.approval.includes('*')));
}

/**
 * The verbs a person can be made to wait for approval on: those that change an environment's services or
 * keep it up (operations and extensions). Viewing, reading logs, editing schedules and granting are not
 * asked for; `approval` listing them would be read and never applied.
 */
export const APPROVABLE_VERBS = ['restart', 'start', 'stop', 'scale', 'extend'] as const;

/**
 * The verbs after-hours approval can mean something for: those that keep an environment up outside its
 * schedule (an extension, and a person's start, which is an override until the next edge). Stopping, restarting
 * or scaling does not change whether an environment is up after hours; `approval` protects them at any hour.
 */
export const AFTER_HOURS_VERBS = ['extend', 'start'] as const;

/** True when a protect rule wants approval for this verb outside the environment's scheduled hours (`*`: every verb above). */
export function afterHoursApprovalRequired(rules: readonly ProtectionRule[], verb: string, environment: string): boolean {
  return rules.some((rule) => matchesAny(rule.environments, environment) && (rule.after_hours_approval ?? []).some((listed) => listed === verb || (listed === '*' && (AFTER_HOURS_VERBS as readonly string[]).includes(verb))));
}

export interface PendingDecision {
  status: string;
  expiresAt: string;
  requestedBy: string;
}

export type DecisionVerdict = { ok: true } | { ok: false; reason: string; expired?: boolean };

/** What a click by someone without `approve` on the request's environment is answered, whatever the request's state. */
export const NOT_AN_APPROVER = 'you don’t hold `approve` on this environment';

/** A request id as a button or the deny modal carries it: digits only (`0x1` or `1e0` are not #1); 0 (no request) otherwise. */
export function requestIdOf(value: string | undefined): number {
  return value !== undefined && /^[1-9][0-9]{0,11}$/.test(value) ? Number(value) : 0;
}

/** Whether a click on Approve or Deny counts; the store's compare-and-set then makes it count once. */
export function judgeDecision(request: PendingDecision, clickerId: string, clickerMayApprove: boolean, now: Date): DecisionVerdict {
  if (request.status !== 'pending') return { ok: false, reason: `this request was already ${request.status}` };
  if (new Date(request.expiresAt).getTime() <= now.getTime()) return { ok: false, reason: 'this request has expired; ask again', expired: true };
  if (clickerId === request.requestedBy) return { ok: false, reason: 'you cannot approve or deny your own request; another person with `approve` must' };
  if (!clickerMayApprove) return { ok: false, reason: NOT_AN_APPROVER };
  return { ok: true };
}

/** "/env scale prod api 4" as the requester typed it, rebuilt from the stored parameters. */
export function describeRequest(view: Pick<ApprovalView, 'verb' | 'environment' | 'params'>): string {
  const { service, count, until } = view.params as { service?: string | null; count?: number | null; until?: string };
  if (view.verb === 'extend' && until) return `/env extend ${view.environment} until ${utcMinute(until)} UTC`;
  return ['/env', view.verb, view.environment, service ?? '', count ?? ''].filter((part) => part !== '').join(' ');
}

/**
 * What makes two of a requester's requests the same one (the unique index `approvals_pending_once` holds one
 * pending per requester and key). An extension is the same whatever its end (`1h` is a new time every minute,
 * and a second one would only race the first); other verbs' parameters are choices (which service, how many
 * tasks), so they are part of it. Words of a command hold no spaces, so the parts cannot run into each other.
 * The migrations `*_approval_request_key.sql` compute the same for rows filed before the column: change them together.
 */
export function requestKey(request: Pick<ApprovalView, 'verb' | 'environment' | 'params'>): string {
  const { service, count } = request.params as { service?: string | null; count?: number | null };
  if (request.verb === 'extend') return `extend ${request.environment}`;
  return [request.verb, request.environment, service != null ? `service=${service}` : '', count != null ? `count=${count}` : ''].filter((part) => part !== '').join(' ');
}
