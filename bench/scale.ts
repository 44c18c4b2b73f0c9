/**
 * `--scale`: the scale curve. For 10, 80, 250 and 500 environments × 8 services over 1, 2 and 4 accounts, a
 * fresh sandbox (AWS latency as given) and a fresh dockhand process: the first and a later refresh against
 * the minimum, the time to answer `/env list` (to its last message) and `/env status`, dockhand's CPU per
 * command, its RSS after a GC, and how many messages and blocks the list takes; the scheduler's tick CPU
 * over the same fleet (once per size). With 1 account, then 5% of the services start failing and two more
 * refreshes are measured: their stopped tasks are read too.
 * The arithmetic (growth, aims) is in growth.ts.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generatedFleet, startSandbox, type Sandbox } from '../dev/sandbox/index.js';
import type { FakeSlack, FakeSlackCall } from '../test/support/fake-slack.js';
import { slackLimitProblems } from '../test/support/slack-limits.js';
import { SCALE_ACCOUNTS, SCALE_ENVIRONMENTS, type ScalePoint } from './growth.js';
import { answerTo, SlackDriver } from './load.js';
import { environmentName, refreshThroughSlack, serviceFacts, SIGNING_SECRET, startDockhandChild, type BenchContext } from './measure.js';
import { BENCH_USER, benchLocations, benchPolicyText } from './policy.js';
import type { ChildStats, Runtime } from './processes.js';
import { benchSchedulerTick } from './scheduler.js';
import { percentile } from './stats.js';

export const SCALE_SERVICES = 8;
/** Sequential commands per size, for the answer times and the CPU per command. */
const ANSWERS = 8;
const WARMUP = 30;
/** Every 20th service fails (5%): its tasks stop as they start. */
const UNHEALTHY_EVERY = 20;
const MB = 1024 * 1024;

export interface ScaleOptions {
  slack: FakeSlack;
  latencyMs: number;
  dir: string;
  runtime: Runtime;
  log: (line: string) => void;
  environments?: readonly number[];
  accounts?: readonly number[];
}

/** Breaks every 20th service (5%): its tasks stop as they start (a health check failing), as ECS would show it. */
function breakEveryTwentieth(sandbox: Sandbox): number {
  const services = sandbox.services().filter((_, index) => index % UNHEALTHY_EVERY === UNHEALTHY_EVERY - 1);
  for (const s of services) sandbox.breakService({ account: s.account, region: s.region, cluster: s.cluster, service: s.name, failure: { kind: 'health-check' } });
  return services.length;
}

function text(call: FakeSlackCall): string {
  return typeof call.body.text === 'string' ? call.body.text : '';
}

/** `/env list` through Slack, to its last message: a list that does not fit goes on in "continued (i of n)" messages. */
async function listAnswer(ctx: BenchContext, driver: SlackDriver): Promise<{ ms: number; messages: FakeSlackCall[] }> {
  const ack = await driver.command('list', { userId: BENCH_USER });
  const first = await answerTo(ctx.slack, ack.responseId);
  const ofThis = (call: FakeSlackCall) => call.method === 'response_url' && call.responseId === ack.responseId;
  const continued = (call: FakeSlackCall) => /continued \((\d+) of (\d+)\)/.exec(text(call));
  let last = first;
  // A first message holding fewer blocks than a page has no continuation.
  if (((first.body.blocks as unknown[] | undefined)?.length ?? 0) >= 49) {
    const second = await ctx.slack.waitFor((call) => ofThis(call) && continued(call)?.[1] === '2', 30_000).catch(() => null);
    const pages = second ? Number(continued(second)![2]) : 1;
    if (second) last = await ctx.slack.waitFor((call) => ofThis(call) && continued(call)?.[1] === String(pages), 30_000);
  }
  const messages = ctx.slack.calls.filter(ofThis);
  return { ms: last.at - ack.sentAt, messages };
}

