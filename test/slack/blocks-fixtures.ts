/**
 * Every Block Kit builder of `src/slack/blocks/`, each called on data whose outside strings (names, tags,
 * owners, reasons, AWS and CloudTrail text) are chosen by the caller: the hostile-input test passes strings
 * full of Slack control sequences, the limits test passes the longest strings dockhand accepts. Each case is
 * named by the export it covers (`builder`), so a test can check that every export has one.
 */
import type { DecodedEvent } from '../../src/domain/trail/decode.js';
import type { DigestModel } from '../../src/domain/digest.js';
import type { Environment } from '../../src/domain/environments.js';
import type { IdleFinding, OrphanService } from '../../src/domain/idle.js';
import type { ServiceDiagnosis } from '../../src/domain/diagnosis.js';
import type { ApprovalView } from '../../src/domain/notices.js';
import type { TrailGap } from '../../src/domain/trail/changes.js';
import type { AuditRow } from '../../src/store/audit-store.js';
import type { CostReport } from '../../src/store/cost-reports.js';
import type { TrailCursor } from '../../src/store/trail-store.js';
import { COMMAND_HELP, parseEnvCommand } from '../../src/slack/commands/registry.js';
import { deniedReply, noAccessReply, unknownEnvironmentReply } from '../../src/slack/blocks/access.js';
import { liveAlertReply } from '../../src/slack/blocks/alerts.js';
import {
  approvalFiledReply,
  approvalOutcomeText,
  approvalRequestReply,
  decisionAnswerText,
  denyReasonModal,
  pendingApprovalsReply,
  requesterNewsReply,
  type ApprovalView as BlocksApprovalView,
} from '../../src/slack/blocks/approval.js';
import { auditReply } from '../../src/slack/blocks/audit.js';
import { capBlocks, context, databaseFailedReply, fieldsSection, header, linesToSections, problemReply, section, sectionsWithin, type Reply } from '../../src/slack/blocks/common.js';
import { anomalyAlertReply, chartMissingReply, costChartTitle, costReply, savedText } from '../../src/slack/blocks/cost.js';
import { digestBlocks, digestMessages, digestPreviewReply } from '../../src/slack/blocks/digest.js';
import { helpReply, unknownVerbReply, usageReply } from '../../src/slack/blocks/help.js';
import { homeView, type HomeEnvironment } from '../../src/slack/blocks/home.js';
import { findingLine, idleReply, orphanLine, snoozedReply } from '../../src/slack/blocks/idle.js';
import { environmentLine, listMessages, listReply, refreshFooter } from '../../src/slack/blocks/list.js';
import { logsReply } from '../../src/slack/blocks/logs.js';
import { editScheduleButton, extendFormModal, scheduleEditorModal, schedulePresets } from '../../src/slack/blocks/modals.js';
import { noticeMessages } from '../../src/slack/blocks/notices.js';
import { busyText, operationReply } from '../../src/slack/blocks/operation.js';
import { explainSource, scheduleExplanationReply, scheduleSummary } from '../../src/slack/blocks/schedule.js';
import { extensionText, schedulerReportReply, warningReply } from '../../src/slack/blocks/scheduler.js';
import { statusReply } from '../../src/slack/blocks/status.js';
import { countLine, eventLine, gapLines, ingestFooter, whoReply } from '../../src/slack/blocks/who.js';
import { diagnosisText, whyButtons, whyReply } from '../../src/slack/blocks/why.js';
import type { OwnerMentions } from '../../src/slack/blocks/format.js';
import { service } from '../domain/fixtures.js';

/** What a builder produced: a message, a view (modal, Home), a list of messages, blocks, or Slack text. */
export type Built = Reply | object | readonly unknown[] | string;

export interface BuilderCase {
  /** The export of `src/slack/blocks/` this case runs. */
  builder: string;
  label: string;
  build: () => Built;
}

export interface Texts {
  mrkdwn: string[];
  plain: string[];
}

