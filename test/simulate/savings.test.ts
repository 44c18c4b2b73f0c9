import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { referenceFleet } from '../../dev/sandbox/index.js';
import { simulateSavings } from '../../dev/simulate/savings.js';

describe('npm run simulate on the reference fleet', () => {
  it('brings weekday business hours to at most 30 % of the 24/7 compute cost (about $428 of $1,442 a month)', async () => {
    // 15-minute ticks: the schedule's edges fall on the hour, so nothing is missed, and the week runs in seconds.
    const days: number[] = [];
    const report = await simulateSavings({ fleet: referenceFleet(), days: 7, schedule: 'weekdays 09:00-19:00 Europe/Berlin', tickMinutes: 15, onDay: (day) => days.push(day) });
    expect(days).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(report.services).toBe(80);
    expect(report.monthlyAlwaysOn).toBeCloseTo(1441.6, 0);
    expect(report.costScheduled / report.costAlwaysOn).toBeLessThanOrEqual(0.3);
    expect(Math.abs(report.monthlyScheduled - 428)).toBeLessThan(10);
    expect(report.parks).toBe(50);
    expect(report.restores).toBe(40);
  }, 300_000); // ~40 s alone; several times that when it shares 2 cores with the rest of the suite
});

describe('npm run simulate arguments', () => {
  const simulate = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'dev/simulate/main.ts', ...args], { encoding: 'utf8', env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined } });

  it.each([
    [['--dayz', '7'], "Unknown option '--dayz' (--help for usage)\n"],
    [['--days', '0'], '--days must be a whole number from 1 to 60, got 0 (--help for usage)\n'],
    [['--days'], "Option '--days <value>' argument missing (--help for usage)\n"],
  ])('%j: one line on stderr, exit 2', (args, stderr) => {
    const run = simulate(...args);
    expect(run.stderr).toBe(stderr);
    expect(run.stdout).toBe('');
    expect(run.status).toBe(2);
  }, 30_000);

  it('a schedule that does not parse: one line naming it, exit 2', () => {
    const run = simulate('--schedule', 'weekdayz 09:00-19:00');
    expect(run.stderr).toMatch(/^--schedule does not parse: .+ \(--help for usage\)\n$/);
    expect(run.status).toBe(2);
  }, 30_000);
});
