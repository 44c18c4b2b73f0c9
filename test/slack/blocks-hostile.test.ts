import { liveAlertReply } from '../../src/slack/blocks/alerts.js';
import { describe, expect, it } from 'vitest';
import { COMMAND_HELP, parseEnvCommand } from '../../src/slack/commands/registry.js';
import type { DecodedEvent } from '../../src/domain/trail/decode.js';
import type { DigestModel } from '../../src/domain/digest.js';
import type { Environment } from '../../src/domain/environments.js';
import type { IdleFinding, OrphanService } from '../../src/domain/idle.js';
import { deniedReply, noAccessReply, unknownEnvironmentReply } from '../../src/slack/blocks/access.js';
import { approvalRequestReply, denyReasonModal, pendingApprovalsReply, type ApprovalView } from '../../src/slack/blocks/approval.js';
import { auditReply } from '../../src/slack/blocks/audit.js';
import type { Reply } from '../../src/slack/blocks/common.js';
import { anomalyAlertReply, costReply } from '../../src/slack/blocks/cost.js';
import { digestMessages, digestPreviewReply } from '../../src/slack/blocks/digest.js';
import { helpReply, unknownVerbReply, usageReply } from '../../src/slack/blocks/help.js';
import { idleReply, snoozedReply } from '../../src/slack/blocks/idle.js';
import { listReply, refreshFooter } from '../../src/slack/blocks/list.js';
import { busyText, operationReply } from '../../src/slack/blocks/operation.js';
import { scheduleExplanationReply, scheduleSummary } from '../../src/slack/blocks/schedule.js';
import { schedulerReportReply, warningReply } from '../../src/slack/blocks/scheduler.js';
import { statusReply } from '../../src/slack/blocks/status.js';
import { whoReply } from '../../src/slack/blocks/who.js';
import type { TrailGap } from '../../src/domain/trail/changes.js';
import type { AuditRow } from '../../src/store/audit-store.js';
import type { CostReport } from '../../src/store/cost-reports.js';
import { service } from '../domain/fixtures.js';

/**
 * Every message builder, fed names, tags, reasons and errors an attacker chose, must leave no Slack control
 * sequence (a broadcast, a mention, a channel link, a link) in any mrkdwn text, and no backtick that ends a
 * code span early. Plain-text fields (headers, button labels) are not parsed by Slack and are not checked.
 */

/** Sits where an environment or service name goes: inside inline code. `TICK`BREAK` survives only if a backtick does. */
const NAME = 'x<!channel>TICK`BREAK<@U123><#C999><https://evil.example|click>&amp;';
/** Free text: owners, reasons, AWS error messages, policy text. */
const TEXT = 'see <!here> <!everyone> <@U123> <#C999> <https://evil.example|click here> & `x`';
/** `access_contact` from the policy: its well-formed mentions of people are meant to render, the rest is not. */
const CONTACT = 'ask <!here> or <https://evil.example|here> or <@U0APPROVER> & co';
/** The ids dockhand itself names people by: mentions built from these are expected. */
const LEGIT_USERS = ['U0REQ', 'U0APPROVER', 'U0ACTOR'];

function mrkdwnTexts(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) mrkdwnTexts(item, out);
  else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (record.type === 'mrkdwn' && typeof record.text === 'string') out.push(record.text);
    for (const [key, item] of Object.entries(record)) if (key !== 'text' || typeof item !== 'string') mrkdwnTexts(item, out);
  }
  return out;
}

/** The reply's fallback `text` (Slack parses it as mrkdwn) and every mrkdwn text object in its blocks. */
function textsOf(reply: Reply | Record<string, unknown> | string): string[] {
  if (typeof reply === 'string') return [reply];
  const top = typeof reply.text === 'string' ? [reply.text] : [];
  return [...top, ...mrkdwnTexts((reply as { blocks?: unknown }).blocks ?? [])];
}

