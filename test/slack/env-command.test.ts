import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/load.js';
import { startHarness, SIGNING_SECRET, TEST_POLICY, type Harness } from '../support/harness.js';
import { postSigned, slashCommandBody } from '../support/signed-request.js';
import { ask, askPrivately, blocksText as textOf } from '../support/slack-requests.js';
import { DOCKHAND_VERSION } from '../../src/package.js';

let h: Harness;

beforeAll(async () => {
  // Each /env refresh here must read AWS: no cooldown.
  h = await startHarness({ policy: parsePolicy(`${TEST_POLICY}inventory:\n  refresh_cooldown_seconds: 0\n`) });
  h.slack.respond('usergroups.list', { ok: true, usergroups: [{ id: 'S0PLATFORM', users: ['U0LEE'] }] });
});
afterAll(() => h.close());
beforeEach(() => h.slack.reset());

const env = (userId: string, text: string) => ask(h.eventsUrl, h.slack, userId, text);

describe('/env list through the real HTTP receiver', () => {
  it('acks, then answers a developer with the environments they may see, with their true state', async () => {
    const { ack, answer } = await env('U0MARIA', 'list');
    expect(ack.status).toBe(200);
    expect(answer.body.response_type).toBe('ephemeral');
    const blocks = textOf(answer);
    expect(blocks).toContain('`staging-3` running · 7/7 tasks');
    expect(blocks).toContain('`qa-2` stopped · 0/0 tasks');
    expect(blocks).toContain('`staging-2` degraded');
    expect(blocks).not.toContain('`prod');
    expect(blocks).not.toContain('preview-pr');
    expect(blocks).toMatch(/Read from AWS \d+s ago \(\d+ AWS calls\)/);
  });

  it('shows a user-group member every environment, prod included', async () => {
    const { answer } = await env('U0LEE', 'list');
    expect(textOf(answer)).toContain('`prod` running');
    expect(textOf(answer)).toContain('`prod-eu`');
    expect(textOf(answer)).toContain('`preview-pr-117`');
  });

  it('filters by glob', async () => {
    const { answer } = await env('U0MARIA', 'list staging-*');
    const blocks = textOf(answer);
    expect(blocks).toContain('3 environments');
    expect(blocks).not.toContain('`dev-1`');
  });

  it('tells someone with no binding that they have no access and whom to ask', async () => {
    const { answer } = await env('U0SAM', 'list');
    expect(answer.body.text).toBe(
      'You have no access to dockhand yet: no role in dockhand.yml is bound to you or your user groups. Ask <@U0ADMIN> to add you.',
    );
  });
});

describe('/env status', () => {
  it('lists every service with counts, capacity, architecture and recent events', async () => {
    const { answer } = await env('U0MARIA', 'status staging-3');
    const blocks = textOf(answer);
    expect(answer.body.text).toMatch(/^staging-3: running, 7\/7 tasks in 6 services$/);
    expect(blocks).toContain('*api* 2/2 running');
    // Per-service facts are fields beside the service's name and counts.
    const web = (answer.body.blocks as Array<{ text?: { text: string }; fields?: Array<{ text: string }> }>).find((b) => b.text?.text.startsWith('*web* 1/1 running'));
    expect(web?.fields?.map((f) => f.text)).toEqual(expect.arrayContaining(['*Capacity*\non-demand', '*Task size*\n0.5 vCPU / 1 GB · ARM']));
    expect(blocks).toContain('Recent ECS events');
  });

  it('shows a failing rollout of a degraded environment', async () => {
    const { answer } = await env('U0MARIA', 'status staging-2');
    expect(answer.body.text).toContain('degraded');
    expect(textOf(answer)).toMatch(/:x: primary deployment failed: 1\/3 running, \d+ failed/);
    expect(textOf(answer)).not.toContain(':hourglass_flowing_sand: primary deployment failed');
  });

  it('suggests the closest names for an unknown environment, among those the asker may see', async () => {
    const { answer } = await env('U0MARIA', 'status stagin-3');
    expect(answer.body.text).toMatch(/^No environment called stagin-3\. Did you mean `staging-3`/);
    const prod = await env('U0MARIA', 'status prd');
    expect(prod.answer.body.text).not.toContain('`prod`');
  });

  it('answers an environment the asker cannot view exactly like one that does not exist, naming nobody', async () => {
    const { answer } = await env('U0MARIA', 'status prod');
    const missing = await env('U0MARIA', 'status prox');
    expect(String(answer.body.text).replace('prod', 'NAME')).toBe(String(missing.answer.body.text).replace('prox', 'NAME'));
    expect(JSON.stringify(answer.body.blocks).replace('prod', 'NAME')).toBe(JSON.stringify(missing.answer.body.blocks).replace('prox', 'NAME'));
    expect(answer.body.text).toBe('No environment called prod. See `/env list` for the environments you can see.');
    for (const verb of ['stop', 'restart', 'audit', 'cost', 'who', 'schedule']) {
      const refused = await env('U0MARIA', `${verb} prod`);
      expect(String(refused.answer.body.text), verb).toMatch(/^No environment called prod\./);
      expect(String(refused.answer.body.text), verb).not.toMatch(/<@|<!subteam/);
    }
    expect((await h.dockhand.audit.recent(1, 'prod'))[0]).toMatchObject({ actor: 'U0MARIA', outcome: 'denied' });
  });
});

