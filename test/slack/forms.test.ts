import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parsePolicy } from '../../src/config/load.js';
import { ManualClock } from '../../src/domain/clock.js';
import { startHarness, TEST_POLICY, type Harness } from '../support/harness.js';
import { askPrivately, blocksText, clickButton, clickOnView, sendCommand, submitView } from '../support/slack-requests.js';

/** Schedules need a scheduler channel and a default; qa-* follows business hours. */
const POLICY = `${TEST_POLICY}
schedules:
  channel: C0SCHEDULE
  named:
    business-hours: weekdays 09:00-19:00 Europe/Berlin
  defaults:
    - environments: ["qa-*"]
      schedule: business-hours
`;

let h: Harness;
// A Monday at 10:00 in Berlin: within business hours.
const clock = new ManualClock('2026-03-23T09:00:00Z');

beforeAll(async () => {
  h = await startHarness({ clock, policy: parsePolicy(POLICY), scheduler: false });
});
afterAll(() => h.close());
beforeEach(() => h.slack.reset());

type View = { callback_id: string; private_metadata: string; blocks: unknown[] };

const lastAuditId = async () => (await h.dockhand.audit.recent(1))[0]?.id ?? 0;
const auditSince = async (before: number) =>
  (await h.dockhand.audit.recent(10))
    .filter((row) => row.id > before)
    .map(({ actor, verb, environment, params, outcome }) => ({ actor, verb, environment, params, outcome }));

async function modalOpenedBy(text: string, userId = 'U0ADMIN'): Promise<{ view: View; triggerId: string }> {
  const audited = (await lastAuditId());
  const { ack } = await sendCommand(h.eventsUrl, h.slack, userId, text);
  expect(ack.status).toBe(200);
  const call = await h.slack.waitFor('views.open');
  // The command that opened it is audited once the modal is open.
  await vi.waitFor(async () => expect((await auditSince(audited))).toMatchObject([{ actor: userId, params: { text }, outcome: 'ok' }]));
  return { view: call.body.view as View, triggerId: String(call.body.trigger_id) };
}

