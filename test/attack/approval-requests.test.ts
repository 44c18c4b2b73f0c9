import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { askPrivately, clickButton } from '../support/slack-requests.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => {
  h.slack.reset();
  h.slack.respond('usergroups.list', { ok: true, usergroups: [{ id: 'S0PLATFORM', users: ['U0LEE', 'U0KIM'] }] });
});

const pendingOf = (userId: string) => h.dockhand.approvals.pending().filter((p) => p.requestedBy === userId);

describe('an approval request Slack refused to post to the approvers', () => {
  it('is withdrawn, audited, and the requester is told so; a later Approve is not counted', async () => {
    h.slack.respond('chat.postMessage', { ok: false, error: 'internal_error' }, { times: 1 });
    const answer = String((await askPrivately(h.eventsUrl, h.slack, 'U0DEV', 'stop prod')).body.text);
    expect(answer).toContain('could not deliver request #');
    expect(answer).toContain('withdrawn');
    expect(answer).not.toMatch(/Nothing more was changed|WebAPIPlatformError|internal_error/);
    expect(pendingOf('U0DEV')).toEqual([]);
    const id = Number(/request #(\d+)/.exec(answer)?.[1]);
    const row = h.dockhand.audit.recent(5).find((r) => r.verb === 'request:stop');
    expect(row).toMatchObject({ actor: 'U0DEV', environment: 'prod', outcome: 'error', detail: expect.stringContaining('withdrawn') });

    const { responseId } = await clickButton(h.eventsUrl, h.slack, 'U0LEE', 'approval_approve', String(id));
    const approved = await h.slack.waitFor((c) => c.method === 'response_url' && c.responseId === responseId, 10_000);
    expect(String(approved.body.text)).toContain(`request #${id} was already cancelled`);
    expect(h.dockhand.operations.unfinished()).toEqual([]);
  });
});
