import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { startHarness, type Harness } from '../support/harness.js';
import { askPrivately, blocksText, clickButton } from '../support/slack-requests.js';

/** What a click leaves: its private answer, and the audit rows it added (oldest first), without their times. */
async function click(h: Harness, userId: string, actionId: string, value: string) {
  const before = (await h.dockhand.audit.recent(1))[0]?.id ?? 0;
  const { responseId } = await clickButton(h.eventsUrl, h.slack, userId, actionId, value);
  const answer = await h.slack.waitFor((c) => c.method === 'response_url' && c.responseId === responseId);
  const rows = (await h.dockhand.audit.recent(10))
    .filter((row) => row.id > before)
    .reverse()
    .map(({ actor, verb, environment, params, outcome, detail, durationMs }) => ({ actor, verb, environment, params, outcome, detail, durationMs }));
  return { text: String(answer.body.text), rows };
}

/** Who snoozed an environment, as stored. */
function snoozed(environment: string): Array<{ by: string }> {
  const db = new Database(h.dbPath, { readonly: true });
  try {
    return db.prepare('SELECT by FROM idle_snoozes WHERE environment = ?').all(environment) as Array<{ by: string }>;
  } finally {
    db.close();
  }
}

let h: Harness;
const clock = new ManualClock('2026-03-20T10:00:00Z');

beforeAll(async () => {
  h = await startHarness({ clock });
  await h.dockhand.refresher.refresh('test');
});
afterAll(() => h.close());

describe('buttons enter the command pipeline', () => {
  it('Snooze: refused as an unknown name to someone who cannot view it, audited with the click’s params', async () => {
    const refused = await click(h, 'U0MARIA', 'idle_snooze', 'preview-pr-117');
    expect(refused.text).toMatch(/^No environment called preview-pr-117\./);
    expect(refused.rows).toEqual([{ actor: 'U0MARIA', verb: 'snooze', environment: 'preview-pr-117', params: {}, outcome: 'denied', detail: 'missing view (asked for stop)', durationMs: null }]);

    const missing = await click(h, 'U0ADMIN', 'idle_snooze', 'nope-1');
    expect(missing.rows).toEqual([{ actor: 'U0ADMIN', verb: 'snooze', environment: 'nope-1', params: {}, outcome: 'not-found', detail: null, durationMs: null }]);

    const ok = await click(h, 'U0ADMIN', 'idle_snooze', 'preview-pr-117');
    expect(ok.text).toContain('preview-pr-117');
    expect(ok.rows).toEqual([{ actor: 'U0ADMIN', verb: 'snooze', environment: 'preview-pr-117', params: { until: '2026-03-27T10:00:00.000Z' }, outcome: 'ok', detail: null, durationMs: null }]);
  });

  it('Snooze on a protected environment (stop needs a second person) takes someone holding approve there', async () => {
    // U0DEV may stop prod (a request for a second person), not approve: the finding is not theirs to hide alone.
    const refused = await click(h, 'U0DEV', 'idle_snooze', 'prod');
    expect(refused.text).toBe('`prod` is protected: stopping it needs a second person, so only someone holding `approve` on it may snooze it. It is held by <!subteam^S0PLATFORM>, <@U0ADMIN>. Nothing was snoozed.');
    expect(refused.rows).toEqual([{ actor: 'U0DEV', verb: 'snooze', environment: 'prod', params: {}, outcome: 'denied', detail: 'protected: snoozing needs approve', durationMs: null }]);
    // No snooze was stored: the finding is still listed for everyone.
    expect(snoozed('prod')).toEqual([]);
    // An approver may; an unprotected environment needs only stop, as before.
    const approver = await click(h, 'U0ADMIN', 'idle_snooze', 'prod');
    expect(approver.rows).toEqual([{ actor: 'U0ADMIN', verb: 'snooze', environment: 'prod', params: { until: '2026-03-27T10:00:00.000Z' }, outcome: 'ok', detail: null, durationMs: null }]);
    expect(snoozed('prod')).toEqual([{ by: 'U0ADMIN' }]);
    const dev = await click(h, 'U0DEV', 'idle_snooze', 'staging-1');
    expect(dev.rows.map((r) => r.outcome)).toEqual(['ok']);
  });

  it('Stop and Extend: run as the typed command, audited with its text', async () => {
    const stop = await click(h, 'U0ADMIN', 'idle_stop', 'nope-1');
    expect(stop.text).toMatch(/^No environment called nope-1\./);
    expect(stop.rows).toEqual([{ actor: 'U0ADMIN', verb: 'stop', environment: 'nope-1', params: { text: 'stop nope-1', channel: 'C0APPROVALS' }, outcome: 'not-found', detail: null, durationMs: 0 }]);

    const extend = await click(h, 'U0MARIA', 'schedule_extend_1h', 'prod');
    expect(extend.rows).toEqual([{ actor: 'U0MARIA', verb: 'extend', environment: 'prod', params: { text: 'extend prod 1h', channel: 'C0APPROVALS' }, outcome: 'denied', detail: 'missing view (asked for extend)', durationMs: 0 }]);
  });

  it('Approve: the approval service judges the click and records it; an unknown request is answered and audited too', async () => {
    const unknown = await click(h, 'U0ADMIN', 'approval_approve', '999');
    expect(unknown.text).toBe('There is no request #999.');
    expect(unknown.rows).toEqual([{ actor: 'U0ADMIN', verb: 'approve', environment: null, params: { approval: 999 }, outcome: 'not-found', detail: 'no request #999', durationMs: null }]);

    // A value that is no request number: not repeated in the answer, kept in the row as a bounded word.
    const forged = await click(h, 'U0ADMIN', 'approval_approve', `<!channel>${'9'.repeat(100)}`);
    expect(forged.text).toBe('That is not a request number, so nothing was counted.');
    expect(forged.rows).toEqual([{ actor: 'U0ADMIN', verb: 'approve', environment: null, params: { approval: 0 }, outcome: 'not-found', detail: `no request #0 (the click said "<!channel>${'9'.repeat(50)}…")`, durationMs: null }]);
    // The trail shows it escaped: no mention, no link.
    const trail = await askPrivately(h.eventsUrl, h.slack, 'U0ADMIN', 'audit');
    expect(blocksText(trail)).toContain('no request #0 (the click said \\"&lt;!channel&gt;9');
    expect(blocksText(trail)).not.toContain('<!channel>');
  });
});
