import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_SCHEDULE_TEXT, parseSchedule } from '../../src/domain/schedules/schedule.js';
import { startHarness, type Harness } from '../support/harness.js';
import { clickOnView, submitView } from '../support/slack-requests.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => {
  h.slack.reset();
  h.slack.respond('usergroups.list', { ok: true, usergroups: [{ id: 'S0PLATFORM', users: ['U0LEE', 'U0KIM'] }] });
});

const editor = { callback_id: 'schedule_editor', private_metadata: JSON.stringify({ environment: 'staging-1' }) };
const withZone = (zone: string) => ({ spec: { schedule_editor_preview: { value: 'weekdays 08:00-18:00' } }, zone: { schedule_editor_preview: { value: zone } } });

describe('forged schedule editor payloads', () => {
  it('parseSchedule refuses text longer than any schedule without reading it', () => {
    const parsed = parseSchedule(`weekdays 08:00-18:00 UTC${' mon'.repeat(900_000)}`, {});
    expect(parsed).toMatchObject({ ok: false, error: { message: `the schedule is longer than ${MAX_SCHEDULE_TEXT} characters` } });
  });

  it('a lead’s submission with a time zone over 64 characters is refused on the field, nothing set', async () => {
    const ack = await submitView(h.eventsUrl, 'U0LEE', editor, withZone(`Europe/Berlin${'x'.repeat(100)}`));
    expect(JSON.parse(ack.text)).toEqual({ response_action: 'errors', errors: { zone: 'At most 64 characters.' } });
    expect((await h.dockhand.audit.recent(5)).filter((r) => r.verb === 'schedule')).toEqual([]);
  });

  it('a 3.6 MB field is refused as a forged form before anything parses it, and the answer is small', async () => {
    const ack = await submitView(h.eventsUrl, 'U0NOBODY', editor, withZone(`UTC${' mon'.repeat(900_000)}`));
    expect(ack.status).toBe(200);
    expect(JSON.parse(ack.text)).toMatchObject({ response_action: 'errors', errors: { preset: expect.stringContaining('out of date') } });
  }, 30_000);

  it('someone without schedule on the environment is refused (audited, by DM) before the spec is parsed', async () => {
    const ack = await submitView(h.eventsUrl, 'U0MARIA', editor, { spec: { schedule_editor_preview: { value: 'weekdays 08:00-18:00 Not/AZone' } } });
    // The form closes: no field error from the grammar for someone who may not set it.
    expect(ack.text).toBe('');
    const dm = await h.slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'U0MARIA');
    expect(String(dm.body.text)).toMatch(/You don’t have `schedule` on `staging-1`/);
    expect((await h.dockhand.audit.recent(3)).map((r) => `${r.actor} ${r.verb} ${r.outcome}`)).toContain('U0MARIA schedule denied');
  });

  it('the preview of a form with a huge time zone says the field is too long and echoes none of it', async () => {
    const view = { id: 'VFORGED1', type: 'modal', hash: 'h', ...editor, state: { values: withZone(`Europe/Berlin${'x'.repeat(2000)}`) } };
    const { ack } = await clickOnView(h.eventsUrl, 'U0MARIA', 'schedule_editor_preview', '', view);
    expect(ack.status).toBe(200);
    const update = JSON.stringify((await h.slack.waitFor('views.update')).body);
    expect(update).toContain('At most 64 characters.');
    expect(update).not.toContain('xxxxxxxx');
    expect(update.length).toBeLessThan(20_000);
  });

  it('a preview click naming another view (the admin’s Home, or the editor without its hash) redraws nothing; the editor’s own does', async () => {
    const state = { values: withZone('UTC') };
    await clickOnView(h.eventsUrl, 'U0MARIA', 'schedule_editor_preview', '', { id: 'VHOMEU0ADMIN', type: 'home', private_metadata: editor.private_metadata, state });
    await clickOnView(h.eventsUrl, 'U0MARIA', 'schedule_editor_preview', '', { id: 'VHOMEU0ADMIN', type: 'modal', callback_id: 'schedule_editor', private_metadata: editor.private_metadata, state });
    // The control: the editor the click came from, with its hash, is redrawn (so the two above had their turn).
    await clickOnView(h.eventsUrl, 'U0MARIA', 'schedule_editor_preview', '', { id: 'VMODALMARIA', hash: 'h7', type: 'modal', callback_id: 'schedule_editor', private_metadata: editor.private_metadata, state });
    await h.slack.waitFor('views.update');
    expect(h.slack.callsTo('views.update').map((c) => [c.body.view_id, c.body.hash])).toEqual([['VMODALMARIA', 'h7']]);
  });
});
