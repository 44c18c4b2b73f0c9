import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { askPrivately, blocksText, clickButton } from '../support/slack-requests.js';
import { AuditStore } from '../../src/store/audit-store.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  h.slack.respond('usergroups.list', { ok: true, usergroups: [{ id: 'S0PLATFORM', users: ['U0LEE'] }] });
  const at = new Date('2026-03-01T10:00:00Z').getTime();
  for (let i = 0; i < 312; i++) (await h.dockhand.audit.record({ at: new Date(at + i * 60_000).toISOString(), actor: 'U0MARIA', verb: 'status', environment: 'staging-3', params: { text: `status staging-3 #${i}` }, outcome: 'ok', detail: null, durationMs: 1 }));
  for (let i = 0; i < 40; i++) (await h.dockhand.audit.record({ at: new Date(at + i * 60_000).toISOString(), actor: 'U0LEE', verb: 'status', environment: 'prod', params: { text: `status prod #${i}` }, outcome: 'ok', detail: null, durationMs: 1 }));
});
afterAll(() => h.close());

const ask = (userId: string, text: string) => askPrivately(h.eventsUrl, h.slack, userId, text);

describe('/env audit [env] [page] through the real receiver', () => {
  it('shows 25 of how many, newest first, and says how to see the next page', async () => {
    const first = await ask('U0MARIA', 'audit staging-3');
    expect(first.body.text).toBe('Audit trail for `staging-3`: showing 1–25 of 312');
    const text = blocksText(first);
    expect(text).toContain('status staging-3 #311');
    expect(text).not.toContain('status staging-3 #286');
    expect(text).toMatch(/Page 1 of 13\. Older: `\/env audit staging-3 2 @\d+`/);
    expect(text).toContain('"action_id":"audit_page"');
  });

  it('reads a later page, and the last one says it is the oldest', async () => {
    // The first answer is in the trail now: 313 rows.
    const second = await ask('U0MARIA', 'audit staging-3 2');
    expect(second.body.text).toBe('Audit trail for `staging-3`: showing 26–50 of 313');
    expect(blocksText(second)).toContain('status staging-3 #287');
    const last = await ask('U0MARIA', 'audit staging-3 13');
    expect(last.body.text).toBe('Audit trail for `staging-3`: showing 301–314 of 314');
    expect(blocksText(last)).toContain('status staging-3 #0');
    expect(blocksText(last)).toContain('Page 13 of 13: the oldest entries.');
    expect(blocksText(last)).not.toContain('audit_page');
    const past = await ask('U0MARIA', 'audit staging-3 99');
    expect(past.body.text).toMatch(/^Page 99 is past the end of the audit trail for `staging-3`: 315 entries, 13 pages\. `\/env audit staging-3 13 @\d+` shows the oldest\.$/);
  });

  it('pages the whole trail with only what the asker may see, and the Older button runs the next page as the clicker', async () => {
    const mine = await ask('U0MARIA', 'audit');
    expect(mine.body.text).toMatch(/^Audit trail for the environments you can see: showing 1–25 of 31\d$/);
    expect(blocksText(mine)).not.toContain('status prod');
    const all = await ask('U0LEE', 'audit');
    expect(String(all.body.text)).toMatch(/showing 1–25 of 35\d$/);
    const { responseId } = await clickButton(h.eventsUrl, h.slack, 'U0MARIA', 'audit_page', 'staging-3 2');
    const clicked = await h.slack.waitFor((c) => c.method === 'response_url' && c.responseId === responseId);
    expect(String(clicked.body.text)).toMatch(/^Audit trail for `staging-3`: showing 26–50 of 31\d$/);
    // A forged value cannot reach an environment the clicker cannot view.
    const forged = await clickButton(h.eventsUrl, h.slack, 'U0MARIA', 'audit_page', 'prod 2');
    const refused = await h.slack.waitFor((c) => c.method === 'response_url' && c.responseId === forged.responseId);
    expect(String(refused.body.text)).toMatch(/^No environment called prod\./);
  });

  it('pages the trail as it stood at the first page: the audit of each page (or any other command) shifts nothing', async () => {
    const first = await ask('U0MARIA', 'audit staging-3');
    const total = Number(/of (\d+)$/.exec(String(first.body.text))?.[1]);
    const button = JSON.parse(blocksText(first)).find((b: { type: string }) => b.type === 'actions').elements[0] as { value: string };
    expect(button.value).toMatch(/^staging-3 2 @\d+$/);
    const firstRows = (first.body.blocks as { text?: { text: string } }[]).map((b) => b.text?.text ?? '').join('\n');
    // Other entries land in between: the page-1 audit row itself, and another command.
    await ask('U0MARIA', 'status staging-3');
    const { responseId } = await clickButton(h.eventsUrl, h.slack, 'U0MARIA', 'audit_page', button.value);
    const second = await h.slack.waitFor((c) => c.method === 'response_url' && c.responseId === responseId);
    expect(second.body.text).toBe(`Audit trail for \`staging-3\`: showing 26–50 of ${total}`);
    const rows = (text: string) => [...text.matchAll(/status staging-3 #\d+/g)].map((m) => m[0]);
    const onFirst = rows(firstRows);
    const onSecond = rows(blocksText(second));
    expect(onSecond).toHaveLength(25);
    expect(onSecond.filter((row) => onFirst.includes(row))).toEqual([]);
    // The typed next command the second page prints carries the same entry.
    expect(blocksText(second)).toContain(`\`/env audit staging-3 3 ${button.value.split(' ')[2]}\``);
    expect((await ask('U0MARIA', `audit 2 ${button.value.split(' ')[2]}`)).body.text).toMatch(/showing 26–50 of \d+$/);
  });

  it('refuses a page that is not a number', async () => {
    expect((await ask('U0MARIA', 'audit staging-3 two')).body.text).toMatch(/^`two` is not a page number/);
    expect((await ask('U0MARIA', 'audit 0')).body.text).toMatch(/^`0` is not a page number/);
  });
});

describe('the audit store counts a scope rather than reading it', () => {
  it('returns one page of rows and the count of all of them', async () => {
    const store: AuditStore = h.dockhand.audit;
    for (let i = 0; i < 40; i++) (await store.record({ at: new Date().toISOString(), actor: 'U0LEE', verb: 'status', environment: 'counted-1', params: {}, outcome: 'ok', detail: null, durationMs: 1 }));
    const page = (await store.page({ environment: 'counted-1' }, 25, 25));
    expect(page.rows).toHaveLength(15);
    expect(page.total).toBe(40);
    expect((await store.page({ environments: ['counted-1'], actor: 'U0NOBODY' }, 5, 0))).toMatchObject({ total: 40 });
    expect((await store.page({ environments: [], actor: 'U0NOBODY' }, 5, 0))).toEqual({ rows: [], total: 0 });
    expect((await store.environments())).toEqual(expect.arrayContaining(['staging-3', 'prod']));
  });
});
