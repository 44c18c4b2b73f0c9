import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import type { FakeSlackCall } from '../support/fake-slack.js';
import { SIGNING_SECRET, startHarness, type Harness } from '../support/harness.js';
import { interactionBody, postSigned } from '../support/signed-request.js';
import { askPrivately, clickButton } from '../support/slack-requests.js';

let h: Harness;
const clock = new ManualClock(Date.now());

beforeAll(async () => {
  h = await startHarness({ clock });
  h.slack.respond('usergroups.list', { ok: true, usergroups: [{ id: 'S0PLATFORM', users: ['U0LEE', 'U0KIM'] }] });
});
afterAll(() => h.close());
beforeEach(async () => {
  // Each test asks anew: what an earlier one left waiting expires (the same request asked again would be answered with it).
  clock.advance(31 * 60_000);
  await h.dockhand.approvals.expireDue();
  h.slack.reset();
  h.sandbox.resetCounts();
});

/** U0DEV asks to restart prod; returns the request id from the approval message's button. */
async function requestProdRestart(): Promise<{ id: string; request: FakeSlackCall; answer: FakeSlackCall }> {
  const answer = await askPrivately(h.eventsUrl, h.slack, 'U0DEV', 'restart prod');
  const request = await h.slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0APPROVALS');
  const actions = (request.body.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find((b) => b.type === 'actions');
  const approve = actions?.elements?.find((e) => e.action_id === 'approval_approve');
  if (!approve) throw new Error('the approval message has no Approve button');
  return { id: approve.value, request, answer };
}

async function click(userId: string, actionId: 'approval_approve' | 'approval_deny', id: string): Promise<FakeSlackCall> {
  const { responseId } = await clickButton(h.eventsUrl, h.slack, userId, actionId, id);
  return h.slack.waitFor((c) => c.method === 'response_url' && c.responseId === responseId, 8000);
}

function restartsOfProd(): number {
  return h.sandbox.requests.filter((r) => r.operation === 'UpdateService' && (r.params as { forceNewDeployment?: boolean }).forceNewDeployment && !r.error).length;
}

describe('approvals for protected environments', () => {
  it('posts a request whose buttons carry only the request id, and tells the requester', async () => {
    const { id, request, answer } = await requestProdRestart();
    expect(id).toMatch(/^\d+$/);
    expect(JSON.stringify(request.body.blocks)).toContain('<@U0DEV> asks to run `/env restart prod` on a protected environment.');
    expect(answer.body.text).toBe(`\`/env restart prod\` needs a second person: request #${id} is waiting in <#C0APPROVALS> and expires in 30 minutes. You’ll hear back here.`);
    expect(h.sandbox.countCalls({ operation: 'UpdateService' })).toBe(0);
  });

  it('refuses the requester’s own click and a click by someone without approve', async () => {
    const { id } = await requestProdRestart();
    expect((await click('U0DEV', 'approval_approve', id)).body.text).toBe('Not counted: you cannot approve or deny your own request; another person with `approve` must.');
    expect((await click('U0MARIA', 'approval_approve', id)).body.text).toBe('Not counted: you don’t hold `approve` on this environment.');
    expect(restartsOfProd()).toBe(0);
  });

  it('runs an approved request exactly once, even when the click is delivered twice at once', async () => {
    const { id } = await requestProdRestart();
    const prodServices = h.dockhand.fleet.environment('prod')?.services.length ?? 0;
    expect(prodServices).toBeGreaterThan(1);
    const [first, second] = await Promise.all([click('U0LEE', 'approval_approve', id), click('U0KIM', 'approval_approve', id)]);
    const answers = [String(first.body.text), String(second.body.text)].sort();
    expect(answers[0]).toMatch(/^Not counted: request #\d+ was already approved by <@U0(LEE|KIM)>\.$/);
    expect(answers[1]).toMatch(new RegExp(`^You approved request #${id}\\. Operation #\\d+: succeeded, ${prodServices}/${prodServices} services done\\.$`));
    expect(restartsOfProd()).toBe(prodServices);

    const approvalUpdates = h.slack.calls.filter((c) => c.method === 'chat.update' && c.body.channel === 'C0APPROVALS');
    expect(JSON.stringify(approvalUpdates.at(-1)?.body.blocks)).toMatch(/Approved by <@U0(LEE|KIM)>\. Operation #\d+: succeeded/);
    const dm = await h.slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'U0DEV');
    expect(String(dm.body.text)).toMatch(/^Your request `\/env restart prod` was approved by <@U0(LEE|KIM)>\./);
    const progress = await h.slack.waitFor((c) => c.method === 'chat.update' && c.body.channel === 'C0DEV' && String(c.body.text).includes('restarted'));
    expect(String(progress.body.text)).toMatch(/^`prod` restarted for <@U0DEV>, approved by <@U0(LEE|KIM)>/);
  });

  it('does nothing for an expired request, and says so on its message', async () => {
    const { id } = await requestProdRestart();
    clock.advance(31 * 60_000);
    expect((await click('U0LEE', 'approval_approve', id)).body.text).toBe('Not counted: this request has expired; ask again.');
    expect(restartsOfProd()).toBe(0);
    const update = await h.slack.waitFor((c) => c.method === 'chat.update' && c.body.channel === 'C0APPROVALS');
    expect(JSON.stringify(update.body.blocks)).toContain('Expired: nobody decided in time.');
    expect(JSON.stringify(update.body.blocks)).not.toContain('approval_approve');
  });

  it('expires overdue requests on the housekeeping tick and tells the requester', async () => {
    await requestProdRestart();
    clock.advance(31 * 60_000);
    await h.dockhand.housekeeping.tick();
    const dm = await h.slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'U0DEV');
    expect(dm.body.text).toBe('Your request `/env restart prod` expired before anyone approved it. Ask again if it is still needed.');
  });

  it('lets an approver deny with a reason, which reaches the requester', async () => {
    const { id } = await requestProdRestart();
    await clickButton(h.eventsUrl, h.slack, 'U0LEE', 'approval_deny', id);
    const modal = await h.slack.waitFor('views.open');
    const view = modal.body.view as { callback_id: string; private_metadata: string };
    expect(view).toMatchObject({ callback_id: 'approval_deny_reason', private_metadata: id });

    const submission = {
      type: 'view_submission',
      team: { id: 'T0TEST', domain: 'dockhand-test' },
      user: { id: 'U0LEE', username: 'lee', name: 'lee', team_id: 'T0TEST' },
      api_app_id: 'A0DOCKHAND',
      token: 'verification-token',
      trigger_id: '1.2.3',
      view: { id: 'V1', type: 'modal', callback_id: view.callback_id, private_metadata: view.private_metadata, state: { values: { reason: { reason: { type: 'plain_text_input', value: 'release freeze until Monday' } } } } },
    };
    expect((await postSigned(h.eventsUrl, SIGNING_SECRET, interactionBody(submission))).status).toBe(200);
    const dm = await h.slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'U0DEV');
    expect(dm.body.text).toBe('Your request `/env restart prod` was denied by <@U0LEE>: release freeze until Monday');
    expect(restartsOfProd()).toBe(0);
    await vi.waitFor(async () => expect((await h.dockhand.audit.recent(5, 'prod')).map((r) => `${r.verb} ${r.outcome}`)).toContain('deny rejected'));
  });

  it('lists pending requests with /env approvals', async () => {
    const { id } = await requestProdRestart();
    const list = await askPrivately(h.eventsUrl, h.slack, 'U0LEE', 'approvals');
    expect(JSON.stringify(list.body.blocks)).toContain(`#${id} \`/env restart prod\` by <@U0DEV>`);
  });
});