function controlSequences(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/<([!@#]|https?:|mailto:)[^>]*>?/gi)) {
    const token = match[0];
    if (/^<!date\^\d+\^[^|>]*\|[^>]*>$/.test(token)) continue; // dockhand's own time formatting
    if (/^<!subteam\^S0[A-Z0-9]+>$/.test(token)) continue; // a user group named by the policy's subjects
    const user = /^<@([UW][A-Z0-9]+)>$/.exec(token);
    if (user && LEGIT_USERS.includes(user[1]!)) continue;
    found.push(token);
  }
  // Inside a code span (an odd number of backticks before it), the name's own backtick would close the span.
  for (let at = text.indexOf('TICK`BREAK'); at >= 0; at = text.indexOf('TICK`BREAK', at + 1)) {
    if ((text.slice(0, at).match(/`/g) ?? []).length % 2 === 1) found.push('backtick closing a code span');
  }
  return found;
}

function expectClean(label: string, reply: Reply | Record<string, unknown> | string): void {
  const texts = textsOf(reply);
  expect(texts.length, `${label} produced text`).toBeGreaterThan(0);
  for (const text of texts) expect(controlSequences(text), `${label}: ${text.slice(0, 300)}`).toEqual([]);
}

const now = new Date('2026-03-02T10:00:00Z');
const hostileService = service({
  name: NAME,
  environment: NAME,
  cluster: NAME,
  region: 'us-east-1',
  desired: 2,
  running: 1,
  taskDefinition: { family: NAME, cpu: 256, memoryMiB: 512, architecture: 'x86' } as never,
  events: [{ at: '2026-03-02T09:00:00Z', message: TEXT } as never],
  deployments: [{ id: 'd1', status: 'PRIMARY', rolloutState: 'FAILED', desired: 2, running: 1, pending: 0, failedTasks: 1, createdAt: null, updatedAt: null }],
});
const env: Environment = {
  name: NAME,
  tier: 'production',
  owner: TEXT,
  team: TEXT,
  locations: [TEXT],
  services: [hostileService],
  state: 'degraded',
  running: 1,
  desired: 2,
} as Environment;

const approval = (status: ApprovalView['status']): ApprovalView => ({
  id: 7,
  environment: NAME,
  verb: 'scale',
  params: { service: NAME, count: 3 },
  requestedBy: 'U0REQ',
  status,
  expiresAt: '2026-03-02T10:30:00Z',
  decidedBy: status === 'pending' ? null : 'U0APPROVER',
  reason: status === 'denied' ? TEXT : null,
});

const event: DecodedEvent = {
  eventId: 'e1',
  at: now,
  eventName: 'UpdateService',
  eventSource: 'ecs.amazonaws.com',
  region: 'us-east-1',
  accountId: '111111111111',
  sourceIp: TEXT,
  who: { kind: 'iam-user', name: TEXT, roleName: null, sessionName: null, slackUserId: null, arn: null, accountId: null },
  via: { kind: 'cli', label: TEXT, tool: null, ci: null },
  what: { cluster: NAME, service: NAME, environment: NAME, desiredBefore: 2, desiredAfter: 0, minCapacity: null, maxCapacity: null },
  failed: true,
  errorCode: TEXT,
  errorMessage: TEXT,
  flags: ['scale-to-zero'],
} as DecodedEvent;
/** A person acting through dockhand is a mention built from their id; the rest of the line is still CloudTrail's. */
const viaDockhand: DecodedEvent = { ...event, who: { ...event.who, kind: 'slack-user-via-dockhand', name: '<@U0ACTOR>', slackUserId: 'U0ACTOR' } };

const finding: IdleFinding = { environment: NAME, tier: 'non-production', state: 'running', owner: TEXT, running: 1, monthlyCost: 12, reasons: [{ reason: 'no-owner', detail: TEXT }] };
const orphan: OrphanService = { service: hostileService, monthlyCost: 3 };
const costRow = { environment: NAME, estimate: 10, source: 'table' as const, previousEstimate: 5, trend: 100, billed: { dollars: 9, estimated: false }, saved: { parkedHours: 3, dollars: 1 } };
const costReport = {
  rows: [costRow],
  totals: { estimate: 10, billed: null, saved: 1, source: 'table' },
  unassigned: { estimate: 1, billed: null },
  watchedHours: 10,
  windowHours: 100,
  windows: { period: '7d', current: { from: now, to: now }, previous: { from: now, to: now } },
  services: [{ arn: 'a', name: NAME, cluster: NAME, environment: NAME, source: 'unpriced', coveredHours: 1, taskHours: 1, dollars: 1 }],
} as unknown as CostReport;
const explanation = {
  resolved: { schedule: { kind: 'windows', windows: [], timeZone: 'UTC', name: TEXT }, text: TEXT, source: { kind: 'default', environments: [NAME] }, problem: null },
  override: { kind: 'up', until: now, reason: 'extend' },
  next: { at: now, kind: 'down' },
} as never;
const brokenSchedule = { resolved: { schedule: null, text: TEXT, source: { kind: 'tag', key: NAME }, problem: TEXT }, override: null, next: null } as never;
const digest: DigestModel = {
  localDate: '2026-03-02',
  timeZone: 'UTC',
  environments: 1,
  sections: [
    { kind: 'fleet', summary: { total: 1, running: 0, parked: 0, degraded: 1, other: 0, degradedNames: [NAME] } },
    { kind: 'idle', findings: [finding], orphans: [orphan] },
    { kind: 'cost', rows: [{ environment: NAME, yesterday: costRow, monthToDate: costRow }] },
    { kind: 'changes', counts: [{ environment: NAME, changes: 1, failed: 1, flagged: 1 }], flagged: [event, viaDockhand], gaps: [{ label: TEXT, kind: 'failed', atMs: now.getTime() - 60_000, error: TEXT }], now },
    { kind: 'anomalies', alerts: [{ environment: NAME, windowStart: now, recentDollars: 5, baselineDollars: 1 }] },
  ],
} as DigestModel;
const auditRows: AuditRow[] = [
  { id: 1, at: now.toISOString(), actor: 'U0ACTOR', verb: 'stop', environment: NAME, params: { text: `stop ${NAME}` }, outcome: 'denied', detail: TEXT, durationMs: 3 },
  { id: 2, at: now.toISOString(), actor: TEXT, verb: 'aws:UpdateService', environment: NAME, params: { service: NAME }, outcome: 'error', detail: TEXT, durationMs: null },
];

describe('every message builder on hostile names and reasons', () => {
  const hostileGaps: TrailGap[] = [
    { label: TEXT, kind: 'failed', atMs: now.getTime() - 60_000, error: TEXT },
    { label: TEXT, kind: 'never-read' },
  ];
  const builders: Array<[string, () => Reply | Record<string, unknown> | string]> = [
    ['noAccessReply', () => noAccessReply(CONTACT)],
    ['deniedReply', () => deniedReply('stop', NAME, ['user:U0REQ', 'group:S0PLATFORM'], CONTACT)],
    ['unknownEnvironmentReply', () => unknownEnvironmentReply(NAME, [NAME])],
    ...(['pending', 'approved', 'denied', 'expired'] as const).map((status): [string, () => Reply] => [`approvalRequestReply ${status}`, () => approvalRequestReply(approval(status), TEXT.replace(/[<>&]/g, ''))]),
    ['pendingApprovalsReply', () => pendingApprovalsReply([approval('pending')])],
    ['denyReasonModal', () => denyReasonModal(7, `/env stop ${NAME}`)],
    ['auditReply', () => auditReply({ rows: auditRows, total: 60, page: 2, pageSize: 25, scope: 'the environments you can see', environment: NAME })],
    ['costReply one environment', () => costReply({ report: costReport, environment: NAME, showUnassigned: true })],
    ['costReply fleet', () => costReply({ report: costReport, environment: null, showUnassigned: true })],
    ['anomalyAlertReply', () => anomalyAlertReply({ environment: NAME, tier: 'production', recentDollars: 5, baselineDollars: 1, baselineDays: 3, increase: { dollars: 4, percent: 400 } }, 3)],
    ['digestMessages', () => digestMessages(digest).main],
    ['digestPreviewReply', () => digestPreviewReply(digest)],
    // The parser's problems quote what was typed: these are the replies a hostile command gets.
    ...[NAME, `status ${NAME}`, `list ${NAME}`, `scale qa-1 api ${NAME}`, `grant ${NAME} admin * 1h`, `who qa-1 ${NAME}`].map((typed): [string, () => Reply] => [
      `reply to /env ${typed.slice(0, 12)}…`,
      () => {
        const parsed = parseEnvCommand(typed);
        if (parsed.ok) throw new Error(`${typed} parsed`);
        return parsed.usage ? usageReply(parsed.problem, parsed.usage) : unknownVerbReply(parsed.problem, parsed.suggestions ?? []);
      },
    ]),
    ['helpReply', () => helpReply(COMMAND_HELP)],
    ['idleReply', () => idleReply({ report: { findings: [finding], orphans: [orphan] }, snoozeDays: 7 })],
    ['snoozedReply', () => snoozedReply(NAME, now)],
    ['listReply', () => listReply({ environments: [env], filter: NAME, orphanServices: 1, lastRefresh: undefined, now, schedules: new Map([[NAME, scheduleSummary(explanation)]]) })],
    ['refreshFooter', () => refreshFooter({ startedAt: now.toISOString(), finishedAt: now.toISOString(), trigger: TEXT, awsCalls: 3, services: 1, errors: [TEXT], failedLocations: [{ account: '1', accountName: TEXT, region: TEXT, error: TEXT }] }, now)],
    [
      'operationReply',
      () =>
        operationReply({
          id: 3,
          verb: 'stop',
          environment: NAME,
          requestedBy: 'U0REQ',
          approvedBy: 'U0APPROVER',
          status: 'partial',
          startedAt: now.toISOString(),
          finishedAt: now.toISOString(),
          steps: [{ service: NAME, status: 'failed', detail: TEXT }],
          note: TEXT,
        }),
    ],
    ['scheduleSummary', () => scheduleSummary(explanation)],
    ['scheduleSummary with a problem', () => scheduleSummary(brokenSchedule)],
    ['scheduleExplanationReply', () => scheduleExplanationReply(NAME, explanation)],
    ['scheduleExplanationReply from a tag', () => scheduleExplanationReply(NAME, brokenSchedule)],
    [
      'schedulerReportReply',
      () =>
        schedulerReportReply(now, [
          { environment: NAME, owner: TEXT, action: { kind: 'announce-new', parkAt: now }, outcome: TEXT },
          { environment: NAME, owner: TEXT, action: { kind: 'park', reason: TEXT }, outcome: `failed: ${TEXT}` },
        ]),
    ],
    ['warningReply', () => warningReply(env, now, 'schedule')],
    ['statusReply', () => statusReply(env, now, 'read just now', scheduleSummary(explanation))],
    ['whoReply one environment', () => whoReply({ events: [event, viaDockhand], gaps: hostileGaps, now, window: '7d', environment: NAME, footer: 'footer' })],
    ['whoReply fleet', () => whoReply({ events: [event, viaDockhand], gaps: hostileGaps, now, window: '24h', environment: null, footer: 'footer' })],
    ['whoReply with nothing read', () => whoReply({ events: [], gaps: hostileGaps, now, window: '24h', environment: NAME, footer: 'footer' })],
    [
      'liveAlertReply',
      () =>
        liveAlertReply({
          environment: NAME,
          now,
          items: [
            { kind: 'deployment-failed', service: NAME, serviceArn: 'arn:s', deploymentId: NAME, rolledBack: true, reason: TEXT, failedTasks: 2, at: now.toISOString() },
            { kind: 'degraded', since: now.toISOString(), services: [{ name: NAME, running: 0, desired: 1 }] },
            { kind: 'trail-flag', event },
          ],
        }),
    ],
    ['liveAlertReply, no environment', () => liveAlertReply({ environment: null, now, items: [{ kind: 'trail-flag', event: viaDockhand }] })],
    ['busyText', () => busyText({ id: 1, verb: 'stop', environment: NAME, requestedBy: 'U0REQ', startedAt: now.toISOString() } as never, now)],
  ];

  it.each(builders)('%s leaves no control sequence', (label, build) => {
    expectClean(label, build());
  });

  it('keeps the mentions dockhand builds itself, so the check above is not vacuous', () => {
    expect(textsOf(approvalRequestReply(approval('denied'))).join('\n')).toContain('<@U0REQ>');
    expect(textsOf(whoReply({ events: [viaDockhand], gaps: [], now, window: '24h', environment: null, footer: 'f' })).join('\n')).toContain('<@U0ACTOR>');
    expect(textsOf(noAccessReply(CONTACT)).join('\n')).toContain('<@U0APPROVER>');
    expect(controlSequences(`hello <!channel> <@U123> \`a TICK\`BREAK\``)).toEqual(['<!channel>', '<@U123>', 'backtick closing a code span']);
    // What was escaped still reads as the original once Slack renders the entities.
    expect(textsOf(statusReply(env, now, 'f', 's')).join('\n')).toContain('&lt;!here&gt;');
  });
});
