/**
 * Child processes of the benchmark (dockhand, the bare Bolt app): started with tsx and an IPC channel,
 * ready when they print `listening <port>`, asked for figures over IPC, and always killed: on stop, on
 * error, on SIGINT/SIGTERM, and when the benchmark process exits. A child also exits by itself when its
 * IPC channel closes, so a benchmark killed with SIGKILL leaves nothing behind.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = join(BENCH_DIR, '..');

/**
 * Node's flags in `npm start` (package.json), e.g. the young generation's size: dockhand's processes run with
 * them, as in production (the Dockerfile passes the same ones). `--env-file…` is not one of them.
 */
export function startFlags(startScript?: string): string[] {
  const script = startScript ?? (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts?: { start?: string } }).scripts?.start ?? '';
  return script
    .split(/\s+/)
    .filter((word) => word.startsWith('--') && !word.startsWith('--env-file'));
}

/** What a child answers to `stats`. */
export interface ChildStats {
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  /** CPU time the process has used so far (user + system), in ms. */
  cpuMs: number;
  /** Of which in the kernel, in ms. */
  cpuSystemMs: number;
  /** CPU time so far by thread name (Linux, from /proc; 10 ms ticks): the main thread is `node`. */
  cpuByThreadMs: Record<string, number>;
  /** AWS calls dockhand's own counter saw (dockhand only). */
  awsCalls?: number;
  gcExposed: boolean;
}

export interface IpcRequest {
  id: number;
  type: string;
  payload?: unknown;
}

export type IpcReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

const live = new Set<ChildProcess>();
let hooksInstalled = false;

const exitTasks: Array<() => void> = [];

/** Runs `task` (synchronously) when the benchmark exits, however it exits; e.g. removing its temporary folder. */
export function atExit(task: () => void): void {
  installHooks();
  exitTasks.push(task);
}

function killAll(): void {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  live.clear();
  for (const task of exitTasks.splice(0)) {
    try {
      task();
    } catch {
      // best effort: the process is exiting
    }
  }
}

/**
 * Runs `cleanup` then exits on SIGINT/SIGTERM; kills every child on exit whatever the reason.
 * Installed once, by the first child started.
 */
