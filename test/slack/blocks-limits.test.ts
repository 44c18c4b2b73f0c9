import { describe, expect, it } from 'vitest';
import { generatedFleet } from '../../dev/sandbox/index.js';
import type { DigestModel } from '../../src/domain/digest.js';
import { groupEnvironments, type Environment } from '../../src/domain/environments.js';
import type { ServiceDiagnosis } from '../../src/domain/diagnosis.js';
import type { ApprovalView } from '../../src/domain/notices.js';
import type { DecodedEvent } from '../../src/domain/trail/decode.js';
import type { ServiceSnapshot } from '../../src/domain/inventory.js';
import { COMMAND_HELP } from '../../src/slack/commands/registry.js';
import { deniedReply, unknownEnvironmentReply } from '../../src/slack/blocks/access.js';
import { liveAlertReply } from '../../src/slack/blocks/alerts.js';
import { approvalRequestReply, pendingApprovalsReply } from '../../src/slack/blocks/approval.js';
import { auditReply } from '../../src/slack/blocks/audit.js';
import type { Reply } from '../../src/slack/blocks/common.js';
import { costReply } from '../../src/slack/blocks/cost.js';
import { digestMessages, digestPreviewReply } from '../../src/slack/blocks/digest.js';
import { helpReply } from '../../src/slack/blocks/help.js';
import { homeView, type HomeEnvironment } from '../../src/slack/blocks/home.js';
import { idleReply } from '../../src/slack/blocks/idle.js';
import { listMessages, listReply, refreshFooter } from '../../src/slack/blocks/list.js';
import { logsReply } from '../../src/slack/blocks/logs.js';
import { MAX_SPEC_INPUT, scheduleEditorModal, schedulePresets } from '../../src/slack/blocks/modals.js';
import { operationReply } from '../../src/slack/blocks/operation.js';
import { scheduleExplanationReply } from '../../src/slack/blocks/schedule.js';
import { schedulerReportReply } from '../../src/slack/blocks/scheduler.js';
import { statusReply } from '../../src/slack/blocks/status.js';
import { whoReply } from '../../src/slack/blocks/who.js';
import { whyReply } from '../../src/slack/blocks/why.js';
import type { CostReport } from '../../src/store/cost-reports.js';
import type { AuditRow } from '../../src/store/audit-store.js';
import { service } from '../domain/fixtures.js';
import { slackLimitProblems, slackViewProblems } from '../support/slack-limits.js';
import { builderCases, textsOf, type Built } from './blocks-fixtures.js';

/**
 * Every builder within Slack's limits (50 blocks a message, 100 a Home tab or modal, 3,000 characters a
 * section, 150 a header, 75 a button, 2,000 a button value or field, 10 fields and context elements, 24 a
 * modal title, 40,000 the fallback text): on the longest inputs dockhand accepts, and on the largest fleet
 * the sandbox generates (the scheduler benchmark's 1,000 environments, here with all 10 service names).
 * Where a list does not fit, the message must say how many it left out.
 */

/** Every message (or view) a builder returned, checked by the limits that apply to it. */
function problemsOf(built: Built): string[] {
  // A piece of text is cut where a builder puts it into a block (section, linesToSections): checked there.
  if (typeof built === 'string') return [];
  if (Array.isArray(built)) {
    const first = built[0] as { type?: unknown; blocks?: unknown } | undefined;
    // A list of messages (listMessages, noticeMessages, a digest and its thread) or a list of blocks.
    if (first && 'blocks' in first) return built.flatMap((message, i) => slackLimitProblems(message as Reply).map((p) => `message ${i + 1}: ${p}`));
    return slackLimitProblems({ blocks: built });
  }
  const record = built as Record<string, unknown>;
  if (record.type === 'modal' || record.type === 'home') return slackViewProblems(record);
  if (record.type === 'plain_text') return [];
  return slackLimitProblems(record);
}

function textOf(built: Built): string {
  return JSON.stringify(built);
}