async function measurePoint(options: ScaleOptions, environments: number, accounts: number): Promise<{ values: ScalePoint['values']; notes: Record<string, string>; services: number }> {
  const sandbox = await startSandbox({ fleet: generatedFleet({ environments, servicesPerEnvironment: SCALE_SERVICES, accounts }), latencyMs: options.latencyMs, convergeDelayMs: 0 });
  const ctx: BenchContext = {
    sandbox,
    slack: options.slack,
    policy: benchPolicyText(accounts),
    locations: benchLocations(accounts),
    latencyMs: options.latencyMs,
    ackRequests: 0,
    ackConcurrency: 1,
    ackWarmup: 0,
    answerRequests: ANSWERS,
    dir: options.dir,
    runtime: options.runtime,
    log: options.log,
  };
  const name = `scale-${accounts}-${environments}`;
  const dockhand = await startDockhandChild(ctx, name, true);
  const values: ScalePoint['values'] = {};
  const notes: Record<string, string> = {};
  try {
    const driver = new SlackDriver(`http://127.0.0.1:${dockhand.port}/slack/events`, SIGNING_SECRET, (id) => options.slack.responseUrl(id), name);
    const services = serviceFacts(sandbox).length;
    for (const [key, first] of [['first', true], ['steady', false]] as const) {
      const figures = await refreshThroughSlack(ctx, driver, first);
      await dockhand.request('settle');
      Object.assign(values, { [`refresh.${key}.calls`]: figures.calls, [`refresh.${key}.minimum`]: figures.minimum.total, [`refresh.${key}.wallMs`]: figures.wallMs });
      notes[`refresh.${key}.calls`] = `made: ${JSON.stringify(figures.byOperation)}${/fail|could not|deadline|within/i.test(figures.said) ? `; dockhand said: ${figures.said}` : ''}`;
    }

    options.slack.reset();
    // Warm-ups, so the CPU per command is that of optimized code, as in a process that has answered for a while.
    for (let i = 0; i < WARMUP; i++) await listAnswer(ctx, driver);
    let before = await dockhand.request<ChildStats>('stats');
    const lists: { ms: number; messages: FakeSlackCall[] }[] = [];
    for (let i = 0; i < ANSWERS; i++) lists.push(await listAnswer(ctx, driver));
    let after = await dockhand.request<ChildStats>('stats');
    values['cpu.list'] = (after.cpuMs - before.cpuMs) / ANSWERS;
    values['answer.list.p50'] = percentile(lists.map((l) => l.ms), 50);
    const shown = lists.at(-1)!.messages;
    values['list.messages'] = shown.length;
    values['list.blocks'] = shown.reduce((sum, m) => sum + ((m.body.blocks as unknown[] | undefined)?.length ?? 0), 0);
    const problems = shown.flatMap((m) => slackLimitProblems(m.body));
    values['list.limitProblems'] = problems.length;
    notes['list.blocks'] = `blocks per message: ${shown.map((m) => (m.body.blocks as unknown[] | undefined)?.length ?? 0).join(', ')}`;
    if (problems.length > 0) notes['list.limitProblems'] = problems.slice(0, 5).join('; ');

    options.slack.reset();
    const statusOf = (i: number) => `status ${environmentName(1 + (i % Math.min(environments, 9)))}`;
    for (let i = 0; i < WARMUP; i++) await answerTo(options.slack, (await driver.command(statusOf(i), { userId: BENCH_USER })).responseId);
    before = await dockhand.request<ChildStats>('stats');
    const statuses: number[] = [];
    for (let i = 0; i < ANSWERS; i++) {
      const ack = await driver.command(statusOf(i), { userId: BENCH_USER });
      statuses.push((await answerTo(options.slack, ack.responseId)).at - ack.sentAt);
    }
    after = await dockhand.request<ChildStats>('stats');
    values['cpu.status'] = (after.cpuMs - before.cpuMs) / ANSWERS;
    values['answer.status.p50'] = percentile(statuses, 50);

    options.slack.reset();
    await dockhand.request('settle');
    await dockhand.request('gc');
    const stats = await dockhand.request<ChildStats>('stats');
    values['memory.rssMB'] = stats.rssBytes / MB;
    notes['memory.rssMB'] = `JS heap used ${(stats.heapUsedBytes / MB).toFixed(1)} MB`;

    if (accounts === 1) {
      // Then 5% of the services start failing: each later refresh reads their stopped tasks (issue 14).
      // What dockhand has listed so far: the healthy fleet's stopped tasks (none of the failing services' yet).
      let known = stoppedIds(sandbox);
      const failing = breakEveryTwentieth(sandbox);
      for (const key of ['first', 'steady'] as const) {
        const figures = await refreshThroughSlack(ctx, driver, false);
        await dockhand.request('settle');
        const now = stoppedIds(sandbox);
        // A DescribeTasks for each failing service with a stopped task the refresh before did not list.
        const described = [...now].filter(([arn, ids]) => ids.some((id) => !known.get(arn)?.includes(id))).length;
        known = now;
        const minimum = figures.minimum.total + failing + described;
        Object.assign(values, { [`unhealthy.${key}.calls`]: figures.calls, [`unhealthy.${key}.minimum`]: minimum, [`unhealthy.${key}.wallMs`]: figures.wallMs });
        notes[`unhealthy.${key}.calls`] = `${failing} of ${services} services failing; minimum = ${figures.minimum.total} (healthy) + ${failing} ListTasks + ${described} DescribeTasks; made: ${JSON.stringify(figures.byOperation)}`;
      }
    }
    return { values, notes, services };
  } finally {
    await dockhand.stop();
    await sandbox.close();
  }
}

/** Each service's stopped task ids, as ListTasks would list them now. */
function stoppedIds(sandbox: Sandbox): Map<string, string[]> {
  return new Map(sandbox.services().map((s) => [s.arn, sandbox.stoppedTaskIds(s.account, s.region, s.cluster, s.name)]));
}

/** Every size and number of accounts, smallest first; a size that fails is reported and the curve goes on without it. */
export async function measureScale(options: ScaleOptions): Promise<ScalePoint[]> {
  const points: ScalePoint[] = [];
  for (const accounts of options.accounts ?? SCALE_ACCOUNTS) {
    for (const environments of options.environments ?? SCALE_ENVIRONMENTS) {
      options.log(`scale: ${environments} environments × ${SCALE_SERVICES} services over ${accounts} account(s)`);
      const { values, notes, services } = await measurePoint(options, environments, accounts);
      // The tick walks environments, not accounts: measured once per size, with 1 account.
      if (accounts === (options.accounts ?? SCALE_ACCOUNTS)[0]) {
        const dir = join(options.dir, `scheduler-${environments}`);
        mkdirSync(dir, { recursive: true });
        const tick = await benchSchedulerTick({ environments, servicesPerEnvironment: SCALE_SERVICES, accounts, dir, log: options.log, ticks: 10, batches: 2 });
        values['scheduler.tick.cpuMs'] = tick.find((f) => f.id === 'scheduler.tick.cpuMs')?.value ?? null;
      }
      points.push({ accounts, environments, services, values, notes });
    }
  }
  return points;
}
