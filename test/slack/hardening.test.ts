import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { MAX_USER_GLOB_WILDCARDS } from '../../src/domain/glob.js';
import { demoFleet, type FleetSpec, type ServiceSpec } from '../../dev/sandbox/index.js';
import { MAX_BUTTON_VALUE, MAX_ID_LENGTH, MAX_SECTION_TEXT } from '../../src/slack/blocks/common.js';
import { warningReply } from '../../src/slack/blocks/scheduler.js';
import { startHarness, type Harness } from '../support/harness.js';
import { ask, blocksText } from '../support/slack-requests.js';

/** An environment named like a tag value with `/`, one named by an attacker, and one with a 250-character name. */
const HOSTILE = 'qa-<!channel>-<@U123>-<https://evil.example|click>';
const LONG = `long-${'x'.repeat(245)}`;

function service(environment: string, name: string, extra: Record<string, string> = {}): ServiceSpec {
  return { name, cpu: 256, memory: 512, arch: 'X86_64', spot: false, desired: 1, tags: { environment, team: 'platform', ...extra } };
}

function fleet(): FleetSpec {
  const base = demoFleet();
  const account = base.clusters[0]!.account;
  base.clusters.push(
    { account, region: 'us-east-1', name: 'team-cluster', tags: {}, services: [service('team/app', 'team-app-api'), service('team/app', 'team-app-web')] },
    {
      account,
      region: 'us-east-1',
      name: 'odd-cluster',
      tags: {},
      services: [
        service(HOSTILE, 'hostile-api', { owner: '<!here> & <@U0ADMIN>' }),
        ...Array.from({ length: 12 }, (_, i) => service(LONG, `long-${i}-${'s'.repeat(200)}`, { owner: `<!everyone>${'o'.repeat(240)}` })),
      ],
    },
  );
  return base;
}

function dbBytes(path: string): number {
  const size = (file: string) => {
    try {
      return statSync(file).size;
    } catch {
      return 0;
    }
  };
  return size(path) + size(`${path}-wal`);
}

/** Every mrkdwn text and the fallback text of a posted message. */
function texts(body: Record<string, unknown>): string[] {
  const out = typeof body.text === 'string' ? [body.text] : [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (record.type === 'mrkdwn' && typeof record.text === 'string') out.push(record.text);
      Object.values(record).forEach(walk);
    }
  };
  walk(body.blocks);
  return out;
}

let h: Harness;
const clock = new ManualClock('2026-03-02T10:00:00Z');

beforeAll(async () => {
  h = await startHarness({ sandbox: { fleet: fleet() }, clock });
});
afterAll(() => h.close());
beforeEach(() => h.slack.reset());

const env = (userId: string, text: string) => ask(h.eventsUrl, h.slack, userId, text);

describe('globs users type are matched in linear time', () => {
  it('answers a family of backtracking globs with a usage message while another user’s /env list is answered too', async () => {
    const family = [
      `list ${'{a,b}*'.repeat(12)}c`,
      `list {a,{b,{c,{d,e}}}}*{a,b}*{a,b}*{a,b}*`,
      `list ${'*a'.repeat(40)}*b`,
      `list ${'?*'.repeat(30)}x`,
    ];
    // Within the limits, but a backtracking matcher needs ~250^9 steps for it on the 250-character name.
    const atLimit = `list ${'*x'.repeat(MAX_USER_GLOB_WILDCARDS - 1)}*y`;
    const answers = await Promise.all([...family.map((text) => env('U0DEV', text)), env('U0DEV', atLimit), env('U0MARIA', 'list')]);
    const listed = answers.pop()!;
    expect(blocksText(listed.answer)).toContain('`staging-3` running');
    const matched = answers.pop()!;
    expect(matched.answer.body.text).toMatch(/^No environments you can see matching/);
    for (const [i, { answer }] of answers.entries()) {
      expect(answer.body.text, family[i]).toMatch(/not allowed: write e\.g\. staging-\* or qa-\?|wildcards; at most 10 are allowed|characters long; a glob is at most 100/);
      expect(answer.body.text).toContain('Usage: /env list [glob]');
    }
  });

  it('matches a glob at the wildcard limit, right, and `*` takes names holding `/`', async () => {
    const atLimit = `list ${'*x'.repeat(MAX_USER_GLOB_WILDCARDS - 1)}*`;
    expect((await env('U0DEV', atLimit)).answer.body.text).toMatch(/^1 environments matching/);
    const all = await env('U0DEV', 'list');
    expect(blocksText(all.answer)).toContain('`team/app`');
    const team = await env('U0DEV', 'list team/*');
    expect(team.answer.body.text).toMatch(/^1 environments matching team\/\*/);
    const status = await env('U0DEV', 'status team/app');
    expect(status.answer.body.text).toBe('team/app: running, 2/2 tasks in 2 services');
  });
});