/** Walks the JSON: text objects by their type; a top-level `text` string (a message's fallback) is mrkdwn. */
export function textsOf(built: Built): Texts {
  const out: Texts = { mrkdwn: [], plain: [] };
  const walk = (value: unknown, top: boolean): void => {
    if (Array.isArray(value)) return value.forEach((item) => walk(item, top));
    if (!value || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    if (typeof record.text === 'string') {
      if (record.type === 'plain_text') out.plain.push(record.text);
      else if (record.type === 'mrkdwn' || top) out.mrkdwn.push(record.text);
      else throw new Error(`a text of unknown type ${String(record.type)}: ${record.text.slice(0, 80)}`);
    }
    for (const [key, item] of Object.entries(record)) if (key !== 'text' || typeof item !== 'string') walk(item, false);
  };
  if (typeof built === 'string') out.mrkdwn.push(built);
  else if (Array.isArray(built)) built.forEach((item) => walk(item, !(item as { type?: unknown }).type));
  else walk(built, !(built as { type?: unknown }).type || (built as { type?: unknown }).type === 'modal' || (built as { type?: unknown }).type === 'home');
  return out;
}

/** The outside strings a case is built from. */
export interface Inputs {
  /** Where an environment, service, cluster, family or deployment name goes. */
  name: string;
  /** Free text: owners, teams, reasons, AWS and CloudTrail messages, error text. */
  text: string;
  /** `access_contact` from the policy: an administrator's words, whose well-formed mentions are meant to render. */
  contact: string;
}

/** The people, groups and channel dockhand itself names by id in these cases: mentions of them are its own. */
export const OWN_IDS = { users: ['U0REQ', 'U0APPROVER', 'U0ACTOR', 'U0OWNER', 'U0VIEWER'], groups: ['S0PLATFORM'], channels: ['C0APPROVALS'] };

/** The directory: it knows the owner tag `maria@example.com` (and only it), as the workspace would. */
const mentions: OwnerMentions = (tag) => (tag === 'maria@example.com' ? '<@U0OWNER>' : undefined);

export function builderCases({ name, text, contact }: Inputs, now = new Date('2026-03-02T10:00:00Z')): BuilderCase[] {
  const hostileService = service({
    name,
    environment: name,
    cluster: name,
    desired: 2,
    running: 1,
    taskDefinition: { family: name, cpu: 256, memoryMiB: 512, architecture: 'x86' } as never,
    events: [{ at: '2026-03-02T09:00:00Z', message: text } as never],
    deployments: [{ id: name, status: 'PRIMARY', rolloutState: 'FAILED', desired: 2, running: 1, pending: 0, failedTasks: 1, createdAt: null, updatedAt: null }],
    tags: { environment: name, owner: text },
  });
  const env: Environment = { name, tier: 'production', owner: text, team: text, locations: [text], services: [hostileService], state: 'degraded', running: 1, desired: 2 };
  const owned: Environment = { ...env, owner: 'maria@example.com' };
  const parked: Environment = { ...env, state: 'stopped', running: 0, desired: 0 };

  const approval = (status: ApprovalView['status']): ApprovalView => ({
    id: 7,
    environment: name,
    verb: 'scale',
    params: { service: name, count: 3, reason: text },
    requestedBy: 'U0REQ',
    status,
    expiresAt: '2026-03-02T10:30:00Z',
    decidedBy: status === 'pending' ? null : 'U0APPROVER',
    reason: status === 'denied' ? text : null,
  });
  const event: DecodedEvent = {
    eventId: 'e1',
    at: now,
    eventName: 'UpdateService',
    eventSource: 'ecs.amazonaws.com',
    region: 'us-east-1',
    accountId: '111111111111',
    sourceIp: text,
    who: { kind: 'iam-user', name: text, roleName: text, sessionName: text, slackUserId: null, arn: text, accountId: null },
    via: { kind: 'cli', label: text, tool: text, ci: null },
    what: { cluster: name, service: name, environment: name, desiredBefore: 2, desiredAfter: 0, minCapacity: null, maxCapacity: null },
    failed: true,
    errorCode: text,
    errorMessage: text,
    flags: ['scale-to-zero'],
  } as DecodedEvent;
  /** A person acting through dockhand is a mention built from their id; the rest of the line is still CloudTrail's. */
  const viaDockhand: DecodedEvent = { ...event, who: { ...event.who, kind: 'slack-user-via-dockhand', name: '<@U0ACTOR>', slackUserId: 'U0ACTOR' } };
  const gaps: TrailGap[] = [
    { label: text, kind: 'failed', atMs: now.getTime() - 60_000, error: text },
    { label: text, kind: 'never-read' },
    { label: text, kind: 'read-since', fromMs: now.getTime() - 3_600_000 },
    { label: text, kind: 'read-until', toMs: now.getTime() - 3_600_000 },
  ] as TrailGap[];
  const cursor = { account: '111111111111', region: 'us-east-1', eventSource: 'ecs.amazonaws.com', endMs: now.getTime() - 60_000, startMs: 0, requests: 3, events: 9 } as TrailCursor;

  const finding: IdleFinding = { environment: name, tier: 'non-production', state: 'running', owner: text, running: 1, monthlyCost: 12, reasons: [{ reason: 'no-owner', detail: text }] };
  const orphan: OrphanService = { service: hostileService, monthlyCost: 3 };
  const costRow = { environment: name, estimate: 10, source: 'table' as const, previousEstimate: 5, trend: 100, billed: { dollars: 9, estimated: false }, saved: { parkedHours: 3, dollars: 1 }, watchedHours: 1 };
  const costReport = {
    rows: [costRow],
    totals: { estimate: 10, billed: null, saved: 1, source: 'table' },
    unassigned: { estimate: 1, billed: null },
    watchedHours: 10,
    windowHours: 100,
    windows: { period: '7d', current: { from: now, to: now }, previous: { from: now, to: now } },
    services: [{ arn: 'a', name, cluster: name, environment: name, source: 'unpriced', coveredHours: 1, taskHours: 1, dollars: 1 }],
  } as unknown as CostReport;
  const explanation = {
    resolved: { schedule: { kind: 'windows', windows: [], timeZone: 'UTC', name: text }, text, source: { kind: 'default', environments: [name] }, problem: null },
    override: { kind: 'up', until: now, reason: 'extend' },
    next: { at: now, kind: 'down' },
  } as never;
  const fromTag = { resolved: { schedule: null, text, source: { kind: 'tag', key: name }, problem: text }, override: null, next: null } as never;
  const digest: DigestModel = {
    localDate: '2026-03-02',
    timeZone: 'UTC',
    environments: 1,
    sections: [
      { kind: 'fleet', summary: { total: 1, running: 0, parked: 0, degraded: 1, other: 0, degradedNames: [name] } },
      { kind: 'idle', findings: [finding], orphans: [orphan] },
      { kind: 'cost', rows: [{ environment: name, yesterday: costRow, monthToDate: costRow }] },
      { kind: 'changes', counts: [{ environment: name, changes: 1, failed: 1, flagged: 1 }], flagged: [event, viaDockhand], gaps, now },
      { kind: 'anomalies', alerts: [{ environment: name, windowStart: now, recentDollars: 5, baselineDollars: 1 }] },
      { kind: 'approvals', pending: [{ id: 7, verb: 'scale', environment: name, params: { service: name, count: 3 }, requestedBy: 'U0REQ' }] },
      { kind: 'overrides', overrides: [{ environment: name, override: { kind: 'up', until: now, reason: 'extend' } }] },
    ],
  } as DigestModel;
  const auditRows: AuditRow[] = [
    { id: 1, at: now.toISOString(), actor: 'U0ACTOR', verb: 'stop', environment: name, params: { text: `stop ${name}`, reason: text }, outcome: 'denied', detail: text, durationMs: 3 },
    { id: 2, at: now.toISOString(), actor: text, verb: 'aws:UpdateService', environment: name, params: { service: name }, outcome: 'error', detail: text, durationMs: null },
  ];
  const diagnosis: ServiceDiagnosis = {
    service: name,
    running: 1,
    desired: 2,
    symptoms: ['1/2 tasks running', text],
    rollout: { state: text, reason: text, tryingForSeconds: 600, failedTasks: 2, rollbacks: 1 },
    stops: [{ taskId: name, stoppedAt: now.toISOString(), what: text, next: text, restart: 'no', raw: text, times: 3 }],
    advice: [text],
  };
  const logLines = new Map([[name, { kind: 'lines' as const, lines: [text, text], window: '1h' }]]);
  const homeItem = (envFor: Environment, protect: boolean): HomeEnvironment => ({
    env: envFor,
    schedule: scheduleSummary(explanation),
    monthToDate: 12.5,
    problem: true,
    may: { start: true, stop: true, extend: true, schedule: true },
    protectedVerbs: { stop: protect, start: protect },
  });
  const request = approval('pending');
  const refresh = {
    startedAt: now.toISOString(),
    finishedAt: now.toISOString(),
    trigger: text,
    awsCalls: 3,
    services: 1,
    errors: [text],
    failedLocations: [{ account: '1', accountName: text, region: text, error: text }],
  };
  const operation = {
    id: 3,
    verb: 'start' as const,
    environment: name,
    requestedBy: 'U0REQ',
    approvedBy: 'U0APPROVER',
    status: 'partial' as const,
    startedAt: now.toISOString(),
    finishedAt: now.toISOString(),
    steps: [{ service: name, status: 'failed' as const, detail: text }],
    note: text,
    rollouts: {
      until: now.toISOString(),
      ended: false,
      lines: [
        { service: name, state: 'rolling' as const, running: 1, desired: 2 },
        { service: name, state: 'completed' as const, seconds: 42 },
        { service: name, state: 'failed' as const, seconds: 300, reason: text, rollback: true, diagnosis },
        { service: name, state: 'timed-out' as const, minutes: 30, running: 1, desired: 2 },
        { service: name, state: 'gone' as const },
      ],
    },
  };
  const extension = { environment: name, until: now, approvedBy: 'U0APPROVER' };
  const busy = { id: 1, verb: 'stop' as const, environment: name, requestedBy: 'U0REQ', startedAt: now.toISOString() };
  const liveAlert = {
    environment: name,
    now,
    items: [
      { kind: 'deployment-failed' as const, service: name, serviceArn: 'arn:s', deploymentId: name, rolledBack: true, reason: text, failedTasks: 2, at: now.toISOString() },
      { kind: 'degraded' as const, since: now.toISOString(), services: [{ name, running: 0, desired: 1 }] },
      { kind: 'trail-flag' as const, event },
    ],
  };
  const logSource = { kind: 'cloudwatch' as const, group: name, streamPrefix: name, region: 'us-east-1' };
  const logsInput = (answer: unknown) => ({ environment: name, service: name, query: { window: '1h' as const, errorsOnly: true, text }, answer: answer as never });
  const typed = [name, `status ${name}`, `list ${name}`, `scale qa-1 api ${name}`, `grant ${name} admin * 1h`, `who qa-1 ${name}`, `stpo ${name}`];

  const cases: Array<[builder: string, label: string, build: () => Built]> = [
    ['noAccessReply', '', () => noAccessReply(contact)],
    ['deniedReply', '', () => deniedReply('stop', name, ['user:U0REQ', 'group:S0PLATFORM'], contact)],
    ['unknownEnvironmentReply', '', () => unknownEnvironmentReply(name, [name, name])],
    ['liveAlertReply', '', () => liveAlertReply(liveAlert)],
    ['liveAlertReply', 'no environment', () => liveAlertReply({ environment: null, now, items: [{ kind: 'trail-flag', event: viaDockhand }] })],
    ...(['pending', 'approved', 'denied', 'expired', 'cancelled'] as const).map((status): [string, string, () => Built] => ['approvalRequestReply', status, () => approvalRequestReply(approval(status) as BlocksApprovalView, approvalOutcomeText({ kind: 'failed', error: text }))]),
    ['approvalOutcomeText', 'operation', () => approvalOutcomeText({ kind: 'operation', operation: { id: 3, status: 'failed', summary: text }, resumed: true })],
    ['approvalOutcomeText', 'failed', () => approvalOutcomeText({ kind: 'failed', error: text })],
    ['approvalOutcomeText', 'environment-gone', () => approvalOutcomeText({ kind: 'environment-gone', environment: name })],
    ['approvalOutcomeText', 'extended', () => approvalOutcomeText({ kind: 'extended', extension })],
    ['requesterNewsReply', 'denied', () => requesterNewsReply(request, { kind: 'denied', by: 'U0APPROVER', reason: text })],
    ['requesterNewsReply', 'approved', () => requesterNewsReply(request, { kind: 'approved', by: 'U0APPROVER', outcome: { kind: 'failed', error: text } })],
    ['requesterNewsReply', 'cancelled', () => requesterNewsReply(request, { kind: 'cancelled', by: 'U0APPROVER' })],
    ['requesterNewsReply', 'expired', () => requesterNewsReply(request, { kind: 'expired' })],
    ['requesterNewsReply', 'resumed', () => requesterNewsReply(approval('approved'), { kind: 'resumed', outcome: { kind: 'operation', operation: { id: 3, status: 'failed', summary: text } } })],
    ['approvalFiledReply', 'no channel', () => approvalFiledReply({ kind: 'no-channel', verb: 'stop', environment: name })],
    ['approvalFiledReply', 'posted', () => approvalFiledReply({ kind: 'posted', request, channel: 'C0APPROVALS', expireMinutes: 30 })],
    ['approvalFiledReply', 'unposted', () => approvalFiledReply({ kind: 'unposted', request, channel: 'C0APPROVALS' })],
    ['decisionAnswerText', 'already decided', () => decisionAnswerText({ kind: 'already-decided', request: approval('denied') })],
    // The reason is dockhand's own words (approval-service.ts), code spans and all.
    ['decisionAnswerText', 'not counted', () => decisionAnswerText({ kind: 'not-counted', reason: 'you cannot approve or deny your own request; another person with `approve` must' })],
    ['decisionAnswerText', 'busy', () => decisionAnswerText({ kind: 'busy', id: 7, running: busy, now })],
    ['decisionAnswerText', 'cancelled', () => decisionAnswerText({ kind: 'cancelled', request })],
    ['decisionAnswerText', 'approved', () => decisionAnswerText({ kind: 'approved', id: 7, outcome: { kind: 'failed', error: text } })],
    ['pendingApprovalsReply', '', () => pendingApprovalsReply([request, request])],
    ['denyReasonModal', '', () => denyReasonModal(7, `/env stop ${name}`)],
    ['auditReply', '', () => auditReply({ rows: auditRows, total: 60, page: 2, pageSize: 25, scope: 'the environments you can see', environment: name })],
    ['databaseFailedReply', '', () => databaseFailedReply()],
    ['problemReply', 'an AWS error', () => problemReply(`Something went wrong: ${text}`.replace(/[<>&`]/g, ''), 'Try again.')],
    ['costReply', 'one environment', () => costReply({ report: costReport, environment: name, showUnassigned: true, chart: { attached: false, reason: text } as never })],
    ['costReply', 'fleet', () => costReply({ report: costReport, environment: null, showUnassigned: true, chart: { attached: true } as never })],
    ['costReply', 'nothing to show', () => costReply({ report: { ...costReport, rows: [] }, environment: name, showUnassigned: false })],
    ['savedText', '', () => savedText(costRow) ?? ''],
    ['costChartTitle', '', () => ({ type: 'plain_text', text: costChartTitle('7d', name) })],
    ['anomalyAlertReply', '', () => anomalyAlertReply({ environment: name, tier: 'production', recentDollars: 5, baselineDollars: 1, baselineDays: 3, increase: { dollars: 4, percent: 400 } } as never, 3)],
    ['chartMissingReply', '', () => chartMissingReply(costChartTitle('30d', name), text)],
    ['digestBlocks', '', () => digestBlocks(digest)],
    ['digestMessages', '', () => { const { main, thread } = digestMessages(digest); return [main, ...thread]; }],
    ['digestPreviewReply', '', () => digestPreviewReply(digest)],
    ...typed.map((words): [string, string, () => Built] => [
      'usageReply',
      `to /env ${words.slice(0, 12)}…`,
      () => {
        const parsed = parseEnvCommand(words);
        if (parsed.ok) throw new Error(`${words} parsed`);
        return parsed.usage ? usageReply(parsed.problem, parsed.usage) : unknownVerbReply(parsed.problem, parsed.suggestions ?? []);
      },
    ]),
    ['unknownVerbReply', '', () => unknownVerbReply(`\`${name.replace(/[<>&`]/g, '')}\` is not a command`, ['stop', 'start'])],
    ['helpReply', '', () => helpReply(COMMAND_HELP, 'intro')],
    ['homeView', 'member', () => homeView({ kind: 'member', userId: 'U0VIEWER', now, environments: [homeItem(env, true), homeItem(parked, false), homeItem(owned, false)], otherVisible: 3, approvals: [{ request, own: false }, { request, own: true }], week: { parkedHours: 12, dollars: 4 }, footer: refreshFooter(refresh, now) })],
    ['homeView', 'unbound', () => homeView({ kind: 'unbound', userId: 'U0VIEWER', whoToAsk: contact })],
    ['findingLine', '', () => findingLine(finding)],
    ['orphanLine', '', () => orphanLine(orphan)],
    ['idleReply', '', () => idleReply({ report: { findings: [finding], orphans: [orphan] }, snoozeDays: 7 })],
    ['snoozedReply', '', () => snoozedReply(name, now)],
    ['environmentLine', '', () => environmentLine(env, scheduleSummary(explanation))],
    ['refreshFooter', '', () => refreshFooter(refresh, now, () => now.toISOString())],
    ['listMessages', '', () => listMessages({ environments: [env, parked, owned], filter: name, orphanServices: 1, lastRefresh: refresh, now, schedules: new Map([[name, scheduleSummary(explanation)]]), outsideSchedule: new Set([name]) })],
    ['listReply', '', () => listReply({ environments: [env], filter: name, orphanServices: 1, lastRefresh: undefined, now, schedules: new Map([[name, scheduleSummary(fromTag)]]) })],
    ['logsReply', 'lines', () => logsReply(logsInput({ kind: 'lines', source: logSource, lines: [{ timestamp: now.getTime(), text }], matched: 1, read: 9, truncated: true }))],
    ['logsReply', 'unreadable', () => logsReply(logsInput({ kind: 'unreadable', source: logSource, code: 'AccessDenied', message: text }))],
    ['logsReply', 'elsewhere', () => logsReply(logsInput({ kind: 'elsewhere', drivers: [name] }))],
    ['logsReply', 'none', () => logsReply(logsInput({ kind: 'none' }))],
    ['logsReply', 'no task definition', () => logsReply(logsInput({ kind: 'no-task-definition' }))],
    ['schedulePresets', '', () => schedulePresets([name]).map((preset) => ({ type: 'plain_text', text: preset.label }))],
    ['scheduleEditorModal', 'a preview', () => scheduleEditorModal({ environment: name, current: scheduleSummary(explanation), presets: schedulePresets([name]), zone: 'UTC', preview: { ok: true, resolved: (explanation as { resolved: never }).resolved, edges: [{ at: now, kind: 'up' }] } as never })],
    ['scheduleEditorModal', 'a problem', () => scheduleEditorModal({ environment: name, current: scheduleSummary(fromTag), presets: [], zone: 'UTC', preview: { ok: false, problem: text } })],
    ['extendFormModal', '', () => extendFormModal({ environment: name, parks: scheduleSummary(explanation), zone: 'Europe/Berlin' })],
    ['editScheduleButton', '', () => [editScheduleButton(name)]],
    ['noticeMessages', 'operation', () => noticeMessages({ kind: 'operation', operation })],
    ['noticeMessages', 'approval request', () => noticeMessages({ kind: 'approval-request', request, outcome: { kind: 'failed', error: text } })],
    ['noticeMessages', 'requester news', () => noticeMessages({ kind: 'requester-news', request, news: { kind: 'denied', by: 'U0APPROVER', reason: text } })],
    ['noticeMessages', 'schedule warning', () => noticeMessages({ kind: 'schedule-warning', environment: owned, stopAt: now, because: 'override' }, mentions)],
    ['noticeMessages', 'tick report', () => noticeMessages({ kind: 'tick-report', at: now, actions: [{ environment: name, owner: text, action: { kind: 'park', reason: text } as never, outcome: text }] }, mentions)],
    ['noticeMessages', 'cost anomaly', () => noticeMessages({ kind: 'cost-anomaly', anomaly: { environment: name, tier: 'production', recentDollars: 5, baselineDollars: 1, baselineDays: 3, increase: { dollars: 4, percent: null } } as never, hours: 3 })],
    ['noticeMessages', 'live alert', () => noticeMessages({ kind: 'live-alert', alert: liveAlert })],
    ['noticeMessages', 'digest', () => noticeMessages({ kind: 'digest', digest })],
    ['operationReply', 'partial, with rollouts', () => operationReply(operation)],
    ['operationReply', 'running', () => operationReply({ ...operation, status: 'running', rollouts: undefined })],
    ['operationReply', 'succeeded', () => operationReply({ ...operation, status: 'succeeded', approvedBy: null, requestedBy: text })],
    ['busyText', '', () => busyText(busy, now)],
    ['explainSource', 'a tag', () => explainSource({ kind: 'tag', key: name } as never)],
    ['explainSource', 'a default', () => explainSource({ kind: 'default', environments: [name] } as never)],
    ['scheduleSummary', '', () => scheduleSummary(explanation)],
    ['scheduleSummary', 'a problem', () => scheduleSummary(fromTag)],
    ['scheduleExplanationReply', '', () => scheduleExplanationReply(name, explanation)],
    ['scheduleExplanationReply', 'from a tag', () => scheduleExplanationReply(name, fromTag)],
    [
      'schedulerReportReply',
      '',
      () =>
        schedulerReportReply(now, [
          { environment: name, owner: text, action: { kind: 'announce-new', parkAt: now } as never, outcome: text },
          { environment: name, owner: 'maria@example.com', action: { kind: 'park', reason: text } as never, outcome: `failed: ${text}` },
        ], mentions),
    ],
    ['warningReply', '', () => warningReply(env, now, 'schedule')],
    ['warningReply', 'owner in the directory', () => warningReply(owned, now, 'override', mentions)],
    ['extensionText', '', () => extensionText(extension)],
    ['statusReply', '', () => statusReply(env, now, refreshFooter(refresh, now), scheduleSummary(explanation))],
    ['statusReply', 'owner in the directory', () => statusReply(owned, now, 'read just now', scheduleSummary(fromTag), mentions)],
    ['eventLine', '', () => eventLine(event, true)],
    ['countLine', '', () => countLine({ environment: name, changes: 2, failed: 1, flagged: 1 })],
    ['ingestFooter', '', () => ingestFooter([cursor], now)],
    ['gapLines', '', () => gapLines(gaps, now).join('\n')],
    ['whoReply', 'one environment', () => whoReply({ events: [event, viaDockhand], gaps, now, window: '7d', environment: name, footer: ingestFooter([cursor], now) })],
    ['whoReply', 'fleet', () => whoReply({ events: [event, viaDockhand], gaps, now, window: '24h', environment: null, footer: 'footer' })],
    ['whoReply', 'nothing read', () => whoReply({ events: [], gaps, now, window: '24h', environment: name, footer: 'footer' })],
    ['whyButtons', 'one', () => whyButtons([name])],
    ['whyButtons', 'several', () => whyButtons([name, `${name}2`])],
    ['diagnosisText', '', () => diagnosisText(diagnosis, { logs: { kind: 'unreadable', message: text }, sampleFailure: { at: now.toISOString(), error: text } })],
    ['whyReply', 'unhealthy, with log lines', () => whyReply({ env, diagnoses: [diagnosis], service: null, logLines, sampleFailures: new Map([[name, { at: now.toISOString(), error: text }]]), footer: 'footer', now })],
    ['whyReply', 'logs unreadable', () => whyReply({ env, diagnoses: [diagnosis], service: name, logLines: new Map([[name, { kind: 'unreadable', message: text }]]), footer: 'footer', now })],
    ['whyReply', 'healthy', () => whyReply({ env: { ...env, state: 'running' }, diagnoses: [{ ...diagnosis, symptoms: [], advice: [] }], service: name, footer: 'footer', now })],
    ['whyReply', 'other log answers', () => whyReply({ env, diagnoses: ['needs-logs', 'elsewhere', 'none', 'no-task-definition'].map((kind) => ({ ...diagnosis, service: `${name}${kind}` })), service: null, logLines: new Map<string, never>([[`${name}needs-logs`, { kind: 'needs-logs' } as never], [`${name}elsewhere`, { kind: 'elsewhere', drivers: [name] } as never], [`${name}none`, { kind: 'none' } as never], [`${name}no-task-definition`, { kind: 'no-task-definition' } as never]]), footer: 'footer', now })],
    // The shared pieces, given text already made safe (they neither escape nor should): limits are theirs.
    ['section', '', () => [section('plain words')]],
    ['fieldsSection', '', () => [fieldsSection('facts', [['Owner', 'maria']])]],
    ['context', '', () => [context('plain words')]],
    ['header', '', () => [header(name)]],
    ['linesToSections', '', () => linesToSections(['a', 'b'])],
    ['capBlocks', '', () => capBlocks([section('a')], 'hint')],
    ['sectionsWithin', '', () => sectionsWithin(['a'.repeat(2000), 'b'.repeat(2000), 'c'], 1, (left) => `…and ${left} more`)],
  ];
  return cases.map(([builder, label, build]) => ({ builder, label: label ? `${builder} (${label})` : builder, build }));
}

