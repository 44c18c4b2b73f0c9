/**
 * Figure 5: one scheduler tick over 1,000 environments of which none is due — the CPU time it takes and the
 * AWS calls it makes (aim: none). The scheduler (src/jobs/scheduler.ts, a class with `tick(now: Date)`) is
 * imported dynamically: until it exists the figures say "not available", never a made-up number.
 *
 * Wiring it: make `wireScheduler` below build the scheduler from `SchedulerBenchDeps` (or have the module
 * export `createBenchScheduler(deps)`). Everything else — the fleet, the inventory, the counting — is here.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AwsClients } from '../src/aws/clients.js';
import { parsePolicy } from '../src/config/load.js';
import { environmentRulesOf, type Policy } from '../src/config/policy.js';
import { ManualClock } from '../src/domain/clock.js';
import type { Environment } from '../src/domain/environments.js';
import { InventoryRefresher } from '../src/jobs/inventory-refresh.js';
import { silentLogger, type Logger } from '../src/log.js';
import { generatedFleet, startSandbox } from '../dev/sandbox/index.js';
import { openSqlite, type Database } from '../src/store/db.js';
import { Fleet } from '../src/store/fleet.js';
import { InventoryStore } from '../src/store/inventory-store.js';
import type { Outbound } from '../src/outbound.js';
import { OperationRunner } from '../src/operations/runner.js';
import { ScheduleService } from '../src/schedules/schedule-service.js';
import type { SchedulesStore as SchedulesStoreClass } from '../src/store/schedules-store.js';
import { AuditStore } from '../src/store/audit-store.js';
import { OperationsStore } from '../src/store/operations-store.js';
import { benchPolicyText } from './policy.js';
import { BENCH_DIR } from './processes.js';
import { figure, unavailable, type Figure } from './report.js';
import { median } from './stats.js';

/** Overridable so the harness can be tried against a stand-in module before the real one lands. */
const SCHEDULER_MODULE = process.env.DOCKHAND_BENCH_SCHEDULER_MODULE ?? '../src/jobs/scheduler.js';

/** What the benchmark needs of the scheduler. */
export interface TickingScheduler {
  tick(now: Date): unknown;
  stop?(): void;
}

/** Everything a scheduler could need, built for 1,000 environments read from the sandbox. */
export interface SchedulerBenchDeps {
  policy: Policy;
  /** AWS clients pointed at the sandbox; every call they make is counted from the sandbox's log. */
  aws: AwsClients;
  db: Database;
  inventory: InventoryStore;
  fleet: Fleet;
  environments: readonly Environment[];
  clock: ManualClock;
  logger: Logger;
  /** The ticks are measured at these instants: give the environments schedules with no edge among them. */
  tickTimes: readonly Date[];
}

/** Every environment is up on weekdays 08:00–20:00 UTC; the ticks fall on a Wednesday afternoon, far from any edge. */
export const BENCH_SCHEDULE = 'weekdays 08:00-20:00 UTC';

/** An outbound port that only counts: a tick with nothing due must post nothing. */
export function countingOutbound(): Outbound & { posts: number } {
  const outbound = {
    posts: 0,
    post: async () => {
      outbound.posts += 1;
      return { channel: 'C0BENCH', ts: `${Date.now() / 1000}`, messages: 1 };
    },
    tell: async () => null,
    update: async () => undefined,
  };
  return outbound;
}

/**
 * Builds src/jobs/scheduler.ts's Scheduler as src/wiring/services.ts does, with a real operation runner (so anything due
 * would really call AWS and show in the count), or says why it cannot. A module exporting
 * `createBenchScheduler(deps)` is used as is.
 */
export async function wireScheduler(mod: Record<string, unknown>, deps: SchedulerBenchDeps, outbound: Outbound): Promise<TickingScheduler | string> {
  const create = mod.createBenchScheduler;
  if (typeof create === 'function') return (create as (d: SchedulerBenchDeps) => TickingScheduler)(deps);
  const Scheduler = mod.Scheduler as (new (deps: unknown) => TickingScheduler) | undefined;
  if (typeof Scheduler !== 'function') return 'src/jobs/scheduler.ts does not export Scheduler';
  let stores: Record<string, unknown>;
  try {
    stores = (await import('../src/store/schedules-store.js' as string)) as Record<string, unknown>;
  } catch (error) {
    return `src/store/schedules-store.ts failed to load: ${(error as Error).message.split('\n')[0]}`;
  }
  const SchedulesStore = stores.SchedulesStore as (new (db: Database) => SchedulesStoreClass) | undefined;
  if (typeof SchedulesStore !== 'function') return 'src/store/schedules-store.ts does not export SchedulesStore';
  const { policy, aws, db, fleet, clock, logger } = deps;
  const operations = new OperationsStore(db);
  const runner = new OperationRunner({ accounts: policy.accounts, aws, operations, audit: new AuditStore(db), clock, logger, startFallbackDesired: 1, stepDeadlineMs: policy.aws.step_deadline_ms });
  const store = new SchedulesStore(db);
  const rules = { named: {}, defaults: [{ environments: ['*'], schedule: BENCH_SCHEDULE }], tagKey: 'schedule' };
  const schedules = new ScheduleService({ fleet, store, rules, clock, logger });
  return new Scheduler({
    schedules,
    fleet,
    store,
    operations,
    runner,
    outbound,
    clock,
    logger,
    channel: 'C0BENCH',
    graceMs: 30 * 60_000,
    warnMs: 30 * 60_000,
    catchUpMs: 72 * 3600_000,
  });
}

