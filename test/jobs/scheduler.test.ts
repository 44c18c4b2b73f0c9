import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/load.js';
import { ManualClock } from '../../src/domain/clock.js';
import { startHarness, TEST_POLICY, type Harness } from '../support/harness.js';
import { askPrivately, blocksText, clickButton, sendCommand } from '../support/slack-requests.js';

/** Business hours in Berlin for dev and qa; extensions after hours need a lead. Times below are UTC (CET = UTC+1). */
const POLICY = `${TEST_POLICY.replace('protect:\n', 'protect:\n  - environments: ["*"]\n    after_hours_approval: [extend]\n')}
schedules:
  named:
    business-hours: "weekdays 09:00-19:00 Europe/Berlin"
  defaults:
    - environments: ["dev-*", "qa-*"]
      schedule: business-hours
  channel: C0SCHEDULE
`;

let h: Harness;
const clock = new ManualClock('2026-03-23T08:00:00Z'); // Monday 09:00 in Berlin

beforeAll(async () => {
  h = await startHarness({ clock, policy: parsePolicy(POLICY), sandbox: { clock } });
  h.slack.respond('usergroups.list', { ok: true, usergroups: [{ id: 'S0PLATFORM', users: ['U0LEE'] }] });
  await h.dockhand.scheduler.tick(clock.now());
});
afterAll(() => h.close());

async function tickAt(iso: string) {
  clock.set(iso);
  await h.dockhand.refresher.refresh('test');
  return h.dockhand.scheduler.tick(clock.now());
}

const desired = (cluster: string, service: string) => h.sandbox.service('111111111111', 'us-east-1', cluster, service)?.desiredCount;