describe('every builder on the longest inputs dockhand accepts', () => {
  // A tag value holds up to 256 characters; `&` is the worst, five characters once escaped. AWS messages and
  // CloudTrail fields are not bounded by dockhand before they are shown: 4,000 characters of them.
  const name = `e${'&'.repeat(255)}`;
  const text = `${'<&>'.repeat(1333)}x`;
  const contact = `ask <@U0APPROVER> ${'&'.repeat(980)}`;
  const cases = builderCases({ name, text, contact });

  it.each(cases.map((c) => [c.label, c] as const))('%s', (_label, { build }) => {
    expect(problemsOf(build())).toEqual([]);
  });
});

const ENVIRONMENTS = 1000;
const SERVICES = 10;
const now = new Date('2026-03-23T20:00:00Z');
const RULES = { mode: 'tag' as const, tagKey: 'environment', ownerTagKey: 'owner', teamTagKey: 'team', tierTagKey: 'tier', clusterGlobs: ['*'], productionGlobs: ['prod-*'] };
const DEGRADED = (i: number) => i % 7 === 3;
const STOPPED = (i: number) => i % 13 === 5;

/** The generated fleet as the inventory would read it: every 7th environment failing, every 13th parked. */
function largestFleet(): Environment[] {
  const spec = generatedFleet({ environments: ENVIRONMENTS, servicesPerEnvironment: SERVICES, accounts: 3 });
  const snapshots: ServiceSnapshot[] = [];
  for (const cluster of spec.clusters) {
    for (const s of cluster.services) {
      const i = Number(/\d+$/.exec(s.tags.environment ?? '')?.[0]) - 1;
      const failing = DEGRADED(i);
      const desired = STOPPED(i) ? 0 : s.desired;
      snapshots.push(
        service({
          arn: `arn:aws:ecs:${cluster.region}:${cluster.account}:service/${cluster.name}/${s.name}`,
          account: cluster.account,
          region: cluster.region,
          cluster: cluster.name,
          name: s.name,
          environment: s.tags.environment ?? null,
          desired,
          running: failing ? 0 : desired,
          tags: s.tags,
          taskDefinition: { family: s.taskFamily ?? s.name, cpu: s.cpu, memoryMiB: s.memory, architecture: 'x86' } as never,
          deployments: [{ id: `ecs-svc/${i}`, status: 'PRIMARY', rolloutState: failing ? 'FAILED' : 'COMPLETED', desired, running: failing ? 0 : desired, pending: 0, failedTasks: failing ? 3 : 0, createdAt: null, updatedAt: null }],
          events: Array.from({ length: 10 }, (_, e) => ({ at: now.toISOString(), message: `(service ${s.name}) has reached a steady state ${'x'.repeat(200)} ${e}` })) as never,
        }),
      );
    }
  }
  return groupEnvironments(RULES, snapshots);
}

/** How many of the fleet's environment names a message mentions. */
function namesShown(built: Built, names: readonly string[]): number {
  const text = textOf(built);
  return names.filter((n) => text.includes(`${n}\``) || text.includes(`${n}*`) || text.includes(`${n} `) || text.includes(`${n}"`)).length;
}

