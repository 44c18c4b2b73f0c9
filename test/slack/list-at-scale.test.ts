import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedFleet } from '../../dev/sandbox/index.js';
import { parsePolicy } from '../../src/config/load.js';
import { ManualClock } from '../../src/domain/clock.js';
import { startHarness, TEST_POLICY, type Harness } from '../support/harness.js';
import type { FakeSlackCall } from '../support/fake-slack.js';
import { sendCommand } from '../support/slack-requests.js';
import { slackLimitProblems } from '../support/slack-limits.js';

/** 500 environments × 8 services: every 50th from the 4th has a failing service, every 50th from the 8th a stopped one. */
const ENVIRONMENTS = 500;
const DEGRADED = (i: number) => i % 50 === 3;
const PARTIAL = (i: number) => i % 50 === 7;

function fleet() {
  const spec = generatedFleet({ environments: ENVIRONMENTS, servicesPerEnvironment: 8 });
  for (const cluster of spec.clusters) {
    for (const service of cluster.services) {
      const name = service.tags.environment ?? '';
      const i = Number(name.slice(-3)) - 1;
      if (!service.name.endsWith('-api')) continue;
      if (DEGRADED(i)) Object.assign(service, { running: 0, degraded: true });
      if (PARTIAL(i)) Object.assign(service, { desired: 0, running: 0 });
    }
  }
  return spec;
}

/**
 * `env-01*` keeps office hours: at 20:00 UTC on a Monday, those still running are outside their schedule.
 * The first read of 4,000 services is ~3,100 sandbox calls: on a loaded 2-core machine it can outlast the default
 * 30 s refresh deadline, and this test counts messages, not speed.
 */
const POLICY = `${TEST_POLICY}
aws:
  refresh_deadline_ms: 300000
schedules:
  defaults:
    - environments: ["env-01*"]
      schedule: "weekdays 09:00-17:00 UTC"
`;

let h: Harness;
const clock = new ManualClock('2026-03-23T20:00:00Z');

beforeAll(async () => {
  h = await startHarness({ clock, policy: parsePolicy(POLICY), sandbox: { clock, fleet: fleet() }, scheduler: false });
  h.slack.respond('usergroups.list', { ok: true, usergroups: [{ id: 'S0PLATFORM', users: ['U0LEE'] }] });
}, 120_000);
afterAll(() => h.close());

/** Every message `/env list` answered with, in order: its audit row says how many. */
async function listAnswers(userId: string, text: string): Promise<FakeSlackCall[]> {
  const { responseId } = await sendCommand(h.eventsUrl, h.slack, userId, text);
  await h.slack.waitFor((call) => call.method === 'response_url' && call.responseId === responseId, 30_000);
  const row = (await h.dockhand.audit.recent(1))[0];
  const count = Number(/in (\d+) messages/.exec(row?.detail ?? '')?.[1] ?? 1);
  for (;;) {
    const calls = h.slack.calls.filter((call) => call.method === 'response_url' && call.responseId === responseId);
    if (calls.length >= count) return calls;
    await h.slack.waitFor((call) => call.method === 'response_url' && call.responseId === responseId && !calls.includes(call), 30_000);
  }
}

const sectionTexts = (call: FakeSlackCall) => ((call.body.blocks ?? []) as Array<{ type: string; text?: { text: string } }>).filter((b) => b.type === 'section').map((b) => b.text?.text ?? '');

describe('/env list at 500 environments × 8 services, through the real receiver', () => {
  it('has the whole fleet to show', async () => {
    expect(h.dockhand.fleet.environments()).toHaveLength(ENVIRONMENTS);
  });

  it('answers in a few messages, each within Slack’s limits, problems first, every environment listed once', async () => {
    const answers = await listAnswers('U0LEE', 'list');
    expect(answers.length).toBeGreaterThanOrEqual(1);
    expect(answers.length).toBeLessThanOrEqual(5);
    for (const [index, answer] of answers.entries()) {
      expect(slackLimitProblems(answer.body), `message ${index + 1}`).toEqual([]);
      expect(answer.body.response_type).toBe('ephemeral');
    }
    const blocks = answers.map((a) => (a.body.blocks as unknown[]).length);
    const lines = answers.flatMap(sectionTexts).join('\n').split('\n');
    const listed = lines.map((l) => /^:[a-z_]+: `((?:env|prod)-\d{3})`/.exec(l)?.[1]).filter((name): name is string => !!name);
    expect(new Set(listed).size).toBe(ENVIRONMENTS);
    expect(listed).toHaveLength(ENVIRONMENTS);

    // The counts, then what needs attention, before any healthy environment.
    const first = answers[0]!;
    expect(String(first.body.text)).toMatch(/^500 environments: \d+ running · 10 partial · 10 degraded$/);
    const degraded = Array.from({ length: ENVIRONMENTS }, (_, i) => i).filter(DEGRADED).length;
    const partial = Array.from({ length: ENVIRONMENTS }, (_, i) => i).filter(PARTIAL).length;
    const attention = lines.findIndex((l) => l.startsWith('*Needs attention*'));
    expect(attention).toBeGreaterThanOrEqual(0);
    const problemLines = lines.slice(attention + 1, attention + 1 + degraded + partial + 9);
    expect(problemLines.slice(0, degraded).every((l) => l.includes(' degraded · '))).toBe(true);
    expect(problemLines.slice(degraded, degraded + partial).every((l) => l.includes(' partial · '))).toBe(true);
    // env-011 … env-019 (the 10th is prod-010): 9 running outside office hours, after the degraded and partial ones.
    const outside = lines.filter((l) => l.includes('running outside its schedule'));
    expect(outside).toHaveLength(9);
    expect(problemLines.slice(degraded + partial, degraded + partial + 9)).toEqual(outside);
    expect(lines.findIndex((l) => l.startsWith('*Production*'))).toBeGreaterThan(attention);
    expect(JSON.stringify(first.body.blocks)).toContain('"action_id":"env_why"');
    console.info(`/env list at ${ENVIRONMENTS} environments: ${answers.length} message(s), blocks ${blocks.join(' + ')}`);
  }, 60_000);

  it('narrows to a glob, still within limits', async () => {
    const answers = await listAnswers('U0LEE', 'list env-*');
    for (const answer of answers) expect(slackLimitProblems(answer.body)).toEqual([]);
    expect(String(answers[0]!.body.text)).toMatch(/^450 environments matching env-\*/);
  }, 60_000);
});
