/**
 * One run of the Slack-driven figures (1–4) against a fresh dockhand process and a bare Bolt app, and the
 * memory figure (7) against a fleet of 1,000 services. Every figure comes from what crosses a wire: acks
 * timed at the client, answers timed at the fake Slack API, AWS calls read from the sandbox's request log.
 */
import { join } from 'node:path';
import type { Sandbox } from '../dev/sandbox/index.js';
import type { FakeSlack, FakeSlackCall } from '../test/support/fake-slack.js';
import type { BenchDockhandConfig } from './dockhand-process.js';
import { answerTo, SlackDriver, waitUntil, type AckTiming, type LoadRequest } from './load.js';
import { operationMinimum, refreshMinimum, type OperationMinimum, type RefreshMinimum, type ServiceFacts } from './minimums.js';
import { BENCH_USER } from './policy.js';
import { BenchChild, startFlags, type ChildStats, type Runtime } from './processes.js';
import { distribution, percentile, type Distribution } from './stats.js';

export const SIGNING_SECRET = 'bench-signing-secret';
export const ACCESS_KEY_ID = 'AKIABENCH';

export interface BenchContext {
  sandbox: Sandbox;
  slack: FakeSlack;
  policy: string;
  /** Account and region pairs of the policy, and whether each is reached through a role. */
  locations: { account: string; region: string; viaRole: boolean }[];
  latencyMs: number;
  ackRequests: number;
  ackConcurrency: number;
  ackWarmup: number;
  answerRequests: number;
  dir: string;
  runtime: Runtime;
  log: (line: string) => void;
}

export interface RefreshFigures {
  calls: number;
  /** What dockhand said in its answer ("in N calls"): its own counter, as a cross-check. */
  reportedCalls: number | null;
  byOperation: Record<string, number>;
  minimum: RefreshMinimum;
  wallMs: number;
  /** What dockhand answered, e.g. that a location could not be read in time. */
  said: string;
}

export interface OperationFigures {
  environment: string;
  verb: 'stop' | 'start';
  wallMs: number;
  roundTrips: number;
  calls: number;
  byOperation: Record<string, number>;
  minimum: OperationMinimum;
}

export interface RunFigures {
  refreshFirst: RefreshFigures;
  refreshSteady: RefreshFigures;
  ackDockhand: AckLoad;
  ackBare: AckLoad;
  answerList: { p50: number; p95: number };
  answerStatus: { p50: number; p95: number };
  operations: OperationFigures[];
  bareRssBytes: number;
}

export function startDockhandChild(ctx: Pick<BenchContext, 'sandbox' | 'slack' | 'policy' | 'dir' | 'runtime'>, name: string, exposeGc = false, nodeArgs: string[] = []): Promise<BenchChild> {
  const config: BenchDockhandConfig = {
    dbPath: join(ctx.dir, `${name}.db`),
    sandboxUrl: ctx.sandbox.url,
    slackApiUrl: ctx.slack.apiUrl,
    signingSecret: SIGNING_SECRET,
    policy: ctx.policy,
    accessKeyId: ACCESS_KEY_ID,
  };
  return BenchChild.start({ name: 'dockhand', script: 'dockhand-process.ts', runtime: ctx.runtime, exposeGc, nodeArgs: [...startFlags(), ...nodeArgs], env: { DOCKHAND_BENCH_CONFIG: JSON.stringify(config) } });
}

function countByOperation(requests: readonly { operation: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of requests) counts[r.operation] = (counts[r.operation] ?? 0) + 1;
  return counts;
}

/** The sandbox's services as the minimum calculations need them; `environment` narrows to one. */
export function serviceFacts(sandbox: Sandbox, environment?: string): ServiceFacts[] {
  return sandbox
    .services()
    .filter((s) => environment === undefined || s.tags.environment === environment)
    .map((s) => ({ account: s.account, region: s.region, cluster: s.cluster, taskDefinitionArn: s.taskDefinition.arn, scalable: s.scalableTarget !== undefined }));
}

function text(call: FakeSlackCall): string {
  return typeof call.body.text === 'string' ? call.body.text : JSON.stringify(call.body.blocks ?? call.body);
}

/** `/env refresh` through Slack: calls from the sandbox log, time from the request to the answer. */
export async function refreshThroughSlack(ctx: BenchContext, driver: SlackDriver, first: boolean): Promise<RefreshFigures> {
  const from = ctx.sandbox.requests.length;
  const ack = await driver.command('refresh', { userId: BENCH_USER });
  const answer = await answerTo(ctx.slack, ack.responseId, 120_000);
  const said = text(answer);
  if (!/Read \d+ services from AWS/.test(said)) throw new Error(`/env refresh answered: ${said}`);
  const requests = ctx.sandbox.requests.slice(from).filter((r) => r.at.getTime() <= answer.at);
  const reported = /in (\d+) calls/.exec(said);
  return {
    calls: requests.length,
    reportedCalls: reported ? Number(reported[1]) : null,
    byOperation: countByOperation(requests),
    minimum: refreshMinimum(serviceFacts(ctx.sandbox), ctx.locations, first),
    wallMs: answer.at - ack.sentAt,
    said: said.slice(0, 300),
  };
}