describe(`every builder on the largest fleet: ${ENVIRONMENTS} environments × ${SERVICES} services`, () => {
  const fleet = largestFleet();
  const names = fleet.map((e) => e.name);
  const degraded = fleet.filter((e) => e.state === 'degraded');
  const biggest = fleet.find((e) => e.state === 'degraded')!;
  const longReason = `Deny: ${'r'.repeat(494)}`; // the deny form takes 500 characters
  const approvals: ApprovalView[] = fleet.slice(0, 300).map((e, i) => ({
    id: i + 1,
    environment: e.name,
    verb: 'scale',
    params: { service: e.services[0]!.name, count: 3 },
    requestedBy: 'U0REQ',
    status: 'pending',
    expiresAt: now.toISOString(),
    decidedBy: null,
    reason: longReason,
  }));
  const event = (e: Environment): DecodedEvent =>
    ({
      eventId: e.name,
      at: now,
      eventName: 'UpdateService',
      eventSource: 'ecs.amazonaws.com',
      region: 'us-east-1',
      accountId: '111111111111',
      sourceIp: '10.0.0.1',
      who: { kind: 'iam-user', name: `deployer-${'d'.repeat(60)}`, roleName: null, sessionName: null, slackUserId: null, arn: null, accountId: null },
      via: { kind: 'cli', label: 'aws-cli', tool: null, ci: null },
      what: { cluster: 'fleet-01', service: e.services[0]!.name, environment: e.name, desiredBefore: 1, desiredAfter: 0, minCapacity: null, maxCapacity: null },
      failed: false,
      errorCode: null,
      errorMessage: null,
      flags: ['scale-to-zero'],
    }) as DecodedEvent;
  const costRow = (environment: string) => ({ environment, estimate: 123.45, source: 'table' as const, previousEstimate: 100, trend: 23, billed: { dollars: 120, estimated: false }, saved: { parkedHours: 30, dollars: 12 }, watchedHours: 10 });
  const costReport = {
    rows: names.map(costRow),
    totals: { estimate: 123450, billed: { dollars: 120000, estimated: false }, saved: 12000, source: 'table' },
    unassigned: { estimate: 10, billed: null },
    watchedHours: 160,
    windowHours: 168,
    windows: { period: '7d', current: { from: now, to: now }, previous: { from: now, to: now } },
    services: biggest.services.map((s) => ({ arn: s.arn, name: s.name, cluster: s.cluster, environment: biggest.name, source: 'table', coveredHours: 160, taskHours: 160, dollars: 12 })),
  } as unknown as CostReport;
  const diagnosis = (s: ServiceSnapshot): ServiceDiagnosis => ({
    service: s.name,
    running: 0,
    desired: 1,
    symptoms: ['0/1 tasks running', 'its deployment failed', '3 tasks failed'],
    rollout: { state: 'FAILED', reason: `ECS deployment circuit breaker: ${'t'.repeat(900)}`, tryingForSeconds: 900, failedTasks: 3, rollbacks: 1 },
    stops: Array.from({ length: 5 }, (_, k) => ({ taskId: `task${k}${'0'.repeat(20)}`, stoppedAt: now.toISOString(), what: `The container exited with code 1 ${'w'.repeat(300)}`, next: 'Read its logs', restart: 'no' as const, raw: 'Essential container in task exited '.repeat(30), times: 4 })),
    advice: ['Read its error lines with `/env logs`.', 'a'.repeat(2000)],
  });
  const refresh = {
    startedAt: now.toISOString(),
    finishedAt: now.toISOString(),
    trigger: 'cron',
    awsCalls: 3000,
    services: ENVIRONMENTS * SERVICES,
    errors: Array.from({ length: 100 }, (_, i) => `AccessDenied in account ${i}: ${'e'.repeat(300)}`),
    failedLocations: Array.from({ length: 100 }, (_, i) => ({ account: String(i).padStart(12, '0'), accountName: `account ${i}`, region: 'eu-west-1', error: 'e'.repeat(500) })),
  };
  const homeItem = (env: Environment): HomeEnvironment => ({
    env,
    schedule: 'weekdays 09:00-19:00 Europe/Berlin · parks in 3h',
    monthToDate: 123,
    problem: env.state !== 'running',
    may: { start: true, stop: true, extend: true, schedule: true },
    protectedVerbs: { stop: env.tier === 'production', start: false },
  });
  const idleFindings = fleet.map((e) => ({ environment: e.name, tier: e.tier, state: e.state, owner: e.owner, running: e.running, monthlyCost: 40, reasons: [{ reason: 'no-owner' as const, detail: 'no owner tag' }] }));
  const digest: DigestModel = {
    localDate: '2026-03-23',
    timeZone: 'Europe/Berlin',
    environments: ENVIRONMENTS,
    sections: [
      { kind: 'fleet', summary: { total: ENVIRONMENTS, running: 800, parked: 77, degraded: degraded.length, other: 0, degradedNames: degraded.map((e) => e.name) } },
      { kind: 'idle', findings: idleFindings as never, orphans: fleet.slice(0, 200).map((e) => ({ service: e.services[0]!, monthlyCost: 3 })) },
      { kind: 'cost', rows: names.map((n) => ({ environment: n, yesterday: costRow(n), monthToDate: costRow(n) })) as never },
      { kind: 'changes', counts: names.map((n) => ({ environment: n, changes: 12, failed: 1, flagged: 1 })), flagged: fleet.map(event), gaps: Array.from({ length: 60 }, (_, i) => ({ label: `account ${i} eu-west-1`, kind: 'failed', atMs: now.getTime(), error: 'e'.repeat(300) })) as never, now },
      { kind: 'anomalies', alerts: names.slice(0, 300).map((n) => ({ environment: n, windowStart: now, recentDollars: 50, baselineDollars: 5 })) },
      { kind: 'approvals', pending: approvals },
      { kind: 'overrides', overrides: names.map((n) => ({ environment: n, override: { kind: 'up', until: now, reason: 'extend' } })) },
    ],
  };
  const listView = { environments: fleet, filter: null, orphanServices: 40, lastRefresh: refresh, now, schedules: new Map(names.map((n) => [n, 'weekdays 09:00-19:00 Europe/Berlin · parks in 3h'])), outsideSchedule: new Set(names.slice(0, 100)) };

  const cases: Array<[string, () => Built, { total?: number; names?: boolean }?]> = [
    ['listMessages', () => listMessages(listView), { total: ENVIRONMENTS, names: true }],
    ['listReply', () => listReply(listView), { total: ENVIRONMENTS, names: true }],
    ['homeView', () => homeView({ kind: 'member', userId: 'U0VIEWER', now, environments: fleet.map(homeItem), otherVisible: 40, approvals: approvals.map((request) => ({ request, own: false })), week: { parkedHours: 3000, dollars: 900 }, footer: refreshFooter(refresh, now) }), { total: ENVIRONMENTS, names: true }],
    ['digestMessages', () => { const { main, thread } = digestMessages(digest); return [main, ...thread]; }],
    ['digestMessages, every environment degraded', () => { const all = { ...digest, sections: [{ kind: 'fleet' as const, summary: { total: ENVIRONMENTS, running: 0, parked: 0, degraded: ENVIRONMENTS, other: 0, degradedNames: names } }] }; return digestMessages(all).main; }, { total: ENVIRONMENTS, names: true }],
    ['digestPreviewReply', () => digestPreviewReply(digest)],
    ['costReply fleet', () => costReply({ report: costReport, environment: null, showUnassigned: true }), { total: ENVIRONMENTS, names: true }],
    ['costReply one environment', () => costReply({ report: { ...costReport, rows: [costRow(biggest.name)] }, environment: biggest.name, showUnassigned: false })],
    ['idleReply', () => idleReply({ report: { findings: idleFindings, orphans: fleet.map((e) => ({ service: e.services[0]!, monthlyCost: 3 })) }, snoozeDays: 7 }), { total: ENVIRONMENTS, names: true }],
    ['whoReply fleet', () => whoReply({ events: [...fleet, ...fleet].map(event), gaps: Array.from({ length: 300 }, (_, i) => ({ label: `account ${i} eu-west-1`, kind: 'failed' as const, atMs: now.getTime(), error: 'e'.repeat(300) })), now, window: '7d', environment: null, footer: refreshFooter(refresh, now) }), { total: ENVIRONMENTS, names: true }],
    ['statusReply', () => statusReply(biggest, now, refreshFooter(refresh, now), 'weekdays 09:00-19:00 Europe/Berlin · parks in 3h')],
    ['whyReply', () => whyReply({ env: biggest, diagnoses: biggest.services.map(diagnosis), service: null, logLines: new Map(biggest.services.map((s) => [s.name, { kind: 'lines', lines: Array.from({ length: 20 }, () => 'E'.repeat(1000)), window: '1h' }])), sampleFailures: new Map(biggest.services.map((s) => [s.name, { at: now.toISOString(), error: 'f'.repeat(1000) }])), footer: refreshFooter(refresh, now), now })],
    // Past 50 blocks: what is cut is said, hint and all (an environment of 60 services, one of 5,000).
    ['whyReply, 60 services', () => whyReply({ env: biggest, diagnoses: Array.from({ length: 60 }, (_, i) => ({ ...diagnosis(biggest.services[0]!), service: `svc-${i}` })), service: null, footer: 'footer', now })],
    ['costReply, 5,000 services', () => costReply({ report: { ...costReport, rows: [costRow(biggest.name)], services: Array.from({ length: 5000 }, (_, i) => ({ arn: `a${i}`, name: `svc-${i}`, cluster: 'c', environment: biggest.name, source: 'table', coveredHours: 1, taskHours: 1, dollars: 1 })) } as unknown as CostReport, environment: biggest.name, showUnassigned: false })],
    ['operationReply', () => operationReply({ id: 1, verb: 'restart', environment: biggest.name, requestedBy: 'U0REQ', approvedBy: 'U0APPROVER', status: 'partial', startedAt: now.toISOString(), finishedAt: now.toISOString(), steps: biggest.services.map((s) => ({ service: s.name, status: 'failed', detail: 'x'.repeat(1000) })), note: 'n'.repeat(1000), rollouts: { until: now.toISOString(), ended: false, lines: biggest.services.map((s) => ({ service: s.name, state: 'failed', seconds: 600, reason: 'r'.repeat(1000), rollback: true, diagnosis: diagnosis(s) })) } })],
    ['schedulerReportReply', () => schedulerReportReply(now, names.map((n) => ({ environment: n, owner: 'maria@example.com', action: { kind: 'park', reason: 'schedule' } as never, outcome: `parked ${'o'.repeat(100)}` }))), { total: ENVIRONMENTS, names: true }],
    ['pendingApprovalsReply', () => pendingApprovalsReply(approvals), { total: approvals.length, names: true }],
    ['approvalRequestReply', () => approvalRequestReply({ ...approvals[0]!, params: { service: 's'.repeat(255), count: 3 } }, 'o'.repeat(3000))],
    ['auditReply', () => auditReply({ rows: Array.from({ length: 25 }, (_, i): AuditRow => ({ id: i, at: now.toISOString(), actor: 'U0ACTOR', verb: 'schedule', environment: biggest.name, params: { text: `schedule ${biggest.name} ${'m'.repeat(MAX_SPEC_INPUT)}` }, outcome: 'error', detail: 'd'.repeat(2000), durationMs: 3 })), total: 100_000, page: 2, pageSize: 25, scope: 'the environments you can see', environment: null })],
    ['liveAlertReply', () => liveAlertReply({ environment: biggest.name, now, items: [...biggest.services.map((s) => ({ kind: 'deployment-failed' as const, service: s.name, serviceArn: s.arn, deploymentId: 'ecs-svc/1', rolledBack: true, reason: 'r'.repeat(1000), failedTasks: 3, at: now.toISOString() })), { kind: 'degraded' as const, since: now.toISOString(), services: biggest.services.map((s) => ({ name: s.name, running: 0, desired: 1 })) }, ...fleet.slice(0, 40).map((e) => ({ kind: 'trail-flag' as const, event: event(e) }))] })],
    ['unknownEnvironmentReply', () => unknownEnvironmentReply('e'.repeat(256), names)],
    ['deniedReply', () => deniedReply('stop', biggest.name, names.map((n, i) => `user:U0${String(i).padStart(8, '0')}`), 'ask <@U0APPROVER> '.repeat(100))],
    ['logsReply', () => logsReply({ environment: biggest.name, service: biggest.services[0]!.name, query: { window: '6h', errorsOnly: false, text: 'q'.repeat(200) }, answer: { kind: 'lines', source: { kind: 'cloudwatch', group: `/ecs/${'g'.repeat(500)}`, streamPrefix: 'ecs', region: 'us-east-1' } as never, lines: Array.from({ length: 1000 }, (_, i) => ({ timestamp: now.getTime() + i, text: '&'.repeat(1000) })), matched: 100_000, read: 100_000, truncated: true, from: now, to: now } })],
    ['scheduleEditorModal', () => scheduleEditorModal({ environment: 'e'.repeat(256), current: 'c'.repeat(3000), presets: schedulePresets(Array.from({ length: 300 }, (_, i) => `policy-${i}-${'p'.repeat(140)}`)), zone: 'America/Argentina/ComodRivadavia', preview: { ok: false, problem: 'p'.repeat(3000) } })],
    ['scheduleExplanationReply', () => scheduleExplanationReply(biggest.name, { resolved: { schedule: null, text: 's'.repeat(MAX_SPEC_INPUT), source: { kind: 'default', environments: names }, problem: 'p'.repeat(2000) }, override: null, next: null } as never)],
    ['helpReply', () => helpReply(COMMAND_HELP)],
  ];

  it('has the whole fleet to build from', () => {
    expect(fleet).toHaveLength(ENVIRONMENTS);
    expect(fleet.reduce((sum, e) => sum + e.services.length, 0)).toBe(ENVIRONMENTS * SERVICES);
    expect(degraded.length).toBeGreaterThan(100);
  });

  it.each(cases)('%s is within Slack’s limits and says what it left out', (label, build, expectation) => {
    const built = build();
    expect(problemsOf(built), label).toEqual([]);
    // What is said about a cut (its hints included) is mrkdwn too: a literal `<env>` there would be read as a link.
    for (const text of textsOf(built).mrkdwn) expect(text.match(/<[a-z][a-z -]*>/g) ?? [], label).toEqual([]);
    if (expectation?.names) {
      const shown = namesShown(built, names.slice(0, expectation.total));
      const text = textOf(built);
      if (shown < expectation.total!) expect(text, `${label} shows ${shown} of ${expectation.total} and must say so`).toMatch(/\d+ more|…and \d+/);
      console.info(`${label}: ${shown} of ${expectation.total} shown`);
    }
  });
});

