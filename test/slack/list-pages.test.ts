import { describe, expect, it } from 'vitest';
import type { Environment, EnvironmentState } from '../../src/domain/environments.js';
import { listMessages, listReply, MAX_LIST_MESSAGES, type ListView } from '../../src/slack/blocks/list.js';
import { slackLimitProblems } from '../support/slack-limits.js';

const now = new Date('2026-03-23T20:00:00Z');
const STATES: EnvironmentState[] = ['running', 'running', 'running', 'stopped', 'running', 'partial', 'running', 'degraded', 'running', 'transitioning'];

function fleet(count: number): Environment[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `environment-with-a-long-name-${String(i).padStart(5, '0')}`,
    tier: i % 4 === 0 ? 'production' : 'non-production',
    owner: `owner-${i % 13}@example.com`,
    team: 'platform',
    locations: ['111111111111/us-east-1'],
    services: [],
    state: STATES[i % STATES.length]!,
    running: 8,
    desired: 8,
  })) as unknown as Environment[];
}

function view(environments: Environment[]): ListView {
  // A schedule line as long as a real one, date tokens and all.
  const schedule = ':calendar: business-hours, parks <!date^1774296000^{date_short_pretty} {time}|2026-03-23 20:00 UTC>';
  return { environments, filter: null, orphanServices: 0, lastRefresh: undefined, now, schedules: new Map(environments.map((e) => [e.name, schedule])), outsideSchedule: new Set(environments.slice(0, 40).map((e) => e.name)) };
}

const listedIn = (texts: string[]) => texts.join('\n').split('\n').filter((l) => /^:[a-z_]+: `environment-with/.test(l)).length;
const textsOf = (blocks: unknown[]) => (blocks as Array<{ type: string; text?: { text: string }; elements?: Array<{ text?: string }> }>).flatMap((b) => (b.type === 'section' ? [b.text?.text ?? ''] : []));

describe('/env list beyond one message', () => {
  it('continues in more messages, each within Slack’s limits, listing every environment once', () => {
    const environments = fleet(1500);
    const messages = listMessages(view(environments));
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.length).toBeLessThanOrEqual(MAX_LIST_MESSAGES);
    for (const message of messages) expect(slackLimitProblems(message)).toEqual([]);
    expect(listedIn(messages.flatMap((m) => textsOf(m.blocks)))).toBe(1500);
    expect(JSON.stringify(messages[1]!.blocks)).toContain(`Environments, continued (2 of ${messages.length})`);
  });

  it('past five messages, the last says how many it left out and how to narrow it', () => {
    const environments = fleet(6000);
    const messages = listMessages(view(environments));
    expect(messages).toHaveLength(MAX_LIST_MESSAGES);
    for (const message of messages) expect(slackLimitProblems(message)).toEqual([]);
    const listed = listedIn(messages.flatMap((m) => textsOf(m.blocks)));
    expect(listed).toBeLessThan(6000);
    expect(JSON.stringify(messages.at(-1)!.blocks)).toContain(`…${6000 - listed} more environments not listed. Narrow it with`);
  });

  it('as one message (no response_url to continue on), still within limits, the problems kept', () => {
    const reply = listReply(view(fleet(6000)));
    expect(slackLimitProblems(reply)).toEqual([]);
    const texts = textsOf(reply.blocks);
    expect(texts.some((t) => t.startsWith('*Needs attention* · '))).toBe(true);
    expect(JSON.stringify(reply.blocks)).toMatch(/more environments not listed/);
  });
});