describe('the schedule editor', () => {
  it('keeps `/env schedule <env>` an explanation, with an Edit schedule button for someone who may set one', async () => {
    const admin = await askPrivately(h.eventsUrl, h.slack, 'U0ADMIN', 'schedule qa-1');
    expect(admin.body.text).toBe("`qa-1` follows `business-hours (weekdays 09:00–19:00 Europe/Berlin)`: the policy's default for `qa-*`.");
    expect(blocksText(admin)).toContain('schedule_edit');
    const maria = await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'schedule qa-1');
    expect(blocksText(maria)).not.toContain('schedule_edit');
    // Opening the editor needs `schedule`, like setting one.
    expect((await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'schedule qa-1 edit')).body.text).toMatch(/^You don’t have `schedule` on `qa-1`\./);
    expect(h.slack.callsTo('views.open')).toEqual([]);
  });

  it('opens with the command’s trigger id, and shows the next edges of what applies now', async () => {
    const { view, triggerId } = await modalOpenedBy('schedule qa-1 edit');
    expect(triggerId).toMatch(/^t\d+\./);
    expect(view.callback_id).toBe('schedule_editor');
    expect(JSON.parse(view.private_metadata)).toEqual({ environment: 'qa-1' });
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('business-hours (from the policy)');
    expect(text).toMatch(/\*Preview:\* `business-hours \(weekdays 09:00–19:00 Europe\/Berlin\)`\\nparks <!date\^\d+\^\{date_short_pretty\} \{time\}\|2026-03-23 18:00 UTC> · starts <!date/);
  });

  it('answers a bad schedule on its field and changes nothing; a good one sets it through /env schedule, audited', async () => {
    const { view } = await modalOpenedBy('schedule qa-1 edit');
    const before = (await lastAuditId());
    const bad = await submitView(h.eventsUrl, 'U0ADMIN', view, { spec: { schedule_editor_preview: { type: 'plain_text_input', value: 'weekdays 9-19' } }, zone: { schedule_editor_preview: { type: 'plain_text_input', value: 'Europe/Berlin' } } });
    expect(bad.status).toBe(200);
    const answer = JSON.parse(bad.text) as { response_action: string; errors: Record<string, string> };
    expect(answer.response_action).toBe('errors');
    expect(answer.errors.spec).toMatch(/^That schedule does not parse: .* at `9-19` \(character 10\)\.$/);
    expect((await auditSince(before))).toEqual([]);

    const badZone = JSON.parse((await submitView(h.eventsUrl, 'U0ADMIN', view, { preset: { schedule_editor_preview: { type: 'static_select', selected_option: { value: 'w:weekdays 08:00-18:00' } } }, zone: { schedule_editor_preview: { type: 'plain_text_input', value: 'Mars/Olympus' } } })).text) as { errors: Record<string, string> };
    expect(badZone.errors.zone).toContain('`Mars/Olympus` is not an IANA time zone');

    const good = await submitView(h.eventsUrl, 'U0ADMIN', view, { preset: { schedule_editor_preview: { type: 'static_select', selected_option: { value: 'w:weekdays 08:00-18:00' } } }, zone: { schedule_editor_preview: { type: 'plain_text_input', value: 'Europe/Berlin' } } });
    expect(good.status).toBe(200);
    expect(good.text).toBe('');
    const dm = await h.slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'U0ADMIN');
    expect(dm.body.text).toMatch(/^`qa-1` follows `weekdays 08:00–18:00 Europe\/Berlin`: set with `\/env schedule` by <@U0ADMIN>/);
    expect((await auditSince(before))).toEqual([{ actor: 'U0ADMIN', verb: 'schedule', environment: 'qa-1', params: { text: 'schedule qa-1 weekdays 08:00-18:00 Europe/Berlin', channel: 'U0ADMIN' }, outcome: 'ok' }]);
    expect((await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'schedule qa-1')).body.text).toContain('`weekdays 08:00–18:00 Europe/Berlin`');
  });

  it('checks the submitter again: a form submitted by someone without `schedule` changes nothing', async () => {
    const { view } = await modalOpenedBy('schedule qa-2 edit');
    const before = (await lastAuditId());
    await submitView(h.eventsUrl, 'U0MARIA', view, { preset: { schedule_editor_preview: { type: 'static_select', selected_option: { value: 'k:always-on' } } } });
    const dm = await h.slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'U0MARIA');
    expect(dm.body.text).toMatch(/^You don’t have `schedule` on `qa-2`\./);
    expect((await auditSince(before))).toEqual([{ actor: 'U0MARIA', verb: 'schedule', environment: 'qa-2', params: { text: 'schedule qa-2 always-on', channel: 'U0MARIA' }, outcome: 'denied' }]);
  });

  it('acts once on a submission delivered twice', async () => {
    const { view } = await modalOpenedBy('schedule qa-2 edit');
    const before = (await lastAuditId());
    const values = { preset: { schedule_editor_preview: { type: 'static_select', selected_option: { value: 'k:always-on' } } } };
    const [first, second] = await Promise.all([submitView(h.eventsUrl, 'U0ADMIN', view, values, 'replayed.1'), submitView(h.eventsUrl, 'U0ADMIN', view, values, 'replayed.1')]);
    expect([first.status, second.status]).toEqual([200, 200]);
    await h.slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'U0ADMIN');
    await vi.waitFor(async () => expect((await auditSince(before))).toHaveLength(1));
    expect((await auditSince(before))[0]).toMatchObject({ verb: 'schedule', params: { text: 'schedule qa-2 always-on' }, outcome: 'ok' });
  });

  it('refuses metadata that does not name one environment, without running anything', async () => {
    const before = (await lastAuditId());
    const forged = await submitView(h.eventsUrl, 'U0ADMIN', { callback_id: 'schedule_editor', private_metadata: JSON.stringify({ environment: 'qa-1 always-off' }) }, { preset: { schedule_editor_preview: { type: 'static_select', selected_option: { value: 'k:always-on' } } } });
    expect((JSON.parse(forged.text) as { response_action: string }).response_action).toBe('errors');
    expect((await auditSince(before))).toEqual([]);
  });

  it('opens from the Edit schedule button (on a message and on the Home), as `/env schedule <env> edit`', async () => {
    await clickButton(h.eventsUrl, h.slack, 'U0ADMIN', 'schedule_edit', 'qa-2');
    expect(((await h.slack.waitFor('views.open')).body.view as View).callback_id).toBe('schedule_editor');
    h.slack.reset();
    await clickOnView(h.eventsUrl, 'U0ADMIN', 'schedule_edit', 'qa-2');
    expect(JSON.parse(((await h.slack.waitFor('views.open')).body.view as View).private_metadata)).toEqual({ environment: 'qa-2' });
  });

  it('redraws the preview when a preset is chosen', async () => {
    const { view } = await modalOpenedBy('schedule qa-2 edit');
    const state = { values: { preset: { schedule_editor_preview: { type: 'static_select', selected_option: { value: 'k:always-on' } } }, zone: { schedule_editor_preview: { type: 'plain_text_input', value: 'UTC' } } } };
    await clickOnView(h.eventsUrl, 'U0ADMIN', 'schedule_editor_preview', '', { id: 'VMODAL9', hash: 'h1', type: 'modal', callback_id: view.callback_id, private_metadata: view.private_metadata, state });
    const update = await h.slack.waitFor('views.update');
    expect(update.body).toMatchObject({ view_id: 'VMODAL9', hash: 'h1' });
    expect(JSON.stringify(update.body.view)).toContain('*Preview:* `always on`');
  });
});