describe('the scheduler against the sandbox', () => {
  it('explains which rule gave an environment its schedule, and shows it in /env list', async () => {
    const explained = await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'schedule qa-1');
    expect(explained.body.text).toBe("`qa-1` follows `business-hours (weekdays 09:00–19:00 Europe/Berlin)`: the policy's default for `dev-*`, `qa-*`.");
    const list = await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'list qa-*');
    expect(blocksText(list)).toMatch(/`qa-1` running .*:calendar: business-hours, parks <!date\^\d+\^\{date_short_pretty\} \{time\}\|2026-03-23 18:00 UTC>/);
    expect(blocksText(list)).not.toContain('`staging-1` running');
  });

  it('points at the offending token of a bad schedule and changes nothing', async () => {
    const denied = await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'schedule qa-2 always-on');
    expect(denied.body.text).toMatch(/^You don’t have `schedule` on `qa-2`\./);
    const answer = await askPrivately(h.eventsUrl, h.slack, 'U0ADMIN', 'schedule qa-2 weekdays 9-19 Europe/Berlin');
    expect(answer.body.text).toMatch(/^That schedule does not parse: .* at `9-19` \(character 10\)\. Example: `\/env schedule qa-2 .+`$/);
    const explained = await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'schedule qa-2');
    expect(explained.body.text).toContain("the policy's default");
  });

  it('warns 30 minutes before the evening edge, with Extend 1h and Stop now, about environments used today', async () => {
    // The owner tag is an email: the workspace's member list names who that is, so the warning pings them.
    h.slack.respond('users.list', { ok: true, members: [{ id: 'U0MARIA', name: 'maria', profile: { display_name: 'Maria', email: 'maria@example.com' } }] });
    await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'status dev-1');
    h.slack.reset();
    const report = await tickAt('2026-03-23T17:30:00Z');
    expect(report.actions.filter((a) => a.action.kind === 'warn').map((a) => `${a.environment}: ${a.outcome}`)).toEqual(
      expect.arrayContaining(['dev-1: owner warned', 'dev-2: not warned: nobody used it today']),
    );
    const warning = await h.slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0SCHEDULE' && String(c.body.text).includes('`dev-1`'));
    expect(String(warning.body.text)).toMatch(/^`dev-1` \(owner: <@U0MARIA>\) will be parked at <!date\^\d+\^\{time\}\|18:00 UTC>: its schedule ends\./);
    expect(blocksText(warning)).toContain('schedule_extend_1h');
    expect(blocksText(warning)).toContain('schedule_stop_now');
    // Stop now asks first, saying what it does.
    const stopNow = (warning.body.blocks as Array<{ elements?: Array<{ action_id?: string; confirm?: { text: { text: string } } }> }>).flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'schedule_stop_now');
    expect(stopNow?.confirm?.text.text).toMatch(/^Every service of dev-1 is scaled to 0 now/);
  });

  it('sends an after-hours extension to a lead, and keeps the environment up until it ends', async () => {
    h.slack.reset();
    const asked = await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'extend qa-1 until 21:00');
    expect(asked.body.text).toMatch(/^`\/env extend qa-1 until 2026-03-23 20:00 UTC` needs a second person: request #\d+/);
    const request = await h.slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0APPROVALS');
    const id = /Request #(\d+)/.exec(blocksText(request))?.[1] ?? '';
    const { responseId } = await clickButton(h.eventsUrl, h.slack, 'U0LEE', 'approval_approve', id);
    const decided = await h.slack.waitFor((c) => c.method === 'response_url' && c.responseId === responseId);
    expect(decided.body.text).toBe(`You approved request #${id}. \`qa-1\` stays up until <!date^1774296000^{date_short_pretty} {time}|2026-03-23 20:00 UTC> (approved by <@U0LEE>).`);
  });

  it('parks every scheduled environment at 19:00 Berlin, in one report, except the extended one', async () => {
    h.slack.reset();
    const report = await tickAt('2026-03-23T18:00:00Z');
    const parked = report.actions.filter((a) => a.action.kind === 'park').map((a) => a.environment).sort();
    expect(parked).toEqual(['dev-1', 'dev-2', 'qa-1'].filter((e) => e !== 'qa-1'));
    expect(desired('nonprod', 'dev-1-api')).toBe(0);
    expect(desired('nonprod', 'qa-1-api')).toBeGreaterThan(0);
    // The scheduler's park writes the same record onto each service as /env stop does.
    expect(h.sandbox.service('111111111111', 'us-east-1', 'nonprod', 'dev-2-api')?.tags['dockhand:park']).toMatch(/^v1 desired=[1-9]\d* by=scheduler at=2026-03-23T18:00Z$/);
    const posts = h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0SCHEDULE');
    expect(posts).toHaveLength(1);
    expect(String(posts[0]?.body.text)).toMatch(/^Schedule at .*: 2 environments\. dev-1 parked, dev-2 parked$/);
  });

  it('parks the extended environment when its extension ends', async () => {
    const report = await tickAt('2026-03-23T20:00:00Z');
    expect(report.actions.map((a) => `${a.environment} ${a.action.kind}`)).toEqual(['qa-1 end-override', 'qa-1 park']);
    expect(desired('nonprod', 'qa-1-api')).toBe(0);
  });

  it('reports a start from the console at 22:00 and leaves it running until the morning edge', async () => {
    clock.set('2026-03-23T21:00:00Z');
    h.sandbox.externalUpdate({ cluster: 'nonprod', service: 'dev-1-api', desiredCount: 1 });
    h.slack.reset();
    const report = await tickAt('2026-03-23T21:01:00Z');
    expect(report.actions.map((a) => `${a.environment} ${a.action.kind}`)).toEqual(['dev-1 report-external']);
    expect(String((await h.slack.waitFor('chat.postMessage')).body.text)).toContain('dev-1 started from outside dockhand');
    const later = await tickAt('2026-03-23T23:00:00Z');
    expect(later.actions).toEqual([]);
    expect(desired('nonprod', 'dev-1-api')).toBe(1);
  });

  it('restores parked environments exactly at 09:00 Berlin', async () => {
    const report = await tickAt('2026-03-24T08:00:00Z');
    expect(report.actions.map((a) => `${a.environment} ${a.action.kind}`).sort()).toEqual(['dev-1 end-override', 'dev-2 restore', 'qa-1 restore']);
    expect(desired('nonprod', 'qa-1-api')).toBe(2);
    expect(h.sandbox.service('111111111111', 'us-east-1', 'nonprod', 'qa-1-api')?.tags['dockhand:park']).toBeUndefined();
    expect(h.sandbox.service('111111111111', 'us-east-1', 'nonprod', 'dev-2-api')?.tags['dockhand:park']).toBeUndefined();
  });

  it('treats a manual stop as an override until the next edge', async () => {
    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'stop qa-1');
    await h.slack.waitFor((c) => c.method === 'chat.update' && String(c.body.text).startsWith('`qa-1` stopped'));
    const explained = await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'status qa-1');
    expect(blocksText(explained)).toMatch(/overridden down until .*2026-03-24 18:00 UTC/);
  });
});