describe('the limits checker', () => {
  it('finds each breach it is asked about, so the passes above mean something', () => {
    const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
    expect(slackLimitProblems({ blocks: Array.from({ length: 51 }, () => section('a')) })).toEqual(['51 blocks > 50']);
    expect(slackLimitProblems({ text: 'x'.repeat(40_001), blocks: [section('x'.repeat(3001)), { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }, section('')] })).toHaveLength(4);
    const button = { type: 'button', action_id: 'a'.repeat(256), text: { type: 'plain_text', text: 'b'.repeat(76) }, value: 'v'.repeat(2001) };
    expect(slackLimitProblems({ blocks: [{ type: 'actions', elements: [button] }] })).toHaveLength(3);
    expect(slackLimitProblems({ blocks: [{ type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })) }] })).toHaveLength(1);
    expect(slackLimitProblems({ blocks: [{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f'.repeat(2001) })) }] })).toHaveLength(12);
    const modal = { type: 'modal', title: { type: 'plain_text', text: 't'.repeat(25) }, private_metadata: 'm'.repeat(3001), blocks: Array.from({ length: 101 }, () => section('a')) };
    expect(slackViewProblems(modal)).toEqual(['title 25 > 24', 'private_metadata 3001', '101 blocks > 100']);
    const select = { type: 'input', label: { type: 'plain_text', text: 'l' }, element: { type: 'static_select', options: Array.from({ length: 101 }, () => ({ text: { type: 'plain_text', text: 'o'.repeat(76) }, value: 'v' })) } };
    expect(slackViewProblems({ type: 'home', blocks: [select] })).toHaveLength(102);
  });
});
