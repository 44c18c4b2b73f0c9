import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/load.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { FakeSlackCall } from '../support/fake-slack.js';
import { startHarness, TEST_POLICY, type Harness } from '../support/harness.js';
import { askPrivately, clickButton } from '../support/slack-requests.js';

/** Two granters besides the admin: one with grant and view on qa-?, one on *-*. */
const POLICY = TEST_POLICY.replace('  admin: ["*"]\n', '  admin: ["*"]\n  granter: [grant, view]\n').replace(
  'bindings:\n',
  'bindings:\n  - subjects: [user:U0QAGRANT]\n    role: granter\n    environments: ["qa-?"]\n  - subjects: [user:U0WIDE]\n    role: granter\n    environments: ["*-*"]\n',
);

let h: Harness;
const clock = new ManualClock(Date.now());
beforeAll(async () => {
  h = await startHarness({ clock, policy: parsePolicy(POLICY) });
  h.slack.respond('usergroups.list', { ok: true, usergroups: [{ id: 'S0PLATFORM', users: ['U0LEE'] }] });
});
afterAll(() => h.close());
beforeEach(() => {
  h.slack.reset();
  h.sandbox.resetCounts();
});

const say = async (user: string, text: string) => String((await askPrivately(h.eventsUrl, h.slack, user, text)).body.text);

describe('grants that cannot escalate', () => {
  it('refuses verbs the granter does not hold, `*` roles included', async () => {
    expect(await say('U0QAGRANT', 'grant <@U0SAM> admin qa-1 1h')).toMatch(/^You can’t grant `admin` on `qa-1`: you don’t hold `restart` .*`stop`.* on every environment it covers\./);
    expect(await say('U0QAGRANT', 'grant <@U0SAM> developer qa-1 1h')).toMatch(/^You can’t grant `developer` on `qa-1`: you don’t hold `restart`/);
    expect(await say('U0SAM', 'stop qa-1')).toMatch(/^You have no access to dockhand yet/);
    expect(await say('U0QAGRANT', 'grant <@U0SAM> viewer qa-1 1h')).toMatch(/^:key: Granted <@U0SAM> `viewer` on `qa-1`/);
  });

  it('compares the scope as a set of names, not as a name', async () => {
    for (const glob of ['qa-*', '*', 'qa-1?']) {
      expect(await say('U0QAGRANT', `grant <@U0ANN> viewer ${glob} 1h`), glob).toMatch(/^You can’t grant `viewer` on `.*`: you don’t hold `grant` \(not on `.+`, for example\)/);
    }
    for (const glob of ['pro?', '*']) {
      expect(await say('U0WIDE', `grant <@U0ANN> viewer ${glob} 1h`), glob).toMatch(/^You can’t grant `viewer`/);
    }
    expect(await say('U0WIDE', 'grant <@U0ANN> viewer qa-* 1h')).toMatch(/^:key: Granted <@U0ANN> `viewer` on `qa-\*`/);
    expect(await say('U0ANN', 'status prod')).toMatch(/^No environment called prod\./);
    const refusals = (await h.dockhand.audit.recent(40)).filter((r) => r.verb === 'grant' && r.outcome === 'denied');
    expect(refusals.length).toBeGreaterThanOrEqual(5);
  });

  it('tells someone without `grant` nothing about other people’s grants when they try to revoke', async () => {
    expect(await say('U0WIDE', 'grant <@U0ANN> viewer qa-* 1h')).toMatch(/^:key: Granted/);
    expect(await say('U0MARIA', 'revoke <@U0ANN>')).toMatch(/^You don’t have `grant`, which revoking needs\./);
    expect(await say('U0MARIA', 'revoke <@U0NOBODY>')).toMatch(/^You don’t have `grant`, which revoking needs\./);
  });

  it('knows only the policy’s own roles, not names every JavaScript object has', async () => {
    for (const role of ['constructor', 'toString', 'hasOwnProperty']) {
      expect(await say('U0ADMIN', `grant <@U0ANN> ${role} qa-* 1h`), role).toMatch(new RegExp(`^There is no role \`${role}\``));
    }
  });

  it('refuses a typed glob with more than `*` and `?` before comparing anything, saying what to write', async () => {
    expect(await say('U0ADMIN', 'grant <@U0ANN> viewer qa-[12] 1h')).toContain('the characters `[ ]` are not allowed: write e.g. staging-* or qa-?');
    expect(await say('U0WIDE', 'grant <@U0ANN> viewer {prod,x-y} 1h')).toContain('the characters `{ , }` are not allowed');
  });
});

async function requestProdRestart(user: string): Promise<string> {
  await askPrivately(h.eventsUrl, h.slack, user, 'restart prod');
  const request = await h.slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0APPROVALS');
  const buttons = (request.body.blocks as Array<{ elements?: Array<{ action_id: string; value: string }> }>).flatMap((b) => b.elements ?? []);
  return buttons.find((e) => e.action_id === 'approval_approve')?.value ?? '';
}

async function click(userId: string, id: string): Promise<FakeSlackCall> {
  const { responseId } = await clickButton(h.eventsUrl, h.slack, userId, 'approval_approve', id);
  return h.slack.waitFor((c) => c.method === 'response_url' && c.responseId === responseId, 8000);
}

const restarts = () => h.sandbox.requests.filter((r) => r.operation === 'UpdateService').length;

describe('approvals re-check access when Approve is clicked', () => {
  it('cancels a request whose requester lost the verb in between, telling them and the approvers', async () => {
    expect(await say('U0ADMIN', 'grant <@U0TEMP> developer prod 1h')).toMatch(/^:key: Granted/);
    const id = await requestProdRestart('U0TEMP');
    expect(await say('U0ADMIN', 'revoke <@U0TEMP>')).toMatch(/^:lock: Revoked/);

    expect((await click('U0LEE', id)).body.text).toBe(`Not counted: <@U0TEMP> no longer holds \`restart\` on \`prod\` (a grant ended or a binding changed), so request #${id} is cancelled and nothing ran.`);
    expect(restarts()).toBe(0);
    const dm = await h.slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'U0TEMP');
    expect(dm.body.text).toBe('Your request `/env restart prod` was cancelled when <@U0LEE> tried to approve it: you no longer hold `restart` on `prod`, so nothing ran.');
    const update = await h.slack.waitFor((c) => c.method === 'chat.update' && c.body.channel === 'C0APPROVALS');
    expect(JSON.stringify(update.body.blocks)).toContain('Cancelled when <@U0LEE> clicked Approve');
    expect(JSON.stringify(update.body.blocks)).not.toContain('approval_approve');
    // A second click finds it decided.
    expect((await click('U0LEE', id)).body.text).toMatch(/^Not counted: request #\d+ was already cancelled by <@U0LEE>\.$/);
    expect((await h.dockhand.audit.recent(10)).some((r) => r.verb === 'approve' && r.outcome === 'denied' && r.detail === 'cancelled: requester no longer holds restart')).toBe(true);
  });

  it('does not count an approver whose grant ended in between', async () => {
    expect(await say('U0ADMIN', 'grant <@U0TEMPLEAD> lead prod 1h')).toMatch(/^:key: Granted/);
    clock.advance(45 * 60_000);
    const id = await requestProdRestart('U0DEV');
    // The grant ends at 60 minutes, the request expires at 75.
    clock.advance(20 * 60_000);
    expect((await click('U0TEMPLEAD', id)).body.text).toBe('Not counted: you don’t hold `approve` on this environment.');
    expect(restarts()).toBe(0);
  });
});
