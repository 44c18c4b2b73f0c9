import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import type { FakeSlackCall } from '../support/fake-slack.js';
import { SIGNING_SECRET, startHarness, type Harness } from '../support/harness.js';
import { interactionBody, postSigned } from '../support/signed-request.js';
import { askPrivately, clickButton } from '../support/slack-requests.js';

// Clicks a hostile user can forge or time badly: each is answered, audited, and reveals nothing.
let h: Harness;
const clock = new ManualClock('2026-03-20T10:00:00Z');

beforeAll(async () => {
  h = await startHarness({ clock });
});
afterAll(() => h.close());
beforeEach(() => {
  h.slack.reset();
  h.slack.respond('usergroups.list', { ok: true, usergroups: [{ id: 'S0PLATFORM', users: ['U0LEE', 'U0KIM'] }] });
});

async function click(userId: string, actionId: string, value: string): Promise<FakeSlackCall> {
  const { responseId } = await clickButton(h.eventsUrl, h.slack, userId, actionId, value);
  return h.slack.waitFor((c) => c.method === 'response_url' && c.responseId === responseId, 5000);
}

async function requestProd(verb: string, rest = ''): Promise<string> {
  await askPrivately(h.eventsUrl, h.slack, 'U0DEV', `${verb} prod${rest}`);
  const request = await h.slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0APPROVALS');
  const actions = (request.body.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find((b) => b.type === 'actions');
  const approve = actions?.elements?.find((e) => e.action_id === 'approval_approve');
  if (!approve) throw new Error('no Approve button');
  return approve.value;
}

async function denyAs(userId: string, id: string): Promise<void> {
  const submission = {
    type: 'view_submission',
    team: { id: 'T0TEST', domain: 'dockhand-test' },
    user: { id: userId, username: userId, name: userId, team_id: 'T0TEST' },
    api_app_id: 'A0DOCKHAND',
    token: 'verification-token',
    trigger_id: `${Date.now()}.${Math.random()}`,
    view: { id: 'V1', type: 'modal', callback_id: 'approval_deny_reason', private_metadata: id, state: { values: { reason: { reason: { type: 'plain_text_input', value: 'no' } } } } },
  };
  await postSigned(h.eventsUrl, SIGNING_SECRET, interactionBody(submission));
  await h.slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === userId);
}

