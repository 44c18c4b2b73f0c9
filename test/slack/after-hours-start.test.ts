import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parsePolicy } from '../../src/config/load.js';
import { afterHoursApprovalRequired } from '../../src/domain/access/approvals.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { FakeSlackCall } from '../support/fake-slack.js';
import { startHarness, TEST_POLICY, type Harness } from '../support/harness.js';
import { askPrivately, blocksText, clickButton, operationOutcome, sendCommand } from '../support/slack-requests.js';

/** dev and qa on business hours in Berlin; extending past them and starting outside them need a lead. Times are UTC (CET = UTC+1). */
const POLICY = `${TEST_POLICY.replace('protect:\n', 'protect:\n  - environments: ["*"]\n    after_hours_approval: [extend, start]\n')}
schedules:
  grace_minutes: 0
  defaults:
    - environments: ["dev-*", "qa-*"]
      schedule: "weekdays 09:00-19:00 Europe/Berlin"
`;

let h: Harness;
const clock = new ManualClock('2026-03-23T08:30:00Z'); // Monday 09:30 in Berlin
const desired = (service: string) => h.sandbox.service('111111111111', 'us-east-1', 'nonprod', service)?.desiredCount;
const approvalPosts = () => h.slack.callsTo('chat.postMessage').filter((c) => c.body.channel === 'C0APPROVALS');

beforeAll(async () => {
  h = await startHarness({ clock, policy: parsePolicy(POLICY), sandbox: { clock }, scheduler: false });
  h.slack.respond('usergroups.list', { ok: true, usergroups: [{ id: 'S0PLATFORM', users: ['U0LEE', 'U0KIM'] }] });
  await h.dockhand.scheduler.tick(clock.now());
});
afterAll(() => h.close());
beforeEach(() => h.slack.reset());

async function tickAt(iso: string) {
  clock.set(iso);
  await h.dockhand.refresher.refresh('test');
  return h.dockhand.scheduler.tick(clock.now());
}

async function click(userId: string, id: string): Promise<FakeSlackCall> {
  const { responseId } = await clickButton(h.eventsUrl, h.slack, userId, 'approval_approve', id);
  return h.slack.waitFor((c) => c.method === 'response_url' && c.responseId === responseId, 15_000);
}

/** The request id the approvers' message carries on its Approve button. */
function approveButtonOf(post: FakeSlackCall): string {
  const actions = (post.body.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find((b) => b.type === 'actions');
  const approve = actions?.elements?.find((e) => e.action_id === 'approval_approve');
  if (!approve || !actions?.elements?.some((e) => e.action_id === 'approval_deny')) throw new Error('the approval message has no Approve and Deny buttons');
  return approve.value;
}

describe('a start outside the schedule’s hours, with `start` under after_hours_approval', () => {
  it('runs at once within the hours', async () => {
    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'stop dev-1');
    expect(String((await operationOutcome(h.slack)).final.body.text)).toMatch(/^`dev-1` stopped/);
    h.slack.reset();
    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'start dev-1');
    expect(String((await operationOutcome(h.slack)).final.body.text)).toMatch(/^`dev-1` started/);
    expect(approvalPosts()).toHaveLength(0);
    expect(desired('dev-1-api')).toBeGreaterThan(0);
    // Up until its schedule's next edge, this evening's.
    await vi.waitFor(async () => expect(blocksText(await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'list dev-1'))).toMatch(/overridden up until [^|]+\|2026-03-23 18:00 UTC>/));
  });

  it('at 20:00 goes to the approvers instead of running; asking again is answered with the waiting request', async () => {
    await tickAt('2026-03-23T18:00:00Z'); // 19:00 Berlin: the schedule parks dev and qa
    expect(desired('dev-1-api')).toBe(0);
    clock.set('2026-03-23T19:00:00Z');
    h.slack.reset();
    h.sandbox.resetCounts();
    const answer = await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'start dev-1');
    expect(answer.body.text).toMatch(/^`\/env start dev-1` needs a second person: request #\d+ is waiting in <#C0APPROVALS> and expires in 30 minutes\./);
    const [post] = approvalPosts();
    const id = approveButtonOf(post as FakeSlackCall);
    expect(JSON.stringify(post?.body.blocks)).toContain('<@U0MARIA> asks to run `/env start dev-1`');
    expect(desired('dev-1-api')).toBe(0);
    expect(h.sandbox.countCalls({ operation: 'UpdateService' })).toBe(0);

    const again = await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'start dev-1');
    expect(again.body.text).toMatch(new RegExp(`^Your request #${id} for \`/env start dev-1\` is already waiting for approval`));
    expect(approvalPosts()).toHaveLength(1);
    const audited = (await h.dockhand.audit.recent(10, 'dev-1')).filter((r) => r.actor === 'U0MARIA' && (r.verb === 'start' || r.verb === 'request:start'));
    expect(audited.map((r) => `${r.verb} ${r.outcome} ${r.detail}`).reverse()).toEqual([
      'request:start requested posted to C0APPROVALS',
      'start requested start outside its schedule needs approval',
      `request:start busy already waiting as #${id}`,
      'start requested start outside its schedule needs approval',
    ]);
  });

  it('runs once when a lead approves, and then stays up through the night as any start does', async () => {
    const id = (await h.dockhand.approvals.pending()).find((p) => p.verb === 'start' && p.environment === 'dev-1')?.id;
    expect(id).toBeDefined();
    expect((await click('U0MARIA', String(id))).body.text).toBe('Not counted: you cannot approve or deny your own request; another person with `approve` must.');
    expect(desired('dev-1-api')).toBe(0);
    const approved = await click('U0LEE', String(id));
    expect(approved.body.text).toMatch(new RegExp(`^You approved request #${id}\\. Operation #\\d+: succeeded`));
    expect((await click('U0KIM', String(id))).body.text).toBe(`Not counted: request #${id} was already approved by <@U0LEE>.`);
    expect(desired('dev-1-api')).toBeGreaterThan(0);
    const dm = await h.slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'U0MARIA');
    expect(String(dm.body.text)).toMatch(/^Your request `\/env start dev-1` was approved by <@U0LEE>\./);
    expect((await h.dockhand.audit.recent(20, 'dev-1')).filter((r) => r.verb === 'approve').map((r) => `${r.actor} ${r.outcome}`)).toEqual(['U0LEE approved', 'U0MARIA denied']);

    for (const at of ['2026-03-23T21:00:00Z', '2026-03-24T03:00:00Z', '2026-03-24T07:30:00Z']) await tickAt(at);
    expect(desired('dev-1-api')).toBeGreaterThan(0);
    expect(desired('dev-2-api')).toBe(0);
  });

  it('is cancelled at Approve when the requester no longer holds `start`', async () => {
    clock.set('2026-03-24T07:40:00Z'); // Tuesday 08:40 in Berlin, before hours
    await askPrivately(h.eventsUrl, h.slack, 'U0ADMIN', 'grant <@U0SAM> developer dev-2 8h');
    const answer = await askPrivately(h.eventsUrl, h.slack, 'U0SAM', 'start dev-2');
    expect(answer.body.text).toMatch(/^`\/env start dev-2` needs a second person: request #\d+/);
    const id = approveButtonOf(approvalPosts()[0] as FakeSlackCall);
    await askPrivately(h.eventsUrl, h.slack, 'U0ADMIN', 'revoke <@U0SAM>');
    expect((await click('U0LEE', id)).body.text).toBe(`Not counted: <@U0SAM> no longer holds \`start\` on \`dev-2\` (a grant ended or a binding changed), so request #${id} is cancelled and nothing ran.`);
    expect(desired('dev-2-api')).toBe(0);
  });
});

