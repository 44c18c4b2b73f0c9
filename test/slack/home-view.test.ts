import { describe, expect, it } from 'vitest';
import type { Environment, EnvironmentState } from '../../src/domain/environments.js';
import type { ApprovalView } from '../../src/domain/notices.js';
import { homeView, MAX_HOME_BLOCKS, type HomeEnvironment, type HomeModel } from '../../src/slack/blocks/home.js';
import { extendFormModal, scheduleEditorModal, schedulePresets } from '../../src/slack/blocks/modals.js';
import { service } from '../domain/fixtures.js';

const now = new Date('2026-03-02T10:00:00Z');

function environment(name: string, state: EnvironmentState, owner: string | null = null): Environment {
  return { name, tier: 'non-production', owner, team: null, locations: [], services: [service({ environment: name })], state, running: state === 'stopped' ? 0 : 1, desired: state === 'stopped' ? 0 : 2 };
}

function item(env: Environment): HomeEnvironment {
  return { env, schedule: null, monthToDate: 1.5, problem: env.state === 'degraded', may: { start: true, stop: true, extend: true, schedule: true }, protectedVerbs: { stop: false, start: false } };
}

function request(id: number, environmentName = 'prod'): ApprovalView {
  return { id, environment: environmentName, verb: 'restart', params: {}, requestedBy: 'U0REQ', status: 'pending', expiresAt: '2026-03-02T10:30:00Z', decidedBy: null, reason: null };
}

function member(environments: HomeEnvironment[], approvals: ApprovalView[] | null): HomeModel {
  return { kind: 'member', userId: 'U0ME', now, environments, otherVisible: 0, approvals: approvals?.map((r) => ({ request: r, own: false })) ?? null, week: { parkedHours: 0, dollars: 0 }, footer: 'Read from AWS 1m ago' };
}

describe('the App Home view', () => {
  it('stays within Slack’s 100 blocks on a large fleet, problems first, and says how many more there are', () => {
    // The model lists problems first (home.ts sorts); the view keeps that order.
    const envs = [...Array.from({ length: 5 }, (_, i) => environment(`broken-${i}`, 'degraded')), ...Array.from({ length: 75 }, (_, i) => environment(`env-${String(i).padStart(2, '0')}`, 'running'))];
    const view = homeView(member(envs.map(item), Array.from({ length: 15 }, (_, i) => request(i + 1))));
    expect(view.blocks.length).toBeLessThanOrEqual(MAX_HOME_BLOCKS);
    const text = JSON.stringify(view.blocks);
    expect(text.indexOf('`broken-0`')).toBeLessThan(text.indexOf('`env-00`'));
    const shown = (text.match(/`(?:broken|env)-\d+` (?:running|degraded)/g) ?? []).length;
    expect(shown).toBeGreaterThan(20);
    expect(text).toContain(`…and ${80 - shown} more: \`/env list\``);
    expect(text).toContain('…and 5 more: `/env approvals`');
    // Every element's action and value within Slack's limits.
    for (const block of view.blocks) {
      if (block.type !== 'actions') continue;
      expect(block.elements.length).toBeLessThanOrEqual(25);
      for (const element of block.elements as Array<{ value?: string; confirm?: { text: { text: string }; title: { text: string } } }>) {
        expect((element.value ?? '').length).toBeLessThanOrEqual(2000);
        if (element.confirm) expect(element.confirm.text.text.length).toBeLessThanOrEqual(300);
      }
    }
  });

  it('offers only what the state allows: Start on a parked environment, Stop and Extend on a running one, Why? on a degraded one', () => {
    const actions = (env: Environment) =>
      homeView(member([{ ...item(env), schedule: ':calendar: weekdays' }], null))
        .blocks.flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => (e as { action_id: string }).action_id) : []));
    expect(actions(environment('a', 'stopped'))).toEqual(['home_start', 'schedule_edit']);
    expect(actions(environment('b', 'running'))).toEqual(['home_stop', 'home_extend_1h', 'schedule_edit']);
    expect(actions(environment('c', 'degraded'))).toEqual(['home_stop', 'home_extend_1h', 'env_why', 'schedule_edit']);
  });
});

/** Slack control sequences left in any mrkdwn text: a broadcast, a mention, a channel, a link. */
function controlSequences(value: unknown): string[] {
  const texts: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const record = v as Record<string, unknown>;
      if (record.type === 'mrkdwn' && typeof record.text === 'string') texts.push(record.text);
      Object.values(record).forEach(walk);
    }
  };
  walk(value);
  return texts.flatMap((text) => [...text.matchAll(/<([!@#]|https?:)[^>]*>?/g)].map((m) => m[0]).filter((t) => !/^<!date\^\d+\^[^|>]*\|[^>]*>$/.test(t) && t !== '<@U0REQ>' && t !== '<@U0ME>'));
}

describe('hostile names in the Home and the forms', () => {
  const NAME = 'x<!channel><@U123><#C999><https://evil.example|click>&amp;';
  const TEXT = 'see <!here> <@U123> <#C999> <https://evil.example|here> & `x`';

  it('leaves no control sequence in the Home', () => {
    const env = { ...environment(NAME, 'degraded', TEXT), team: TEXT };
    expect(controlSequences(homeView(member([item(env)], [request(3, NAME)])).blocks)).toEqual([]);
    // `access_contact` is the policy's: its mentions of people render (as in `/env`), broadcasts and links do not.
    expect(controlSequences(homeView({ kind: 'unbound', userId: 'U0ME', whoToAsk: 'ask <!here> or <https://evil.example|here> or <@U0REQ> & co' }).blocks)).toEqual([]);
  });

  it('leaves no control sequence in the schedule editor or the extension form', () => {
    const editor = scheduleEditorModal({ environment: NAME, current: 'Now: no schedule.', presets: schedulePresets([NAME]), zone: 'UTC', preview: { ok: false, problem: TEXT } });
    expect(controlSequences(editor.blocks)).toEqual([]);
    expect(controlSequences(extendFormModal({ environment: NAME, parks: 'Parks soon.', zone: 'UTC' }).blocks)).toEqual([]);
  });
});
