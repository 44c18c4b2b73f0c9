import { readFileSync } from 'node:fs';
import { parseSchedule } from '../../src/domain/schedules/schedule.js';
import { parseCliArgs, runCli, UsageError } from '../cli.js';
import { referenceFleet, type FleetSpec } from '../sandbox/index.js';
import { simulateSavings } from './savings.js';

const USAGE = `npm run simulate -- [--days 7] [--schedule "weekdays 09:00-19:00 Europe/Berlin"] [--fleet fleet.json] [--tick-minutes 1]

Runs dockhand's scheduler over simulated days against the sandbox (virtual clock, real SDK calls) and prints
task-hours and estimated compute cost against the same fleet running 24/7. Without --fleet it uses the
seed's reference fleet: 10 non-production environments × 8 services, 0.5 vCPU / 1 GB each, us-east-1.
A fleet file is a sandbox FleetSpec in JSON (see dev/sandbox/fleet.ts). Progress, a line per simulated day,
goes to stderr.`;

function wholeNumber(name: string, value: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`--${name} must be a whole number from 1 to ${max}, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseCliArgs({
    options: {
      days: { type: 'string', default: '7' },
      schedule: { type: 'string', default: 'weekdays 09:00-19:00 Europe/Berlin' },
      fleet: { type: 'string' },
      'tick-minutes': { type: 'string', default: '1' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const days = wholeNumber('days', values.days, 60);
  const tickMinutes = wholeNumber('tick-minutes', values['tick-minutes'], 60);
  const parsed = parseSchedule(values.schedule);
  if (!parsed.ok) throw new UsageError(`--schedule does not parse: ${parsed.error.message} (e.g. ${parsed.error.example})`);
  const fleet: FleetSpec = values.fleet ? (JSON.parse(readFileSync(values.fleet, 'utf8')) as FleetSpec) : referenceFleet();
  const money = (n: number) => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

  const report = await simulateSavings({
    fleet,
    days,
    schedule: values.schedule,
    tickMinutes,
    onDay: (day, totals) => process.stderr.write(`simulated day ${day} of ${days}: ${totals.parks} parks, ${totals.restores} restores so far\n`),
  });
  const share = report.costScheduled / report.costAlwaysOn;
  process.stdout.write(
    [
      `Simulated ${report.days} days of "${report.schedule}" over ${report.services} services (${report.parks} parks, ${report.restores} restores, ${report.awsCalls} AWS calls).`,
      `                  task-hours   compute (simulated)   per 730-hour month`,
      `  24/7            ${report.taskHoursAlwaysOn.toFixed(0).padStart(10)}   ${money(report.costAlwaysOn).padStart(19)}   ${money(report.monthlyAlwaysOn).padStart(18)}`,
      `  with schedule   ${report.taskHoursScheduled.toFixed(0).padStart(10)}   ${money(report.costScheduled).padStart(19)}   ${money(report.monthlyScheduled).padStart(18)}`,
      `Scheduled compute is ${(share * 100).toFixed(1)} % of 24/7 (estimate at Fargate list prices; see src/domain/cost/fargate-rates.ts).`,
      '',
    ].join('\n'),
  );
}

runCli('simulate', main);
