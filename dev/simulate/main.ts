import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { referenceFleet, type FleetSpec } from '../sandbox/index.js';
import { simulateSavings } from './savings.js';

const USAGE = `npm run simulate -- [--days 7] [--schedule "weekdays 09:00-19:00 Europe/Berlin"] [--fleet fleet.json] [--tick-minutes 1]

Runs dockhand's scheduler over simulated days against the sandbox (virtual clock, real SDK calls) and prints
task-hours and estimated compute cost against the same fleet running 24/7. Without --fleet it uses the
seed's reference fleet: 10 non-production environments × 8 services, 0.5 vCPU / 1 GB each, us-east-1.
A fleet file is a sandbox FleetSpec in JSON (see dev/sandbox/fleet.ts).`;

const { values } = parseArgs({
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
  process.exit(0);
}
const days = Number(values.days);
if (!Number.isInteger(days) || days < 1 || days > 60) {
  process.stderr.write(`--days must be a whole number from 1 to 60, got ${values.days}\n`);
  process.exit(2);
}
const fleet: FleetSpec = values.fleet ? (JSON.parse(readFileSync(values.fleet, 'utf8')) as FleetSpec) : referenceFleet();
const money = (n: number) => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

const tickMinutes = Number(values['tick-minutes']);
if (!Number.isInteger(tickMinutes) || tickMinutes < 1 || tickMinutes > 60) {
  process.stderr.write(`--tick-minutes must be a whole number from 1 to 60, got ${values['tick-minutes']}\n`);
  process.exit(2);
}
const report = await simulateSavings({ fleet, days, schedule: values.schedule, tickMinutes });
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
