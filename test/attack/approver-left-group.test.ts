import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { askPrivately, clickButton } from '../support/slack-requests.js';

/**
 * Group membership is kept for five minutes for commands (one usergroups.list serves them all), but an
 * approval decision reads it again: a lead removed from the approvers' group in Slack must not approve
 * production with the copy dockhand read before.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ scheduler: false });
  h.slack.respond('usergroups.list', { ok: true, usergroups: [{ id: 'S0PLATFORM', users: ['U0LEE', 'U0KIM'] }] });
});
afterAll(() => h.close());

async function approve(approver: string, id: string): Promise<string> {
  const { responseId } = await clickButton(h.eventsUrl, h.slack, approver, 'approval_approve', id);
  return String((await h.slack.waitFor((c) => c.method === 'response_url' && c.responseId === responseId, 15_000)).body.text);
}

describe('an approver removed from the leads’ group a moment ago', () => {
  it('is not counted, though the membership dockhand read for their last command still had them; one still in the group is', async () => {
    // Lee's membership is read (and kept) for a command of his.
    await askPrivately(h.eventsUrl, h.slack, 'U0LEE', 'approvals');
    const before = h.slack.callsTo('usergroups.list').length;
    // Lee leaves S0PLATFORM in Slack.
    h.slack.respond('usergroups.list', { ok: true, usergroups: [{ id: 'S0PLATFORM', users: ['U0KIM'] }] });
    const text = String((await askPrivately(h.eventsUrl, h.slack, 'U0DEV', 'restart prod')).body.text);
    const id = /request #(\d+)/.exec(text)?.[1];
    expect(id, text).toBeDefined();

    const lee = await approve('U0LEE', id!);
    expect(lee).not.toMatch(/^You approved/);
    expect(lee).toMatch(/not counted/i);
    expect(h.slack.callsTo('usergroups.list').length).toBeGreaterThan(before);
    const rows = await h.dockhand.audit.recent(5);
    expect(rows.some((row) => row.actor === 'U0LEE' && row.verb === 'approve' && row.outcome !== 'ok')).toBe(true);

    expect(await approve('U0KIM', id!)).toMatch(/^You approved/);
  });
});
