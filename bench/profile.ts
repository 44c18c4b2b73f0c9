/**
 * `npx tsx bench/profile.ts [--environments 80] [--services 8] [--text list] [--out DIR] [--top 15] [--no-bare] [--no-profile] [--allocations] [--requests 500]`:
 * where dockhand's CPU goes under the benchmark's ack load. Starts the sandbox (50 ms latency), the fake Slack
 * API and dockhand with `--cpu-prof`, refreshes twice, sends the ack load (500 requests, 50 concurrent, after a
 * warm-up) of one command, stops dockhand and prints the top of the profile by self time, per function and per
 * module. Then the same load against the bare Bolt app, profiled the same way: what dockhand adds is the difference.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generatedFleet, startSandbox } from '../dev/sandbox/index.js';
import { startFakeSlack } from '../test/support/fake-slack.js';
import { SlackDriver } from './load.js';
import { ackLoad, refreshThroughSlack, SIGNING_SECRET, startDockhandChild, type BenchContext } from './measure.js';
import { benchLocations, benchPolicyText } from './policy.js';
import { atExit, BenchChild, compileForBench } from './processes.js';
import { formatProfile, moduleOf, summarizeProfile, type CpuProfile } from './profile-summary.js';
import { summarizeAllocations, type AllocationNode } from './allocations.js';

const USAGE = `usage: npx tsx bench/profile.ts [options]
  --text T           a command to profile (repeatable; default: list, and status env-001)
  --environments N   generated fleet size (default 80), --services N per environment (default 8)
  --requests N       measured requests (default 500; 50 concurrent, after 50 warm-up)
  --top N            rows of the profile to print (default 15)
  --out DIR          where the .cpuprofile files go (default: a temporary folder)
  --no-bare          skip the bare Bolt app
  --no-profile       measure the CPU per request without the profiler
  --allocations      print what the load allocated, by function, instead of a CPU profile
  --help             this text`;

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const { values } = parseArgs({ options: { environments: { type: 'string' }, services: { type: 'string' }, text: { type: 'string', multiple: true }, out: { type: 'string' }, top: { type: 'string' }, 'no-bare': { type: 'boolean' }, 'no-profile': { type: 'boolean' }, allocations: { type: 'boolean' }, requests: { type: 'string' } } });
  const environments = Number(values.environments ?? 80);
  const services = Number(values.services ?? 8);
  const texts = values.text ?? ['list', 'status env-001'];
  const dir = mkdtempSync(join(tmpdir(), 'dockhand-profile-'));
  atExit(() => rmSync(dir, { recursive: true, force: true }));
  const out = resolve(values.out ?? join(dir, 'profiles'));
  mkdirSync(out, { recursive: true });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const { runtime } = compileForBench(dir);
  const sandbox = await startSandbox({ fleet: generatedFleet({ environments, servicesPerEnvironment: services, accounts: 1 }), latencyMs: 50, convergeDelayMs: 0 });
  const slack = await startFakeSlack();
  try {
    const ctx: BenchContext = {
      sandbox, slack, policy: benchPolicyText(1), locations: benchLocations(1), latencyMs: 50,
      ackRequests: Number(values.requests ?? 500), ackConcurrency: 50, ackWarmup: 50, answerRequests: 50, dir, runtime, log,
    };
    const top = Number(values.top ?? 15);
    const profiled = async (what: string, profileDir: string, start: (nodeArgs: string[]) => Promise<BenchChild>, prepare: (child: BenchChild) => Promise<void>, text: string, expectAnswers: boolean) => {
      mkdirSync(profileDir, { recursive: true });
      let window = { from: 0, to: 0 };
      const child = await start(values['no-profile'] || values.allocations ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir]);
      const loader = await BenchChild.start({ name: 'load driver', script: 'driver-process.ts', runtime });
      try {
        await prepare(child);
        log(`profiling ${what}: ${ctx.ackRequests} requests, ${ctx.ackConcurrency} concurrent`);
        window = { from: await child.request<number>('clock'), to: 0 };
        if (values.allocations) await child.request('allocStart');
        const load = await ackLoad(ctx, loader, child, `prof-${profileDir.replace(/\W+/g, '-').slice(-40)}`, expectAnswers, text);
        window.to = await child.request<number>('clock');
        if (values.allocations) {
          const head = await child.request<AllocationNode>('allocStop', undefined, 60_000);
          process.stdout.write(`\n${what}: allocations during the load\n${summarizeAllocations(head, moduleOf, top)}\n`);
        }
        log(`  ack p50 ${load.acks.p50.toFixed(1)} ms, p95 ${load.acks.p95.toFixed(1)} ms, CPU ${load.cpuPerRequestMs.toFixed(2)} ms a request (kernel ${load.cpuSystemPerRequestMs.toFixed(2)})`);
        const threads = Object.entries(load.cpuByThreadPerRequestMs).filter(([, ms]) => ms > 0).sort((a, b) => b[1] - a[1]);
        if (threads.length > 0) log(`  by thread: ${threads.map(([name, ms]) => `${name} ${ms.toFixed(2)}`).join(', ')}`);
      } finally {
        await child.stop(10_000);
        await loader.stop();
      }
      if (values['no-profile'] || values.allocations) return;
      const file = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile')).sort().at(-1);
      if (!file) throw new Error(`no profile written in ${profileDir}`);
      writeFileSync(join(profileDir, 'window.json'), JSON.stringify(window));
      const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as CpuProfile;
      process.stdout.write(`\n${what} (the load only: warm-up, ${ctx.ackRequests} requests${expectAnswers ? ' and their answers' : ''}) — ${join(profileDir, file)}\n`);
      process.stdout.write(`${formatProfile(summarizeProfile(profile, window), top)}\n`);
    };
    for (const text of texts) {
      const profileDir = join(out, text.replace(/\W+/g, '-'));
      await profiled(
        `/env ${text}`,
        profileDir,
        (nodeArgs) => startDockhandChild(ctx, `profile-${profileDir.length}-${Date.now()}`, false, nodeArgs),
        async (dockhand) => {
          const driver = new SlackDriver(`http://127.0.0.1:${dockhand.port}/slack/events`, SIGNING_SECRET, (id) => slack.responseUrl(id), 'prof');
          await refreshThroughSlack(ctx, driver, true);
          await dockhand.request('settle');
          await refreshThroughSlack(ctx, driver, false);
          await dockhand.request('settle');
        },
        text,
        true,
      );
    }
    if (!values['no-bare']) {
      const env = { DOCKHAND_BENCH_CONFIG: JSON.stringify({ signingSecret: SIGNING_SECRET, slackApiUrl: slack.apiUrl }) };
      await profiled('bare Bolt', join(out, 'bare-bolt'), (nodeArgs) => BenchChild.start({ name: 'bare Bolt', script: 'bare-bolt.ts', runtime, nodeArgs, env }), async () => undefined, 'list', false);
    }
  } finally {
    await slack.close();
    await sandbox.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`profile failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