describe('storage an outsider cannot fill', () => {
  it('refuses a 3.9 MB command from a user with no binding, adding only a small, cut audit row', async () => {
    const db = new Database(h.dbPath, { readonly: true });
    const lastId = (db.prepare('select max(id) as id from audit_log').get() as { id: number | null }).id ?? 0;
    const before = dbBytes(h.dbPath);
    const huge = `list ${'A'.repeat(3_900_000)}`;
    const { ack, answer } = await env('U0SAM', huge);
    expect(ack.status).toBe(200);
    expect(answer.body.text).toMatch(/^That command is 3900005 characters long; dockhand reads commands of at most 1000\. Nothing was done: send a shorter one/);
    expect(JSON.stringify(answer.body).length).toBeLessThan(3000);
    const rows = db.prepare('select verb, outcome, params, detail, length(params) + coalesce(length(detail), 0) as bytes from audit_log where id > ?').all(lastId) as Array<{ verb: string; outcome: string; params: string; detail: string; bytes: number }>;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.outcome).toBe('invalid');
    expect(rows[0]!.bytes).toBeLessThan(1200);
    expect(JSON.parse(rows[0]!.params).text).toMatch(/^list A{495}…\[cut, 3900005 chars\]$/);
    // Database file plus write-ahead log: a few pages, not megabytes.
    expect(dbBytes(h.dbPath) - before).toBeLessThan(40 * 1024);
    db.close();
  });

  it('still refuses a user with no binding, with an audit row of bounded size, for a command under the limit', async () => {
    const db = new Database(h.dbPath, { readonly: true });
    const lastId = (db.prepare('select max(id) as id from audit_log').get() as { id: number | null }).id ?? 0;
    const { answer } = await env('U0SAM', `schedule qa-2 ${'b'.repeat(980)}`);
    expect(answer.body.text).toMatch(/^You have no access to dockhand yet/);
    const row = db.prepare('select params from audit_log where id > ?').get(lastId) as { params: string };
    expect(JSON.parse(row.params).text).toMatch(/^schedule qa-2 b{486}…\[cut, 994 chars\]$/);
    db.close();
  });

  it('cuts a long typed word it repeats in an error', async () => {
    const { answer } = await env('U0DEV', `status ${'é'.repeat(800)}`);
    expect(answer.body.text).toMatch(/^`é{60}…` is not a valid environment’s name/);
    expect(String(answer.body.text).length).toBeLessThan(400);
  });

  it('repeats a hostile typed word escaped as typed, never as markup, and without control characters', async () => {
    const list = String((await env('U0DEV', 'list <!channel>')).answer.body.text);
    expect(list).toContain('the characters `&lt; ! &gt;` are not allowed');
    const status = await env('U0DEV', 'status <!channel>');
    expect(status.answer.body.text).toMatch(/^`&lt;!channel&gt;` is not a valid environment’s name/);
    // The trail shows it escaped once, as typed: not `&amp;lt;`.
    const trail = blocksText((await env('U0DEV', 'audit')).answer);
    expect(trail).toContain("invalid: '&lt;!channel&gt;' is not a valid environment’s name");
    expect(trail).not.toContain('&amp;lt;');
    const hostile = await env('U0DEV', 'status \u001b[31mred\u001b[0m\u202eevil`x<@U0ADMIN>&amp;');
    const shown = JSON.stringify(hostile.answer.body);
    expect(hostile.answer.body.text).toMatch(/^`\?\[31mred\?\[0m\?evil'x&lt;@U0ADMIN&gt;&amp;amp;` is not a valid environment’s name/);
    // eslint-disable-next-line no-control-regex
    expect(shown).not.toMatch(/[\u0000-\u001f\u202e]|\\u001b|\\u202e|<@U0ADMIN>|<!channel>/);
  });

  it('deletes audit rows older than audit.retention_days (180 by default) on the housekeeping tick', async () => {
    const oldest = await env('U0DEV', 'list qa-*');
    expect(oldest.ack.status).toBe(200);
    const old = (await h.dockhand.audit.recent(1))[0]!;
    clock.advance(100 * 86_400_000);
    await env('U0DEV', 'list dev-*');
    const recent = (await h.dockhand.audit.recent(1))[0]!;
    clock.advance(81 * 86_400_000);
    await h.dockhand.housekeeping.tick();
    const ids = (await h.dockhand.audit.recent(100_000)).map((row) => row.id);
    expect(ids).not.toContain(old.id);
    expect(ids).toContain(recent.id);
    expect(Math.min(...ids)).toBeGreaterThan(old.id);
  });
});

describe('names nobody typed', () => {
  it('shows an environment named by an attacker (a tag holding <) escaped, end to end', async () => {
    const { answer } = await env('U0DEV', 'list');
    const all = texts(answer.body).join('\n');
    expect(all).toContain('qa-&lt;!channel&gt;-&lt;@U123&gt;-&lt;https://evil.example|click&gt;');
    expect(all).toContain('&lt;!here&gt; &amp; &lt;@U0ADMIN&gt;');
    for (const text of texts(answer.body)) expect(text).not.toMatch(/<!channel|<!here|<!everyone|<@U123|<@U0ADMIN|<https?:/);
  });
});

describe('messages within Slack’s limits whatever the input', () => {
  it('keeps every section within 3,000 characters and ids and values within Slack’s limits for very long names', async () => {
    const { answer } = await env('U0DEV', 'list');
    for (const text of texts(answer.body)) expect(text.length).toBeLessThanOrEqual(MAX_SECTION_TEXT);
    const status = await env('U0DEV', `status ${LONG}`);
    expect(status.answer.body.text).toMatch(/^long-x+: running, 12\/12 tasks in 12 services$/);
    for (const text of texts(status.answer.body)) expect(text.length).toBeLessThanOrEqual(MAX_SECTION_TEXT);

    const longEnv = h.dockhand.fleet.environment(LONG)!;
    const warning = warningReply({ ...longEnv, name: `${LONG}${'y'.repeat(2100)}` }, new Date(), 'schedule');
    const actions = warning.blocks.find((block) => block.type === 'actions') as { block_id: string; elements: Array<{ action_id: string; value: string }> };
    expect(actions.block_id.length).toBeLessThanOrEqual(MAX_ID_LENGTH);
    for (const element of actions.elements) {
      expect(element.action_id.length).toBeLessThanOrEqual(MAX_ID_LENGTH);
      expect(element.value.length).toBeLessThanOrEqual(MAX_BUTTON_VALUE);
    }
  });
});