describe('a start asked within the hours that finishes after the evening edge', () => {
  const qa1 = () => h.sandbox.services().filter((s) => s.tags.environment === 'qa-1');
  const isQa1Update = (r: { operation: string; params: unknown }) => r.operation === 'UpdateService' && qa1().some((s) => [s.name, s.arn].includes(String((r.params as { service?: string }).service)));
  const startedBy = async (userId: string) => (await h.dockhand.audit.recent(50, 'qa-1')).filter((r) => r.actor === userId && r.verb === 'start').length;

  it('is an override until that edge, so the next tick parks it (it needed no approval, so it does not last the night)', async () => {
    await tickAt('2026-03-24T08:00:00Z'); // Tuesday 09:00 in Berlin: the schedule restores qa-1
    expect(desired('qa-1-api')).toBe(2);
    clock.set('2026-03-24T17:00:00Z');
    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'stop qa-1');
    expect(String((await operationOutcome(h.slack)).final.body.text)).toMatch(/^`qa-1` stopped/);
    await vi.waitFor(async () => expect((await h.dockhand.audit.recent(50, 'qa-1')).some((r) => r.actor === 'U0MARIA' && r.verb === 'stop')).toBe(true));

    // 18:59:30 in Berlin, within the hours: the start runs at once, and its calls are still in flight at 19:00.
    clock.set('2026-03-24T17:59:30Z');
    const hold = h.sandbox.hold(isQa1Update);
    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'start qa-1');
    await hold.reached;
    clock.set('2026-03-24T18:00:30Z');
    hold.release();
    // The command is audited once the operation and what listens for its end (the override) are done.
    await vi.waitFor(async () => expect(await startedBy('U0MARIA')).toBe(1), { timeout: 15_000 });
    expect(desired('qa-1-api')).toBe(2);
    expect(approvalPosts()).toHaveLength(0);

    const report = await tickAt('2026-03-24T18:01:00Z');
    expect(report.actions.filter((a) => a.environment === 'qa-1').map((a) => a.action.kind)).toEqual(['end-override', 'park']);
    expect(desired('qa-1-api')).toBe(0);
  });
});

describe('after_hours_approval in the policy file', () => {
  const policyWith = (verbs: string) => TEST_POLICY.replace('protect:\n', `protect:\n  - environments: ["*"]\n    after_hours_approval: ${verbs}\n`);
  const problemOf = (verbs: string) => {
    try {
      parsePolicy(policyWith(verbs));
    } catch (error) {
      return (error as Error).message;
    }
    return 'accepted';
  };

  it('takes extend, start and "*"', () => {
    expect(parsePolicy(policyWith('[extend, start]')).protect[0]?.after_hours_approval).toEqual(['extend', 'start']);
    const every = parsePolicy(policyWith('["*"]')).protect;
    expect(every[0]?.after_hours_approval).toEqual(['*']);
    // "*" is every verb after-hours approval can mean: extend and start.
    expect(['extend', 'start', 'stop', 'restart', 'scale'].filter((verb) => afterHoursApprovalRequired(every, verb, 'dev-1'))).toEqual(['extend', 'start']);
  });

  it('refuses a verb it cannot mean anything for, naming it and the verbs allowed', () => {
    expect(problemOf('[extend, stop]')).toContain(
      'protect[0].after_hours_approval[1]: got "stop"; after-hours approval cannot apply to "stop": only verbs that keep an environment up outside its schedule can (extend, start, or "*" for both); list "stop" under approval to have it approved at any hour',
    );
    expect(problemOf('[view]')).toContain('after-hours approval cannot apply to "view": only verbs that keep an environment up outside its schedule can (extend, start, or "*" for both)');
    expect(problemOf('[deploy]')).toContain('got "deploy"; unknown verb "deploy"; after_hours_approval takes extend, start, or "*" for both');
  });
});