export interface AckLoad {
  acks: Distribution;
  /** CPU the app's process used per measured request, the work after the ack included. */
  cpuPerRequestMs: number;
  /** Of which in the kernel. */
  cpuSystemPerRequestMs: number;
  /** By thread name (10 ms ticks summed over the load, divided by its requests). */
  cpuByThreadPerRequestMs: Record<string, number>;
}

/**
 * 500 `/env list` requests, 50 at a time, after a warm-up, sent by the driver process; the ack times of the
 * measured ones, and the CPU the app used for them.
 */
export async function ackLoad(ctx: BenchContext, loader: BenchChild, app: BenchChild, tag: string, expectAnswers: boolean, text = 'list'): Promise<AckLoad> {
  const answered = () => ctx.slack.calls.filter((c) => c.method === 'response_url').length;
  const send = async (count: number, phase: string) => {
    ctx.slack.reset();
    const request: LoadRequest = {
      eventsUrl: `http://127.0.0.1:${app.port}/slack/events`,
      signingSecret: SIGNING_SECRET,
      slackUrl: ctx.slack.url,
      tag: `${tag}-${phase}`,
      text,
      userId: BENCH_USER,
      count,
      concurrency: ctx.ackConcurrency,
    };
    const acks = await loader.request<AckTiming[]>('load', request, 120_000);
    const failed = acks.filter((a) => a.status !== 200);
    if (failed.length > 0) throw new Error(`${failed.length} of ${count} acks were not HTTP 200 (first: ${failed[0]!.status})`);
    // Let the work the acks started finish, so it does not leak into the next measurement.
    if (expectAnswers) await waitUntil(answered, count, 'the answers to /env list', 120_000);
    return acks;
  };
  await send(ctx.ackWarmup, 'warmup');
  const before = await app.request<ChildStats>('stats');
  const measured = await send(ctx.ackRequests, 'measured');
  const after = await app.request<ChildStats>('stats');
  const perRequest = (ms: number) => ms / ctx.ackRequests;
  const cpuByThreadPerRequestMs = Object.fromEntries(Object.entries(after.cpuByThreadMs).map(([name, ms]) => [name, perRequest(ms - (before.cpuByThreadMs[name] ?? 0))]));
  return {
    acks: distribution(measured.map((a) => a.ackMs)),
    cpuPerRequestMs: perRequest(after.cpuMs - before.cpuMs),
    cpuSystemPerRequestMs: perRequest(after.cpuSystemMs - before.cpuSystemMs),
    cpuByThreadPerRequestMs,
  };
}

/** Sequential commands, each timed from the request to its answer at the response URL. */
async function answerTimes(ctx: BenchContext, driver: SlackDriver, texts: (i: number) => string, count: number): Promise<{ p50: number; p95: number }> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const ack = await driver.command(texts(i), { userId: BENCH_USER });
    const answer = await answerTo(ctx.slack, ack.responseId);
    times.push(answer.at - ack.sentAt);
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

const DONE = { stop: 'stopped', start: 'started' } as const;

/** `/env stop|start <env>`: time to the final chat.update, calls from the sandbox log up to it. */
export async function operate(ctx: BenchContext, driver: SlackDriver, dockhand: BenchChild, verb: 'stop' | 'start', environment: string): Promise<OperationFigures> {
  await dockhand.request('settle');
  ctx.slack.reset();
  const from = ctx.sandbox.requests.length;
  const ack = await driver.command(`${verb} ${environment}`, { userId: BENCH_USER });
  const isFinal = (call: FakeSlackCall) =>
    call.method === 'chat.update' && (text(call).startsWith(`\`${environment}\` ${DONE[verb]}`) || text(call).startsWith(`${verb} of \`${environment}\``));
  let final: FakeSlackCall;
  try {
    final = await ctx.slack.waitFor(isFinal, 30_000);
  } catch (error) {
    const said = ctx.slack.calls.map((c) => `${c.method}: ${text(c).slice(0, 200)}`).join('\n');
    throw new Error(`/env ${verb} ${environment} did not finish: ${(error as Error).message}\n${said}`);
  }
  if (!text(final).startsWith(`\`${environment}\` ${DONE[verb]}`)) throw new Error(`/env ${verb} ${environment}: ${text(final)}`);
  const requests = ctx.sandbox.requests.slice(from).filter((r) => r.at.getTime() <= final.at);
  const wallMs = final.at - ack.sentAt;
  await dockhand.request('settle');
  return {
    environment,
    verb,
    wallMs,
    roundTrips: wallMs / ctx.latencyMs,
    calls: requests.length,
    byOperation: countByOperation(requests),
    minimum: operationMinimum(serviceFacts(ctx.sandbox, environment)),
  };
}

/** Environments to stop and start: a warm-up one, env-001 (the figure), and a production one with autoscaling. */
export function operationTargets(environments: number): { warmup: string | null; measured: string; scalable: string | null } {
  return { warmup: environments >= 2 ? environmentName(2) : null, measured: environmentName(1), scalable: environments >= 10 ? environmentName(10) : null };
}