export interface SchedulerBenchOptions {
  environments: number;
  servicesPerEnvironment: number;
  accounts: number;
  dir: string;
  log: (line: string) => void;
  /** Ticks per batch; a figure is the median over the batches' medians. */
  ticks?: number;
  batches?: number;
}

const FIRST = { id: 'scheduler.firstTick.cpuMs', group: 5, label: 'CPU time of the first tick after start', unit: 'ms' } as const;
const CPU = { id: 'scheduler.tick.cpuMs', group: 5, label: 'CPU time per tick, nothing due', unit: 'ms' } as const;
const CALLS = { id: 'scheduler.tick.awsCalls', group: 5, label: 'AWS calls per tick, nothing due', unit: 'calls', aim: { op: '==' as const, target: 0, source: 'issue 6' } };

async function importScheduler(): Promise<Record<string, unknown> | string> {
  if (!process.env.DOCKHAND_BENCH_SCHEDULER_MODULE && !existsSync(join(BENCH_DIR, '../src/jobs/scheduler.ts'))) return 'scheduler not built yet';
  try {
    return (await import(SCHEDULER_MODULE)) as Record<string, unknown>;
  } catch (error) {
    return `the scheduler module failed to load: ${(error as Error).message.split('\n')[0]}`;
  }
}

export async function benchSchedulerTick(options: SchedulerBenchOptions): Promise<Figure[]> {
  const mod = await importScheduler();
  if (typeof mod === 'string') return [unavailable(FIRST, mod), unavailable(CPU, mod), unavailable(CALLS, mod)];

  const { environments, servicesPerEnvironment, accounts, dir } = options;
  const sandbox = await startSandbox({ fleet: generatedFleet({ environments, servicesPerEnvironment, accounts }), convergeDelayMs: 0 });
  const policy = parsePolicy(benchPolicyText(accounts));
  const db = openSqlite(join(dir, 'scheduler.db'));
  const aws = new AwsClients({ endpoint: sandbox.url, credentials: { accessKeyId: 'AKIABENCHSCHED', secretAccessKey: 'bench' } });
  let scheduler: TickingScheduler | null = null;
  try {
    const inventory = await InventoryStore.load(db);
    const rules = environmentRulesOf(policy);
    // A Wednesday noon UTC, one tick a minute: schedules built for the benchmark have no edge in this hour.
    const start = Date.UTC(2026, 0, 7, 12, 0, 0);
    const clock = new ManualClock(start);
    await new InventoryRefresher({ accounts: policy.accounts, rules, aws, store: inventory, clock, logger: silentLogger, deadlineMs: policy.aws.refresh_deadline_ms }).refresh('bench');
    const fleet = new Fleet(inventory, rules);
    const ticks = options.ticks ?? 20;
    const batches = options.batches ?? 3;
    const tickTimes = Array.from({ length: (batches + 1) * ticks }, (_, i) => new Date(start + (i + 1) * 60_000));
    const outbound = countingOutbound();
    const wired = await wireScheduler(mod, { policy, aws, db, inventory, fleet, environments: fleet.environments(), clock, logger: silentLogger, tickTimes }, outbound);
    if (typeof wired === 'string') return [unavailable(FIRST, wired), unavailable(CPU, wired), unavailable(CALLS, wired)];
    scheduler = wired;

    const cpuOf = async (now: Date) => {
      clock.set(now);
      const before = process.cpuUsage();
      await wired.tick(now);
      const used = process.cpuUsage(before);
      return (used.user + used.system) / 1000;
    };
    const firstTick = await cpuOf(tickTimes[0]!);
    const cpuMs: number[] = [];
    const calls: number[] = [];
    for (let batch = 0; batch <= batches; batch++) {
      const perTick: number[] = [];
      const before = sandbox.requests.length;
      for (let i = batch === 0 ? 1 : 0; i < ticks; i++) perTick.push(await cpuOf(tickTimes[batch * ticks + i]!));
      if (batch === 0) continue; // the first batch warms up
      cpuMs.push(median(perTick)!);
      calls.push((sandbox.requests.length - before) / ticks);
    }
    const count = fleet.environments().length;
    const note = `${count} environments × ${servicesPerEnvironment} services, all on "${BENCH_SCHEDULE}", ticks on a Wednesday afternoon; ${batches} batches of ${ticks} ticks after ${ticks} warm-up ticks; ${outbound.posts} Slack posts`;
    return [
      figure({ ...FIRST, runs: [firstTick], digits: 3, note: 'works out every environment\'s next edge once; later ticks reuse it' }),
      figure({ ...CPU, runs: cpuMs, digits: 3, note }),
      figure({ ...CALLS, runs: calls, note }),
    ];
  } finally {
    scheduler?.stop?.();
    aws.destroy();
    db.db.$client.close();
    await sandbox.close();
  }
}
