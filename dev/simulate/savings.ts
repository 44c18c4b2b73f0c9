import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { parsePolicy } from '../../src/config/load.js';
import { ManualClock } from '../../src/domain/clock.js';
import { hourlyRate, HOURS_PER_MONTH, type PricedServiceShape } from '../../src/domain/cost/estimate.js';
import { parseSchedule } from '../../src/domain/schedules/schedule.js';
import { timeZoneOf } from '../../src/domain/schedules/resolve.js';
import { silentLogger } from '../../src/log.js';
import { startDockhand } from '../../src/main.js';
import { startSandbox, type FleetSpec, type SandboxServiceView } from '../sandbox/index.js';

export interface SavingsOptions {
  fleet: FleetSpec;
  days: number;
  schedule: string;
  /** Minutes between scheduler ticks; the real one ticks every minute. */
  tickMinutes?: number;
  /** Called after each simulated day (1-based), with the parks and restores so far: progress for a long run. */
  onDay?: (day: number, totals: { parks: number; restores: number }) => void;
}

export interface SavingsReport {
  days: number;
  schedule: string;
  services: number;
  taskHoursScheduled: number;
  taskHoursAlwaysOn: number;
  costScheduled: number;
  costAlwaysOn: number;
  monthlyScheduled: number;
  monthlyAlwaysOn: number;
  parks: number;
  restores: number;
  awsCalls: number;
}

function priced(view: SandboxServiceView): PricedServiceShape {
  return {
    region: view.region,
    capacity: view.spot ? 'spot' : 'on-demand',
    taskDefinition: { cpu: view.taskDefinition.cpu, memoryMiB: view.taskDefinition.memory, architecture: view.taskDefinition.arch === 'ARM64' ? 'arm' : 'x86' },
  };
}

/**
 * Runs the real scheduler over simulated days against the sandbox with a virtual clock, and integrates the
 * tasks the sandbox actually ran, minute by minute, against the same fleet left running around the clock.
 */
export async function simulateSavings(options: SavingsOptions): Promise<SavingsReport> {
  const parsed = parseSchedule(options.schedule);
  if (!parsed.ok) throw new Error(`the schedule does not parse: ${parsed.error.message} (e.g. ${parsed.error.example})`);
  // Start on a Monday at the start of the working day, so the fleet begins inside its hours.
  const first = parsed.value.kind === 'windows' ? Math.min(...parsed.value.windows.map((w) => w.startMinute)) : 0;
  const start = DateTime.fromISO('2026-01-05T00:00:00', { zone: timeZoneOf(parsed.value) }).plus({ minutes: first }).toJSDate();
  const clock = new ManualClock(start);
  const sandbox = await startSandbox({ fleet: options.fleet, clock, convergeDelayMs: 60_000 });
  const dir = mkdtempSync(join(tmpdir(), 'dockhand-simulate-'));
  const accounts = options.fleet.accounts.map((a) => `  - id: "${a.id}"\n    name: a${a.id}\n    regions: [${a.regions.join(', ')}]\n`).join('');
  const policy = parsePolicy(`accounts:\n${accounts}schedules:\n  defaults:\n    - environments: ["*"]\n      schedule: ${JSON.stringify(options.schedule)}\n`);
  const dockhand = await startDockhand({
    env: { DOCKHAND_DB: join(dir, 'simulate.db'), PORT: 0 },
    policy,
    clock,
    logger: silentLogger,
    aws: { endpoint: sandbox.url, credentials: { accessKeyId: 'AKIASIMULATE', secretAccessKey: 'sandbox' } },
    refreshEveryMs: null,
    housekeeping: false,
    reportJobs: false,
    scheduler: false,
  });
  try {
    const tickMs = (options.tickMinutes ?? 1) * 60_000;
    const end = start.getTime() + options.days * 86_400_000;
    const views = sandbox.services();
    const rateOf = new Map(views.map((view) => [view.arn, hourlyRate(priced(view), 1).dollarsPerHour]));
    const alwaysOnPerHour = views.reduce((sum, view) => sum + view.desiredCount * (rateOf.get(view.arn) ?? 0), 0);
    const alwaysOnTasks = views.reduce((sum, view) => sum + view.desiredCount, 0);
    let taskHours = 0;
    let cost = 0;
    let parks = 0;
    let restores = 0;
    let daysDone = 0;
    await dockhand.refresher.refresh('simulation');
    for (let now = start.getTime(); now < end; now += tickMs) {
      clock.set(now);
      if ((now - start.getTime()) % 3_600_000 === 0) await dockhand.refresher.refresh('simulation');
      const report = await dockhand.scheduler.tick(new Date(now));
      parks += report.actions.filter((a) => a.action.kind === 'park').length;
      restores += report.actions.filter((a) => a.action.kind === 'restore').length;
      for (const view of sandbox.services()) {
        const hours = (view.runningCount * tickMs) / 3_600_000;
        taskHours += hours;
        cost += hours * (rateOf.get(view.arn) ?? 0);
      }
      const day = Math.min(options.days, Math.floor((now + tickMs - start.getTime()) / 86_400_000));
      if (day > daysDone) options.onDay?.((daysDone = day), { parks, restores });
    }
    const hours = options.days * 24;
    return {
      days: options.days,
      schedule: options.schedule,
      services: views.length,
      taskHoursScheduled: taskHours,
      taskHoursAlwaysOn: alwaysOnTasks * hours,
      costScheduled: cost,
      costAlwaysOn: alwaysOnPerHour * hours,
      monthlyScheduled: (cost / hours) * HOURS_PER_MONTH,
      monthlyAlwaysOn: alwaysOnPerHour * HOURS_PER_MONTH,
      parks,
      restores,
      awsCalls: sandbox.countCalls(),
    };
  } finally {
    await dockhand.stop();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