/** The name generatedFleet gives its n-th environment (1-based): every tenth is a production one. */
export function environmentName(n: number): string {
  return `${n % 10 === 0 ? 'prod' : 'env'}-${String(n).padStart(3, '0')}`;
}

export async function measureRun(ctx: BenchContext, run: number): Promise<RunFigures> {
  const children: BenchChild[] = [];
  const started = async (child: Promise<BenchChild>) => {
    children.push(await child);
    return children.at(-1)!;
  };
  try {
    const dockhand = await started(startDockhandChild(ctx, `run-${run}`));
    const bareConfig = JSON.stringify({ signingSecret: SIGNING_SECRET, slackApiUrl: ctx.slack.apiUrl });
    const bare = await started(BenchChild.start({ name: 'bare Bolt', script: 'bare-bolt.ts', runtime: ctx.runtime, exposeGc: true, env: { DOCKHAND_BENCH_CONFIG: bareConfig } }));
    const loader = await started(BenchChild.start({ name: 'load driver', script: 'driver-process.ts', runtime: ctx.runtime }));
    const driver = new SlackDriver(`http://127.0.0.1:${dockhand.port}/slack/events`, SIGNING_SECRET, (id) => ctx.slack.responseUrl(id), `run${run}`);

    ctx.log('  inventory refresh (first, then steady state)');
    const refreshFirst = await refreshThroughSlack(ctx, driver, true);
    await dockhand.request('settle');
    const refreshSteady = await refreshThroughSlack(ctx, driver, false);

    ctx.log(`  ack latency: ${ctx.ackRequests} requests, ${ctx.ackConcurrency} concurrent, bare Bolt and dockhand`);
    // Alternate which goes first, so neither always gets the warmer machine.
    let ackBare: AckLoad;
    let ackDockhand: AckLoad;
    if (run % 2 === 1) {
      ackBare = await ackLoad(ctx, loader, bare, `bare${run}`, false);
      ackDockhand = await ackLoad(ctx, loader, dockhand, `load${run}`, true);
    } else {
      ackDockhand = await ackLoad(ctx, loader, dockhand, `load${run}`, true);
      ackBare = await ackLoad(ctx, loader, bare, `bare${run}`, false);
    }
    await dockhand.request('settle');

    ctx.log(`  time to answer: ${ctx.answerRequests} × /env list, ${ctx.answerRequests} × /env status`);
    ctx.slack.reset();
    const environments = ctx.sandbox.summary().environments;
    const targets = operationTargets(environments);
    const statusOf = (i: number) => `status ${environmentName(1 + (i % Math.min(environments, 9)))}`;
    await answerTimes(ctx, driver, statusOf, 5); // warm-up of the status path
    const answerList = await answerTimes(ctx, driver, () => 'list', ctx.answerRequests);
    const answerStatus = await answerTimes(ctx, driver, statusOf, ctx.answerRequests);

    ctx.log(`  stop and start ${targets.measured}${targets.scalable ? ` and ${targets.scalable}` : ''}`);
    const operations: OperationFigures[] = [];
    if (targets.warmup) {
      await operate(ctx, driver, dockhand, 'stop', targets.warmup);
      await operate(ctx, driver, dockhand, 'start', targets.warmup);
    }
    for (const environment of [targets.measured, targets.scalable]) {
      if (!environment) continue;
      operations.push(await operate(ctx, driver, dockhand, 'stop', environment));
      operations.push(await operate(ctx, driver, dockhand, 'start', environment));
    }
    ctx.slack.reset();
    await bare.request('gc');
    const bareStats = await bare.request<ChildStats>('stats');
    return { refreshFirst, refreshSteady, ackDockhand, ackBare, answerList, answerStatus, operations, bareRssBytes: bareStats.rssBytes };
  } finally {
    await Promise.all(children.map((child) => child.stop()));
  }
}

export interface MemoryFigures {
  services: number;
  rssBytes: number;
  heapUsedBytes: number;
  gcExposed: boolean;
}

/** RSS of a dockhand process that has inventoried the memory fleet (two refreshes and a list), after a GC. */
export async function measureMemory(ctx: BenchContext, run: number): Promise<MemoryFigures> {
  const dockhand = await startDockhandChild(ctx, `memory-${run}`, true);
  try {
    const driver = new SlackDriver(`http://127.0.0.1:${dockhand.port}/slack/events`, SIGNING_SECRET, (id) => ctx.slack.responseUrl(id), `mem${run}`);
    await refreshThroughSlack(ctx, driver, true);
    await refreshThroughSlack(ctx, driver, false);
    const list = await driver.command('list', { userId: BENCH_USER });
    await answerTo(ctx.slack, list.responseId);
    await dockhand.request('settle');
    ctx.slack.reset();
    const gcExposed = await dockhand.request<boolean>('gc');
    const stats = await dockhand.request<ChildStats>('stats');
    return { services: serviceFacts(ctx.sandbox).length, rssBytes: stats.rssBytes, heapUsedBytes: stats.heapUsedBytes, gcExposed };
  } finally {
    await dockhand.stop();
  }
}