describe('the extension form', () => {
  it('opens for `/env extend <env>` with no duration, and sends what it is given through /env extend', async () => {
    const { view } = await modalOpenedBy('extend qa-1', 'U0DEV');
    expect(view.callback_id).toBe('extend_form');
    const both = JSON.parse((await submitView(h.eventsUrl, 'U0DEV', view, { duration: { duration: { selected_option: { value: '1h' } } }, until: { until: { selected_time: '18:30' } } })).text) as { errors: Record<string, string> };
    expect(both.errors.until).toBe('Choose how long or until when, not both.');
    const tooLong = JSON.parse((await submitView(h.eventsUrl, 'U0DEV', view, { duration: { duration: { selected_option: { value: '30d' } } } })).text) as { errors: Record<string, string> };
    expect(tooLong.errors.duration).toBe('that is longer than 7d; set a schedule instead');

    const before = await lastAuditId();
    expect((await submitView(h.eventsUrl, 'U0DEV', view, { duration: { duration: { selected_option: { value: '1d' } } } })).text).toBe('');
    const dm = await h.slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'U0DEV');
    expect(dm.body.text).toBe('`qa-1` stays up until <!date^1774342800^{date_short_pretty} {time}|2026-03-24 09:00 UTC>.');
    expect(await auditSince(before)).toEqual([{ actor: 'U0DEV', verb: 'extend', environment: 'qa-1', params: { text: 'extend qa-1 1d', channel: 'U0DEV' }, outcome: 'ok' }]);
  });

  it('says nothing is extended when its schedule keeps it up longer anyway, and names the zone `until` was read in', async () => {
    const before = await lastAuditId();
    const within = await askPrivately(h.eventsUrl, h.slack, 'U0DEV', 'extend qa-1 30m');
    expect(within.body.text).toMatch(/^`qa-1` is up until <!date\^\d+\^[^|]+\|[^>]+> by its schedule anyway; nothing to extend\.$/);
    expect(await auditSince(before)).toEqual([{ actor: 'U0DEV', verb: 'extend', environment: 'qa-1', params: { text: 'extend qa-1 30m', channel: 'C0DEV' }, outcome: 'ok' }]);
    const until = await askPrivately(h.eventsUrl, h.slack, 'U0DEV', 'extend qa-1 until 23:30');
    expect(until.body.text).toMatch(/^`qa-1` stays up until 23:30 [A-Za-z_/]+ \(<!date\^\d+\^[^|]+\|[^>]+>\)\.$/);
  });

  it('still tells the console (no Slack to open a form in) what is missing', async () => {
    const reply = await h.dockhand.handle({ userId: 'U0DEV', channelId: 'C0DEV', text: 'extend qa-1' });
    expect(reply?.text).toMatch(/^`extend` needs a duration such as 8h, or until HH:MM\. Usage:/);
    expect(JSON.stringify(reply?.blocks)).toContain('The extension form opens in Slack; here, type `/env extend qa-1 &lt;duration&gt;`.');
  });
});