/**
 * Exports of `src/slack/blocks/` that are not message builders: formatting primitives over numbers, times or
 * ids, the escape itself, and constants. Anything else exported there must have a case above.
 */
export const NOT_BUILDERS: Record<string, string> = {
  ago: 'a duration from two times',
  escapeMrkdwn: 'the escape itself',
  code: 'the escape inside a code span',
  namingPeople: 'the escape that rebuilds mentions (run by noAccessReply, deniedReply)',
  heldBy: 'mentions of the policy principals that hold a permission (run by deniedReply)',
  who: 'a mention from an id, else the escape (run by every approval case)',
  owner: 'a mention from the directory, else the escape (run by statusReply, warningReply)',
  vcpu: 'a number',
  memory: 'a number',
  plural: 'a number and a fixed word',
  clipText: 'cuts text (run by every builder)',
  blockId: 'an id, not shown',
  confirmDialog: 'plain text for a dialog (run by the buttons that confirm)',
  money: 'a number',
  trend: 'a number',
  billed: 'a number',
  sourceNote: 'a fixed note',
  slackTime: 'a date token from a time',
  slackDayTime: 'a date token from a time',
  slackDay: 'a date token from a time',
  formMetadata: 'private_metadata, not shown',
  describeRequest: 'domain re-export (run by every approval case)',
};
