import { describe, expect, it } from 'vitest';
import { referenceFleet } from '../../dev/sandbox/index.js';
import { simulateSavings } from '../../dev/simulate/savings.js';

describe('npm run simulate on the reference fleet', () => {
  it('brings weekday business hours to at most 30 % of the 24/7 compute cost (about $428 of $1,442 a month)', async () => {
    // 15-minute ticks: the schedule's edges fall on the hour, so nothing is missed, and the week runs in seconds.
    const report = await simulateSavings({ fleet: referenceFleet(), days: 7, schedule: 'weekdays 09:00-19:00 Europe/Berlin', tickMinutes: 15 });
    expect(report.services).toBe(80);
    expect(report.monthlyAlwaysOn).toBeCloseTo(1441.6, 0);
    expect(report.costScheduled / report.costAlwaysOn).toBeLessThanOrEqual(0.3);
    expect(Math.abs(report.monthlyScheduled - 428)).toBeLessThan(10);
    expect(report.parks).toBe(50);
    expect(report.restores).toBe(40);
  }, 60_000);
});