function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping child processes\n`);
      killAll();
      process.exit(130);
    });
  }
}

/**
 * How children run: `compiled` is plain node on JavaScript that tsc emitted (as `npm start` runs dist/),
 * `tsx` is node with the tsx loader, whose hooks thread adds to the RSS.
 */
export type Runtime = { kind: 'compiled'; outDir: string } | { kind: 'tsx' };

/**
 * Compiles the repository without type checking (tsc --noCheck: fast, and works while others' code is
 * mid-change) into `dir`, with package.json, node_modules and migrations linked beside it so the emitted
 * modules resolve and find their migrations as dist/ does. Falls back to tsx when tsc fails.
 */
export function compileForBench(dir: string): { runtime: Runtime; note: string } {
  const outDir = join(dir, 'compiled');
  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(REPO_ROOT, 'tsconfig.json'), '--noCheck', '--noEmit', 'false', '--sourceMap', 'false', '--outDir', outDir], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0 || !existsSync(join(outDir, 'bench', 'dockhand-process.js'))) {
    return { runtime: { kind: 'tsx' }, note: `tsc failed (${result.status ?? result.signal}), children run under tsx: ${(result.stdout + result.stderr).slice(0, 300)}` };
  }
  for (const name of ['package.json', 'node_modules', 'migrations']) symlinkSync(join(REPO_ROOT, name), join(outDir, name));
  return { runtime: { kind: 'compiled', outDir }, note: 'children run compiled JavaScript (tsc --noCheck), like npm start' };
}

export interface ChildOptions {
  /** Shown in errors, e.g. `dockhand`. */
  name: string;
  /** A .ts file under bench/. */
  script: string;
  runtime: Runtime;
  env?: Record<string, string>;
  /** Adds --expose-gc so the child can collect before it reports its RSS. */
  exposeGc?: boolean;
  /** More node options, e.g. --cpu-prof for a look at where the time goes. */
  nodeArgs?: string[];
  /** How long to wait for `listening <port>` (default 60 s). */
  startTimeoutMs?: number;
}

export class BenchChild {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  private stderrTail = '';

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.on('message', (message: IpcReply) => {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      clearTimeout(waiter.timer);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new Error(`${name}: ${message.error}`));
    });
    child.on('exit', (code, signal) => {
      live.delete(child);
      for (const [id, waiter] of this.pending) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error(`${name} exited (${code ?? signal}) while answering request ${id}${this.stderrTail ? `:\n${this.stderrTail}` : ''}`));
      }
      this.pending.clear();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Starts the child and resolves once it printed `listening <port>`. */
  static async start(options: ChildOptions): Promise<BenchChild> {
    installHooks();
    const entry =
      options.runtime.kind === 'compiled'
        ? [join(options.runtime.outDir, 'bench', options.script.replace(/\.ts$/, '.js'))]
        : ['--import', 'tsx', join(BENCH_DIR, options.script)];
    const args = [...(options.exposeGc ? ['--expose-gc'] : []), ...(options.nodeArgs ?? []), ...entry];
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...options.env },
    });
    live.add(child);
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    const port = await new Promise<number>((resolve, reject) => {
      let stdout = '';
      let settled = false;
      const timeoutMs = options.startTimeoutMs ?? 60_000;
      const timer = setTimeout(() => fail(new Error(`${options.name} did not start within ${timeoutMs} ms`)), timeoutMs);
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`${error.message}${stderr ? `\n--- ${options.name} stderr ---\n${stderr}` : ''}`));
      };
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        if (settled) return;
        stdout += chunk;
        const match = /listening (\d+)/.exec(stdout);
        if (match) {
          settled = true;
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      child.once('exit', (code, signal) => fail(new Error(`${options.name} exited (${code ?? signal}) before listening`)));
      child.once('error', fail);
    });
    const started = new BenchChild(options.name, child, port);
    child.stderr?.on('data', () => {
      started.stderrTail = stderr;
    });
    return started;
  }

  /** One IPC request; rejects after `timeoutMs` (default 60 s). */
  request<T>(type: string, payload?: unknown, timeoutMs = 60_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name} did not answer ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      this.child.send({ id, type, ...(payload === undefined ? {} : { payload }) } satisfies IpcRequest);
    });
  }

  /** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. */
  async stop(graceMs = 3000): Promise<void> {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
    live.delete(child);
  }
}

/** For the children: answers IPC requests with `handlers`, and exits when the benchmark goes away. */
export function serveIpc(handlers: Record<string, (payload: unknown) => unknown>): void {
  if (!process.send) throw new Error('a bench child must be started with an IPC channel (bench/processes.ts)');
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message: IpcRequest) => {
    Promise.resolve()
      .then(() => {
        const handler = handlers[message.type];
        if (!handler) throw new Error(`no IPC request ${message.type}`);
        return handler(message.payload);
      })
      .then(
        (result) => process.send?.({ id: message.id, ok: true, result } satisfies IpcReply),
        (error: unknown) => process.send?.({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies IpcReply),
      );
  });
}

/** `collectGarbage` reads the RSS this often, until it has not fallen for `SETTLE_STEADY_READS` reads or `SETTLE_MAX_MS`. */
const SETTLE_POLL_MS = 50;
const SETTLE_STEADY_READS = 4;
const SETTLE_MAX_MS = 3000;

/**
 * Two full collections (--expose-gc), then waits until the RSS stops falling: V8 returns the pages a
 * collection freed from background tasks (unmapping, array buffer sweeping), which on a busy machine run
 * tens of milliseconds later. Read at once, the RSS still held them: 140 or 170 MB for the same process.
 * Returns whether gc() was exposed.
 */
export async function collectGarbage(): Promise<boolean> {
  const gc = globalThis.gc;
  if (typeof gc !== 'function') return false;
  gc();
  gc();
  let lowest = process.memoryUsage.rss();
  let steady = 0;
  for (let waited = 0; waited < SETTLE_MAX_MS && steady < SETTLE_STEADY_READS; waited += SETTLE_POLL_MS) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
    const rss = process.memoryUsage.rss();
    steady = rss < lowest ? 0 : steady + 1;
    lowest = Math.min(lowest, rss);
  }
  return true;
}

/** CPU time by thread name from /proc/self/task (Linux only; empty elsewhere), in ms. */
function threadCpu(): Record<string, number> {
  const byName: Record<string, number> = {};
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return byName;
  }
  for (const task of tasks) {
    try {
      const stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      // Fields after the name: state is 3rd; utime and stime are the 14th and 15th of the whole line.
      const fields = stat.slice(close + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      byName[name] = (byName[name] ?? 0) + ticks * 10;
    } catch {
      // The thread ended while being read.
    }
  }
  return byName;
}

/** Memory figures of this process, collecting garbage first when --expose-gc was given. */
export function memoryStats(extra: Partial<ChildStats> = {}): ChildStats {
  const usage = process.memoryUsage();
  const cpu = process.cpuUsage();
  return {
    cpuMs: (cpu.user + cpu.system) / 1000,
    cpuSystemMs: cpu.system / 1000,
    cpuByThreadMs: threadCpu(),
    rssBytes: usage.rss,
    heapUsedBytes: usage.heapUsed,
    heapTotalBytes: usage.heapTotal,
    externalBytes: usage.external,
    gcExposed: typeof globalThis.gc === 'function',
    ...extra,
  };
}
