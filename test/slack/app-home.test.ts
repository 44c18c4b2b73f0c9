import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/load.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { FakeSlackCall } from '../support/fake-slack.js';
import { CHANGE_DEBOUNCE_MS, CHANGE_ROUND_MS, SAME_VIEW_MS } from '../../src/slack/home.js';
import { startHarness, TEST_POLICY, type Harness } from '../support/harness.js';
import { ManualSleeps } from '../support/manual-sleeps.js';
import { askPrivately, clickOnView, openHome, sendCommand } from '../support/slack-requests.js';

/** TEST_POLICY plus someone who may only look. */
const POLICY = TEST_POLICY.replace('bindings:\n', 'bindings:\n  - subjects: [user:U0VIEW]\n    role: viewer\n    environments: ["*"]\n');

let h: Harness;
const clock = new ManualClock(Date.now());
// The Home's redraw debounce sleeps on the test's clock: a redraw round starts when the test releases it.
const sleeps = new ManualSleeps(clock);

beforeAll(async () => {
  h = await startHarness({ clock, sleep: sleeps.sleep, policy: parsePolicy(POLICY), scheduler: false });
  h.slack.respond('usergroups.list', { ok: true, usergroups: [{ id: 'S0PLATFORM', users: ['U0LEE'] }] });
});
afterAll(() => h.close());
beforeEach(() => h.slack.reset());

type Block = { type: string; block_id?: string; text?: { text?: string }; elements?: Array<{ action_id?: string; value?: string; confirm?: unknown; text?: unknown }> };

/** Opens the user's Home and returns the view dockhand published for them. */
async function homeOf(userId: string): Promise<{ call: FakeSlackCall; blocks: Block[]; text: string }> {
  // The same view published again within a minute is skipped (Slack still shows it): each opening here is later.
  clock.advance(SAME_VIEW_MS);
  const before = h.slack.callsTo('views.publish').length;
  expect((await openHome(h.eventsUrl, userId)).status).toBe(200);
  const call = await h.slack.waitFor((c) => c.method === 'views.publish' && c.body.user_id === userId && h.slack.callsTo('views.publish').indexOf(c) >= before);
  const view = call.body.view as { type: string; blocks: Block[] };
  expect(view.type).toBe('home');
  expect(view.blocks.length).toBeLessThanOrEqual(100);
  return { call, blocks: view.blocks, text: JSON.stringify(view.blocks) };
}