describe('bad input', () => {
  it('answers a mistyped verb with the verb it is closest to, an unknown one with a pointer to help, a malformed command with its usage', async () => {
    const typo = await env('U0MARIA', 'stpo staging-3');
    expect(typo.answer.body.text).toBe('`stpo` is not a dockhand command. Did you mean `stop`? `/env help` lists every command.');
    const unknown = await env('U0MARIA', 'deploy prod');
    expect(unknown.answer.body.text).toBe('`deploy` is not a dockhand command. `/env help` lists every command.');
    // The whole help only when asked for, or for an empty command.
    for (const text of ['help', '']) expect((await env('U0MARIA', text)).answer.body.text, text).toMatch(/^dockhand commands: \/env list/);
    const usage = await env('U0MARIA', 'status');
    expect(usage.answer.body.text).toBe('`status` needs the environment’s name. Usage: /env status &lt;env&gt;');
  });

  it('refuses a bad signature or an old timestamp and does nothing', async () => {
    const auditBefore = (await h.dockhand.audit.recent(1000)).length;
    const body = slashCommandBody({ command: '/env', text: 'list', user_id: 'U0MARIA', channel_id: 'C0DEV', response_url: h.slack.responseUrl('forged') });
    expect((await postSigned(h.eventsUrl, SIGNING_SECRET, body, { tamperSignature: true })).status).toBe(401);
    expect((await postSigned(h.eventsUrl, SIGNING_SECRET, body, { ageSeconds: 6 * 60 })).status).toBe(401);
    expect((await postSigned(h.eventsUrl, SIGNING_SECRET, body, { wrongSecret: 'guess' })).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(h.slack.calls).toEqual([]);
    expect((await h.dockhand.audit.recent(1000)).length).toBe(auditBefore);
  });
});

describe('audit and health', () => {
  it('records every request with who asked, the verb and the outcome', async () => {
    await env('U0SAM', 'status prod');
    const [latest] = (await h.dockhand.audit.recent(1));
    expect(latest).toMatchObject({ actor: 'U0SAM', verb: 'status', outcome: 'denied', params: { text: 'status prod', channel: 'C0DEV' } });
  });

  it('reads user groups from Slack once and caches them', async () => {
    await env('U0LEE', 'status prod');
    await env('U0LEE', 'list');
    expect(h.slack.callsTo('usergroups.list').length).toBeLessThanOrEqual(1);
  });

  it('serves /health for the container: every check, and nothing an outsider should learn', async () => {
    await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'refresh');
    const response = await fetch(`${h.baseUrl}/health`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({
      status: 'ok',
      failing: [],
      checks: { database: { ok: true }, lease: { ok: true, state: 'held' }, slack: { ok: true, mode: 'http' }, inventory: { ok: true, failed_locations_last_refresh: 0 } },
    });
    // Who asked for the last refresh and which account was read stay in /env refresh.
    expect(text).not.toMatch(/U0MARIA|111111111111|awsCalls|trigger/);
    expect((await fetch(`${h.baseUrl}/health/live`)).status).toBe(200);
  });
});

describe('/env refresh', () => {
  it('gives fleet-wide counts and AWS errors only to someone who can view every environment', async () => {
    h.sandbox.failOn(({ operation, region }) =>
      operation === 'ListClusters' && region === 'eu-west-1' ? Object.assign(new Error('not authorized to perform: ecs:ListClusters'), { name: 'AccessDeniedException' }) : undefined,
    );
    try {
      const full = await env('U0LEE', 'refresh');
      expect(String(full.answer.body.text)).toMatch(/^Read \d+ services from AWS in \d+ calls\.\n:warning: sandbox \(111111111111\) eu-west-1: .*not authorized/);

      const short = String((await env('U0MARIA', 'refresh')).answer.body.text);
      const maria = h.dockhand.fleet.environments().filter((e) => /^(dev|qa|staging)-/.test(e.name));
      const services = maria.reduce((sum, e) => sum + e.services.length, 0);
      expect(short).toBe(
        `Refreshed: ${maria.length} environments you can see, with ${services} services.\n:warning: Part of the fleet could not be read, so some of it may be out of date; someone who can view every environment sees the details with \`/env refresh\`.`,
      );
      expect(short).not.toMatch(/111111111111|not authorized|calls/);
      const audited = (await h.dockhand.audit.recent(5)).find((r) => r.actor === 'U0MARIA' && r.verb === 'refresh');
      expect(audited?.detail).toBe(short);
    } finally {
      h.sandbox.clearFaults();
    }
  });
});

describe('/env version through the real HTTP receiver', () => {
  it('answers anyone with the running version, is listed in the help and is audited', async () => {
    const { answer } = await env('U0NOBODY', 'version');
    expect(answer.body.text).toBe(`dockhand ${DOCKHAND_VERSION}`);
    const help = await env('U0MARIA', 'help');
    expect(textOf(help.answer)).toContain('/env version');
    expect((await h.dockhand.audit.recent(5)).some((row) => row.actor === 'U0NOBODY' && row.verb === 'version' && row.outcome === 'ok')).toBe(true);
  });
});

describe('/env schedule with a quoted spec', () => {
  it('reads a spec typed in quotes or backticks as the spec', async () => {
    for (const typed of ['"weekdays 08:00-18:00 Europe/Berlin"', '`weekdays 08:00-18:00 Europe/Berlin`', '“weekdays 08:00-18:00 Europe/Berlin”']) {
      const { answer } = await env('U0ADMIN', `schedule qa-2 ${typed}`);
      expect(answer.body.text).not.toMatch(/does not parse/);
      expect((await h.dockhand.audit.recent(1))[0]).toMatchObject({ verb: 'schedule', outcome: 'ok' });
    }
    await env('U0ADMIN', 'schedule qa-2 default');
  });
});
