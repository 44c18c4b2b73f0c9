/**
 * `--scale`: the scale curve. For 10, 80, 250 and 500 environments × 8 services over 1, 2 and 4 accounts, a
 * fresh sandbox (AWS latency as given) and a fresh dockhand process: the first and a later refresh against
 * the minimum, the time to answer `/env list` (to its last message) and `/env status`, dockhand's CPU per
 * command, its RSS after a GC, and how many messages and blocks the list takes; the scheduler's tick CPU
 * over the same fleet. With 1 account also the refreshes of the same fleet with 5% of its services failing.
 * The arithmetic (growth, aims) is in growth.ts.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generatedFleet, startSandbox, type FleetSpec } from '../dev/sandbox/index.js';
import type { FakeSlack, FakeSlackCall } from '../test/support/fake-slack.js';
import { slackLimitProblems } from '../test/support/slack-limits.js';
import { SCALE_ACCOUNTS, SCALE_ENVIRONMENTS, type ScalePoint } from './growth.js';
import { answerTo, SlackDriver } from './load.js';
import { environmentName, refreshThroughSlack, serviceFacts, SIGNING_SECRET, startDockhandChild, type BenchContext, type RefreshFigures } from './measure.js';
import { BENCH_USER, benchLocations, benchPolicyText } from './policy.js';
import type { ChildStats, Runtime } from './processes.js';
import { benchSchedulerTick } from './scheduler.js';
import { percentile } from './stats.js';

export const SCALE_SERVICES = 8;
/** Sequential commands per size, for the answer times and the CPU per command. */
const ANSWERS = 8;
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

/** The generated fleet with every 20th service failing: desired tasks, none running, each start stopping. */
export function unhealthyFleet(spec: FleetSpec): { spec: FleetSpec; unhealthy: number } {
  let index = 0;
  let unhealthy = 0;
  for (const cluster of spec.clusters) {
    for (const service of cluster.services) {
      if (index++ % UNHEALTHY_EVERY !== UNHEALTHY_EVERY - 1) continue;
      Object.assign(service, { running: 0, degraded: true });
      unhealthy++;
    }
  }
  return { spec, unhealthy };
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

/** The calls reading stopped tasks add to a refresh's minimum: one ListTasks per unhealthy service, a DescribeTasks per one with tasks not read before. */
function withStoppedTasks(figures: RefreshFigures, unhealthy: number, described: number): { calls: number; minimum: number; note: string } {
  const minimum = figures.minimum.total + unhealthy + described;
  return { calls: figures.calls, minimum, note: `minimum = ${figures.minimum.total} (healthy) + ${unhealthy} ListTasks + ${described} DescribeTasks; made: ${JSON.stringify(figures.byOperation)}` };
}

async function measurePoint(options: ScaleOptions, environments: number, accounts: number, unhealthy: boolean): Promise<{ values: ScalePoint['values']; notes: Record<string, string>; services: number }> {
  const generated = generatedFleet({ environments, servicesPerEnvironment: SCALE_SERVICES, accounts });
  const { spec, unhealthy: failing } = unhealthy ? unhealthyFleet(generated) : { spec: generated, unhealthy: 0 };
  const sandbox = await startSandbox({ fleet: spec, latencyMs: options.latencyMs, convergeDelayMs: 0 });
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
  const name = `scale-${accounts}-${environments}${unhealthy ? '-unhealthy' : ''}`;
  const dockhand = await startDockhandChild(ctx, name, true);
  const values: ScalePoint['values'] = {};
  const notes: Record<string, string> = {};
  try {
    const driver = new SlackDriver(`http://127.0.0.1:${dockhand.port}/slack/events`, SIGNING_SECRET, (id) => options.slack.responseUrl(id), name);
    // Failing services keep stopping tasks: a refresh describes those it has not read before.
    const stoppedIds = () => new Map(sandbox.services().map((s) => [s.arn, sandbox.stoppedTaskIds(s.account, s.region, s.cluster, s.name)]));
    const first = await refreshThroughSlack(ctx, driver, true);
    const afterFirst = stoppedIds();
    await dockhand.request('settle');
    const steady = await refreshThroughSlack(ctx, driver, false);
    const afterSteady = stoppedIds();
    await dockhand.request('settle');
    const services = serviceFacts(sandbox).length;
    if (unhealthy) {
      const withTasks = [...afterFirst.values()].filter((ids) => ids.length > 0).length;
      const withNewTasks = [...afterSteady].filter(([arn, ids]) => ids.some((id) => !afterFirst.get(arn)?.includes(id))).length;
      for (const [key, figures, described] of [['first', first, withTasks], ['steady', steady, withNewTasks]] as const) {
        const { calls, minimum, note } = withStoppedTasks(figures, failing, described);
        Object.assign(values, { [`unhealthy.${key}.calls`]: calls, [`unhealthy.${key}.minimum`]: minimum, [`unhealthy.${key}.wallMs`]: figures.wallMs });
        notes[`unhealthy.${key}.calls`] = `${failing} of ${services} services failing; ${note}`;
      }
      return { values, notes, services };
    }
    for (const [key, figures] of [['first', first], ['steady', steady]] as const) {
      Object.assign(values, { [`refresh.${key}.calls`]: figures.calls, [`refresh.${key}.minimum`]: figures.minimum.total, [`refresh.${key}.wallMs`]: figures.wallMs });
      notes[`refresh.${key}.calls`] = `made: ${JSON.stringify(figures.byOperation)}`;
    }

    options.slack.reset();
    await listAnswer(ctx, driver); // warm-up
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
    await answerTo(options.slack, (await driver.command(statusOf(0), { userId: BENCH_USER })).responseId);
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
    return { values, notes, services };
  } finally {
    await dockhand.stop();
    await sandbox.close();
  }
}

/** Every size and number of accounts, smallest first; a size that fails is reported and the curve goes on without it. */
export async function measureScale(options: ScaleOptions): Promise<ScalePoint[]> {
  const points: ScalePoint[] = [];
  for (const accounts of options.accounts ?? SCALE_ACCOUNTS) {
    for (const environments of options.environments ?? SCALE_ENVIRONMENTS) {
      options.log(`scale: ${environments} environments × ${SCALE_SERVICES} services over ${accounts} account(s)`);
      const { values, notes, services } = await measurePoint(options, environments, accounts, false);
      if (accounts === 1) {
        options.log(`scale: the same with 5% of the services failing`);
        const unhealthy = await measurePoint(options, environments, accounts, true);
        Object.assign(values, unhealthy.values);
        Object.assign(notes, unhealthy.notes);
      }
      const dir = join(options.dir, `scheduler-${accounts}-${environments}`);
      mkdirSync(dir, { recursive: true });
      const tick = await benchSchedulerTick({ environments, servicesPerEnvironment: SCALE_SERVICES, accounts, dir, log: options.log, ticks: 10, batches: 2 });
      values['scheduler.tick.cpuMs'] = tick.find((f) => f.id === 'scheduler.tick.cpuMs')?.value ?? null;
      points.push({ accounts, environments, services, values, notes });
    }
  }
  return points;
}
