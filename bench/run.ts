/**
 * `npx tsx bench/run.ts [--environments 80] [--services 8] [--accounts 1] [--latency 50] [--runs 3]
 *   [--out bench/results/latest.json]` or `… --scale [--sizes 10,80,250,500] [--scale-accounts 1,2,4]`:
 *   dockhand's benchmark. Starts the AWS sandbox with a generated fleet and
 * injected latency, a fake Slack API, and dockhand (and a bare Bolt app) in processes of their own; drives
 * them with signed Slack requests; prints a table and writes the JSON described in bench/README.md.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { generatedFleet, startSandbox, type Sandbox } from '../dev/sandbox/index.js';
import { startFakeSlack, type FakeSlack } from '../test/support/fake-slack.js';
import { memoryFigures, slackFigures } from './figures.js';
import { measureMemory, measureRun, type BenchContext, type MemoryFigures, type RunFigures } from './measure.js';
import { formatAims, formatHeader, formatSummary, formatTable, SCHEMA_VERSION, summarize, type BenchParams, type BenchReport, type Figure, type Machine } from './report.js';
import { formatGrowth, formatScaleTable, scaleFigures, SCALE_COLUMNS, SCALE_LEGEND } from './growth.js';
import { measureScale } from './scale.js';
import { benchLocations, benchPolicyText } from './policy.js';
import { atExit, compileForBench } from './processes.js';
import { benchSchedulerTick } from './scheduler.js';
import { benchVisibility } from './visibility.js';

const USAGE = `usage: npx tsx bench/run.ts [options]
  --environments N   generated environments (default 80)
  --services M       services per environment (default 8)
  --accounts K       accounts the environments spread over (default 1)
  --latency MS       latency the sandbox adds to every AWS request (default 50; 20 with --scale)
  --runs R           measured runs; figures are their medians (default 3)
  --out FILE         where the JSON goes (default bench/results/latest.json, with --scale bench/results/scale.json)
  --scale            the scale curve instead: 10, 80, 250 and 500 environments × 8 services over 1, 2 and 4
                     accounts; exits 1 when an aim is missed (a figure growing faster than linearly among them)
  --sizes LIST       with --scale: the environment counts (default 10,80,250,500)
  --scale-accounts LIST  with --scale: the account counts (default 1,2,4)`;

function wholeNumber(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) throw new Error(`--${name} needs a whole number ≥ ${min}, not "${value}"\n${USAGE}`);
  return parsed;
}

function wholeNumbers(name: string, value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  return value.split(',').map((part) => wholeNumber(name, part.trim(), 0, 1));
}

interface Options {
  params: BenchParams;
  out: string;
  scale: { environments: number[] | undefined; accounts: number[] | undefined } | null;
}

function parseOptions(argv: string[]): Options | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      environments: { type: 'string' },
      services: { type: 'string' },
      accounts: { type: 'string' },
      latency: { type: 'string' },
      runs: { type: 'string' },
      out: { type: 'string' },
      scale: { type: 'boolean' },
      sizes: { type: 'string' },
      'scale-accounts': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return null;
  const servicesPerEnvironment = wholeNumber('services', values.services, 8, 1);
  return {
    params: {
      environments: wholeNumber('environments', values.environments, 80, 1),
      servicesPerEnvironment,
      accounts: wholeNumber('accounts', values.accounts, 1, 1),
      // The curve's 16 fleets at 50 ms would not read in ten minutes here: 20 ms unless told.
      latencyMs: wholeNumber('latency', values.latency, values.scale ? 20 : 50, 1),
      runs: wholeNumber('runs', values.runs, 3, 1),
      ackRequests: 500,
      ackConcurrency: 50,
      ackWarmup: 50,
      answerRequests: 50,
      memoryEnvironments: Math.ceil(1000 / servicesPerEnvironment),
      schedulerEnvironments: 1000,
      childRuntime: 'compiled',
    },
    out: resolve(values.out ?? (values.scale ? 'bench/results/scale.json' : 'bench/results/latest.json')),
    scale: values.scale ? { environments: wholeNumbers('sizes', values.sizes), accounts: wholeNumbers('scale-accounts', values['scale-accounts']) } : null,
  };
}

function machine(): Machine {
  const cores = cpus();
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpuCount: cores.length,
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    totalMemoryMB: Math.round(totalmem() / 1024 / 1024),
  };
}

async function withSandbox<T>(environments: number, params: BenchParams, latencyMs: number, use: (sandbox: Sandbox) => Promise<T>): Promise<T> {
  const sandbox = await startSandbox({
    fleet: generatedFleet({ environments, servicesPerEnvironment: params.servicesPerEnvironment, accounts: params.accounts }),
    latencyMs,
    convergeDelayMs: 0,
  });
  try {
    return await use(sandbox);
  } finally {
    await sandbox.close();
  }
}

/** The exit code: 1 when --scale missed an aim (the normal run only reports its aims). */
async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (!options) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { params, out } = options;
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const command = ['npx tsx bench/run.ts', ...process.argv.slice(2)].join(' ');
  const log = (line: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}\n`);
  const policy = benchPolicyText(params.accounts);
  const locations = benchLocations(params.accounts);
  const dir = mkdtempSync(join(tmpdir(), 'dockhand-bench-'));
  atExit(() => rmSync(dir, { recursive: true, force: true }));
  // The SDK's notice that releases after January 2027 need Node 22 would interrupt the table.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  let slack: FakeSlack | null = null;
  try {
    log('compiling for the child processes (tsc --noCheck)');
    const { runtime, note } = compileForBench(dir);
    params.childRuntime = runtime.kind;
    if (runtime.kind === 'tsx') log(note);
    const header = { machine: machine(), params, command };
    process.stdout.write(`${formatHeader(header)}\n\n`);
    const finish = (mode: BenchReport['mode'], figures: Figure[]): BenchReport => {
      const report: BenchReport = {
        schemaVersion: SCHEMA_VERSION,
        mode,
        startedAt,
        finishedAt: new Date().toISOString(),
        wallTimeSeconds: Math.round((performance.now() - started) / 100) / 10,
        ...header,
        figures,
        summary: summarize(figures),
      };
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
      return report;
    };
    slack = await startFakeSlack();
    const fakeSlack = slack;
    const context = (sandbox: Sandbox): BenchContext => ({
      sandbox,
      slack: fakeSlack,
      policy,
      locations,
      latencyMs: params.latencyMs,
      ackRequests: params.ackRequests,
      ackConcurrency: params.ackConcurrency,
      ackWarmup: params.ackWarmup,
      answerRequests: params.answerRequests,
      dir,
      runtime,
      log,
    });

    if (options.scale) {
      const points = await measureScale({ slack: fakeSlack, latencyMs: params.latencyMs, dir, runtime, log, ...(options.scale.environments ? { environments: options.scale.environments } : {}), ...(options.scale.accounts ? { accounts: options.scale.accounts } : {}) });
      const figures = scaleFigures(points);
      const report = finish('scale', figures);
      process.stdout.write(`${formatScaleTable(points, SCALE_COLUMNS)}\n\n${SCALE_LEGEND}\n\n${formatGrowth(figures)}\n\n${formatAims(figures, false)}\n${formatSummary(report)}\nJSON: ${out}\n`);
      return report.summary.failed === 0 ? 0 : 1;
    }

    const runs: RunFigures[] = [];
    await withSandbox(params.environments, params, params.latencyMs, async (sandbox) => {
      for (let run = 1; run <= params.runs; run++) {
        log(`run ${run} of ${params.runs}: ${params.environments} × ${params.servicesPerEnvironment}, ${params.latencyMs} ms AWS latency`);
        runs.push(await measureRun(context(sandbox), run));
      }
    });

    log('CloudTrail and Cost Explorer ingest');
    const visibility = await benchVisibility({ ...params, dir, log });

    const memory: MemoryFigures[] = [];
    // Memory does not depend on AWS latency: this sandbox answers at once, so the 1,000-service refresh is quick.
    await withSandbox(params.memoryEnvironments, params, 0, async (sandbox) => {
      for (let run = 1; run <= params.runs; run++) {
        log(`memory run ${run} of ${params.runs}: ${params.memoryEnvironments} × ${params.servicesPerEnvironment} services`);
        memory.push(await measureMemory(context(sandbox), run));
      }
    });

    log(`scheduler tick over ${params.schedulerEnvironments} environments`);
    const scheduler = await benchSchedulerTick({ environments: params.schedulerEnvironments, servicesPerEnvironment: params.servicesPerEnvironment, accounts: params.accounts, dir, log });

    const figures = [...slackFigures(runs, params.latencyMs), ...scheduler, ...visibility, ...memoryFigures(memory, runs, runtime.kind)].sort((a, b) => a.group - b.group);
    const report = finish('normal', figures);
    process.stdout.write(`${formatTable(figures)}\n\n${formatAims(figures)}\n${formatSummary(report)}\nJSON: ${out}\n`);
    return 0;
  } finally {
    await slack?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// Exit explicitly: keep-alive sockets must not hold the process open, and the exit hook kills any child left.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