/** The environments a Home lists, from their lines (`:emoji: \`name\` state · …`). */
function listed(blocks: Block[]): string[] {
  const names = blocks.flatMap((b) => [...(b.text?.text ?? '').matchAll(/^:[a-z_]+: `([^`]+)` (?:running|stopped|partial|degraded|transitioning) ·/gm)].map((m) => m[1] as string));
  return names.sort();
}

function buttons(blocks: Block[]) {
  return blocks.flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []));
}

/** The last few audit rows, oldest first, without times. */
async function auditSince(before: number) {
  return (await h.dockhand.audit.recent(20))
    .filter((row) => row.id > before)
    .reverse()
    .map(({ actor, verb, environment, outcome, detail }) => ({ actor, verb, environment, outcome, detail }));
}

const lastAuditId = async () => (await h.dockhand.audit.recent(1))[0]?.id ?? 0;

describe('the App Home', () => {
  it('lists exactly the environments a developer may operate, with buttons that ask before stopping', async () => {
    const { blocks, text } = await homeOf('U0MARIA');
    const hers = h.dockhand.fleet
      .environments()
      .map((e) => e.name)
      .filter((name) => /^(dev|qa|staging)-/.test(name))
      .sort();
    expect(hers.length).toBeGreaterThan(3);
    expect(listed(blocks)).toEqual(hers);
    expect(text).not.toContain('`prod`');
    expect(text).toContain('This week:');
    expect(text).toMatch(/this month \(est\.\)|no cost samples this month/);
    const stop = buttons(blocks).find((b) => b.action_id === 'home_stop');
    expect(stop?.confirm).toMatchObject({ confirm: { text: 'Stop' }, style: 'danger' });
    // Maria holds no `approve`: no approvals section.
    expect(text).not.toContain('Waiting for approval');
  });

  it('turns a Stop click on a protected environment into an approval request, answered by DM and audited', async () => {
    const { blocks } = await homeOf('U0DEV');
    const stop = buttons(blocks).find((b) => b.action_id === 'home_stop' && b.value === 'prod');
    expect(stop?.confirm).toMatchObject({ confirm: { text: 'Ask to stop' } });
    const before = (await lastAuditId());
    expect((await clickOnView(h.eventsUrl, 'U0DEV', 'home_stop', 'prod')).ack.status).toBe(200);
    const request = await h.slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0APPROVALS');
    expect(String(request.body.text)).toContain('/env stop prod');
    const dm = await h.slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'U0DEV');
    expect(String(dm.body.text)).toMatch(/^`\/env stop prod` needs a second person: request #\d+ is waiting in <#C0APPROVALS>/);
    expect(h.sandbox.countCalls({ operation: 'UpdateService' })).toBe(0);
    expect((await auditSince(before))).toEqual([
      { actor: 'U0DEV', verb: 'request:stop', environment: 'prod', outcome: 'requested', detail: 'posted to C0APPROVALS' },
      { actor: 'U0DEV', verb: 'stop', environment: 'prod', outcome: 'requested', detail: 'needs approval' },
    ]);
  });

  it('refuses a Stop by someone without `stop`, by DM, and audits the refusal', async () => {
    const { blocks, text } = await homeOf('U0VIEW');
    // A viewer operates nothing: no environments of their own, no buttons, a pointer to what they can see.
    expect(listed(blocks)).toEqual([]);
    expect(buttons(blocks)).toEqual([]);
    expect(text).toMatch(/You can also see \d+ environments you neither own nor operate/);
    const before = (await lastAuditId());
    await clickOnView(h.eventsUrl, 'U0VIEW', 'home_stop', 'qa-1');
    const dm = await h.slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'U0VIEW');
    expect(String(dm.body.text)).toMatch(/^You don’t have `stop` on `qa-1`\./);
    expect((await auditSince(before))).toEqual([{ actor: 'U0VIEW', verb: 'stop', environment: 'qa-1', outcome: 'denied', detail: 'missing stop' }]);
    expect(h.sandbox.countCalls({ operation: 'UpdateService' })).toBe(0);
  });

  it('shows a lead the pending approvals with Approve and Deny that confirm first, and Approve from the Home runs it once', async () => {
    const pending = (await h.dockhand.approvals.pending()).find((a) => a.environment === 'prod' && a.verb === 'stop');
    expect(pending).toBeDefined();
    const { blocks, text } = await homeOf('U0LEE');
    expect(text).toContain('Waiting for approval');
    expect(text).toContain(`#${pending?.id} \`/env stop prod\` by <@U0DEV>`);
    const approve = buttons(blocks).find((b) => b.action_id === 'approval_approve' && b.value === String(pending?.id));
    const deny = buttons(blocks).find((b) => b.action_id === 'approval_deny' && b.value === String(pending?.id));
    expect(approve?.confirm).toMatchObject({ confirm: { text: 'Approve' } });
    expect(deny?.confirm).toMatchObject({ confirm: { text: 'Deny' }, style: 'danger' });

    // The developer has no `approve`: the same request is not on their Home.
    expect((await homeOf('U0DEV')).text).not.toContain('Waiting for approval');

    await clickOnView(h.eventsUrl, 'U0LEE', 'approval_approve', String(pending?.id));
    const answer = await h.slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'U0LEE', 10_000);
    expect(String(answer.body.text)).toMatch(new RegExp(`^You approved request #${pending?.id}\\. Operation #\\d+: succeeded`));
    // The decision started the debounce; releasing it starts the redraw round.
    await sleeps.releaseNext();
    // The lead's Home is redrawn once the decision and its operation are done: the request is gone.
    const redrawn = await h.slack.waitFor((c) => c.method === 'views.publish' && c.body.user_id === 'U0LEE' && !JSON.stringify(c.body.view).includes(`#${pending?.id} `), 10_000);
    expect(JSON.stringify(redrawn.body.view)).toContain('Waiting for approval (0)');
    // The same round redraws the developer's Home, which lists prod: stopped now.
    await h.slack.waitFor((c) => c.method === 'views.publish' && c.body.user_id === 'U0DEV' && /`prod` stopped/.test(JSON.stringify(c.body.view)), 10_000);
  });

  it('is redrawn for a recent viewer when an operation on an environment they see finishes, and for nobody else', async () => {
    // No redraw round is left waiting from the last test (changes would join it).
    expect(sleeps.pending).toBe(0);
    await homeOf('U0MARIA');
    clock.advance(2 * 3600_000);
    // U0MARIA opened hers two hours ago: too long for a redraw; U0DEV opens now.
    await homeOf('U0DEV');
    h.slack.reset();
    // Its progress is a message in the channel; the Home hears the operation finish.
    await sendCommand(h.eventsUrl, h.slack, 'U0DEV', 'stop dev-2');
    // The round waits out the debounce on the test's clock, not for real.
    const before = clock.now().getTime();
    await sleeps.releaseNext();
    expect(clock.now().getTime() - before).toBeGreaterThanOrEqual(CHANGE_DEBOUNCE_MS);
    const roundStarted = clock.now().getTime();
    const redrawn = await h.slack.waitFor((c) => c.method === 'views.publish' && c.body.user_id === 'U0DEV' && /`dev-2` stopped/.test(JSON.stringify(c.body.view)), 10_000);
    expect(redrawn).toBeDefined();
    // Debounced: the operation and the refresh after it make one redraw; U0MARIA's and never-opened Homes are left alone.
    expect(h.slack.callsTo('views.publish').map((c) => c.body.user_id)).toEqual(['U0DEV']);

    // A change right after: its round starts CHANGE_ROUND_MS after the last one, by the clock, and redraws again.
    expect(sleeps.pending).toBe(0);
    await sendCommand(h.eventsUrl, h.slack, 'U0DEV', 'start dev-2');
    await sleeps.releaseNext();
    expect(clock.now().getTime() - roundStarted).toBeGreaterThanOrEqual(CHANGE_ROUND_MS);
    await h.slack.waitFor((c) => c.method === 'views.publish' && c.body.user_id === 'U0DEV' && /`dev-2` running/.test(JSON.stringify(c.body.view)), 10_000);
  });

  it('tells someone with no role whom to ask', async () => {
    const { text, blocks } = await homeOf('U0NOBODY');
    expect(text).toContain('You have no access to dockhand yet');
    expect(text).toMatch(/Ask .+ to add you/);
    expect(buttons(blocks)).toEqual([]);
  });

  it('answers Why? from the Home by DM, as `/env why` does', async () => {
    await clickOnView(h.eventsUrl, 'U0DEV', 'env_why', 'staging-2');
    const dm = await h.slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'U0DEV');
    const typed = await askPrivately(h.eventsUrl, h.slack, 'U0DEV', 'why staging-2');
    expect(dm.body.text).toBe(typed.body.text);
  });
});