describe('button clicks through the real receiver', () => {
  it('a click whose lookups fail is answered and audited, like a typed command', async () => {
    h.slack.respond('usergroups.list', { ok: false, error: 'missing_scope' });
    const before = (await h.dockhand.audit.recent(1))[0]?.id ?? 0;
    const answer = await click('U0MARIA', 'idle_snooze', 'staging-1');
    expect(String(answer.body.text)).toMatch(/^Something went wrong/);
    const rows = (await h.dockhand.audit.recent(5)).filter((r) => r.id > before);
    expect(rows.map((r) => `${r.actor} ${r.verb} ${r.outcome}`)).toEqual(['U0MARIA snooze error']);
  });

  it('someone with no role who clicks is told so, as when typing', async () => {
    const typed = await askPrivately(h.eventsUrl, h.slack, 'U0NOBODY', 'status staging-1');
    const clicked = await click('U0NOBODY', 'idle_snooze', 'staging-1');
    expect(String(clicked.body.text)).toBe(String(typed.body.text));
    expect(String(clicked.body.text)).toMatch(/no access to dockhand/);
    expect((await h.dockhand.audit.recent(1))[0]).toMatchObject({ actor: 'U0NOBODY', verb: 'snooze', outcome: 'denied' });
  });

  it('the Deny button describes a request only to someone who may see its environment', async () => {
    const id = await requestProd('restart');
    for (const userId of ['U0MARIA', 'U0NOBODY']) {
      h.slack.reset();
      await clickButton(h.eventsUrl, h.slack, userId, 'approval_deny', id);
      const modal = await h.slack.waitFor('views.open');
      expect(JSON.stringify(modal.body)).not.toContain('prod');
      expect(JSON.stringify(modal.body)).toContain(`request #${id}`);
    }
    h.slack.reset();
    await clickButton(h.eventsUrl, h.slack, 'U0LEE', 'approval_deny', id);
    expect(JSON.stringify((await h.slack.waitFor('views.open')).body)).toContain('/env restart prod');
  });

  it('Approve on a decided request tells only an approver who decided it, and the refusal is audited', async () => {
    const id = await requestProd('stop');
    await denyAs('U0ADMIN', id);
    const before = (await h.dockhand.audit.recent(1))[0]?.id ?? 0;
    const maria = await click('U0MARIA', 'approval_approve', id);
    expect(String(maria.body.text)).toBe('Not counted: you don’t hold `approve` on this environment.');
    const lee = await click('U0LEE', 'approval_approve', id);
    expect(String(lee.body.text)).toBe(`Not counted: request #${id} was already denied by <@U0ADMIN>.`);
    const rows = (await h.dockhand.audit.recent(10)).filter((r) => r.id > before && r.actor === 'U0MARIA');
    expect(rows.map((r) => r.outcome)).toEqual(['denied']);
  });

  it('Deny on a request that does not exist is answered and audited', async () => {
    const before = (await h.dockhand.audit.recent(1))[0]?.id ?? 0;
    await denyAs('U0LEE', '424242');
    const answer = h.slack.calls.find((c) => c.method === 'chat.postMessage' && c.body.channel === 'U0LEE');
    expect(String(answer?.body.text)).toBe('There is no request #424242.');
    const rows = (await h.dockhand.audit.recent(5)).filter((r) => r.id > before);
    expect(rows.map((r) => ({ actor: r.actor, verb: r.verb, environment: r.environment, outcome: r.outcome, detail: r.detail }))).toEqual([{ actor: 'U0LEE', verb: 'deny', environment: null, outcome: 'not-found', detail: 'no request #424242' }]);
  });

  it('reads a request id from digits only', async () => {
    // (A start of a running prod changes nothing and files no request: a scale does.)
    const id = await requestProd('scale', ' api 5');
    for (const value of [`0x${Number(id).toString(16)}`, ` ${id} `, `${id}e0`, 'abc', '', '-1', '1e400']) {
      const answer = await click('U0LEE', 'approval_approve', value);
      expect(String(answer.body.text)).toBe('That is not a request number, so nothing was counted.');
    }
    expect((await h.dockhand.approvals.pending()).some((a) => String(a.id) === id)).toBe(true);
  });

  it('never echoes more of a forged Snooze value than a quoted word', async () => {
    // As long as a button's value can be (Slack's 2,000 characters): read as a name, echoed as a quoted word.
    const answer = await click('U0ADMIN', 'idle_snooze', 'a'.repeat(2000));
    expect(String(answer.body.text)).toMatch(/^No environment called a{60}…\./);
    expect(String(answer.body.text).length).toBeLessThan(200);
  });

  it('refuses a button value longer than Slack sends before parsing it, echoes none of it, and audits the click', async () => {
    const id = await requestProd('scale', ' api 7');
    const before = (await h.dockhand.audit.recent(1))[0]?.id ?? 0;
    // Snooze (a name), Approve (an id: its digits would read as the request), Stop (a typed command's words), Deny (the modal).
    for (const [actionId, value] of [
      ['idle_snooze', 'a'.repeat(5000)],
      ['approval_approve', `${id}${' '.repeat(2001)}`],
      ['idle_stop', `staging-1 ${'x'.repeat(2000)}`],
      ['approval_deny', id.padStart(2001, '0')],
    ] as const) {
      const answer = await click('U0ADMIN', actionId, value);
      expect(String(answer.body.text)).toBe(`That button carried a value of ${value.length} characters; dockhand reads at most 2000. Nothing was done: use the buttons on dockhand’s own messages, or type the command.`);
    }
    expect(h.slack.callsTo('views.open')).toHaveLength(0);
    const rows = (await h.dockhand.audit.recent(10)).filter((r) => r.id > before);
    expect(rows.map((r) => `${r.actor} ${r.verb} ${r.outcome} ${r.environment}`).reverse()).toEqual(['U0ADMIN snooze invalid null', 'U0ADMIN approve invalid null', 'U0ADMIN stop invalid null', 'U0ADMIN deny invalid null']);
    expect(rows.every((r) => !JSON.stringify(r).includes('aaaaaaaaaa') && !JSON.stringify(r).includes('xxxxxxxxxx'))).toBe(true);
    // The request is untouched, and nothing was stopped.
    expect((await h.dockhand.approvals.pending()).some((a) => String(a.id) === id)).toBe(true);
    expect(h.slack.callsTo('chat.postMessage').filter((c) => String(c.body.text).includes('staging-1'))).toHaveLength(0);
  });

  it('refuses a menu option value longer than Slack sends (150 characters)', async () => {
    const { responseId } = await clickButton(h.eventsUrl, h.slack, 'U0ADMIN', 'idle_snooze', 'staging-1', { selected_option: { value: 'o'.repeat(151) } });
    const answer = await h.slack.waitFor((c) => c.method === 'response_url' && c.responseId === responseId, 5000);
    expect(String(answer.body.text)).toMatch(/^That button carried a value of 151 characters; dockhand reads at most 150\./);
    expect((await h.dockhand.audit.recent(1))[0]).toMatchObject({ actor: 'U0ADMIN', verb: 'snooze', outcome: 'invalid' });
  });
});
