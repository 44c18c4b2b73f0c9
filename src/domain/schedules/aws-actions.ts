/**
 * Native mode: a schedule as Application Auto Scaling scheduled actions, so it holds while the bot is down.
 * AWS cron has six fields, `cron(minutes hours day-of-month month day-of-week year)`, with `?` in
 * day-of-month when day-of-week is set. AWS numbers days SUN=1 … SAT=7 and a range cannot wrap past Saturday,
 * so days are listed Sunday first (`SUN,SAT` rather than `SAT-SUN`).
 *
 * AWS evaluates the cron in `timezone` and handles daylight saving itself; for local times that do not exist
 * or occur twice it follows its own rules, which may differ from schedule-evaluate.ts by that one hour.
 */
import type { Schedule, Weekday } from './schedule.js';
import { weeklyUpSpans } from './evaluate.js';

export interface AwsScheduledAction {
  /** Stable and deterministic, e.g. `dockhand-up-0900-mon-fri`, so a repair can diff by name. */
  name: string;
  /** e.g. `cron(0 9 ? * MON-FRI *)` */
  schedule: string;
  timezone: string;
  kind: 'up' | 'down';
}

const MINUTES_PER_DAY = 24 * 60;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
/** ISO weekdays in AWS order, Sunday first. */
const AWS_DAY_ORDER: readonly Weekday[] = [7, 1, 2, 3, 4, 5, 6];
const AWS_DAY_NAME: Record<Weekday, string> = { 1: 'MON', 2: 'TUE', 3: 'WED', 4: 'THU', 5: 'FRI', 6: 'SAT', 7: 'SUN' };

/**
 * One action per distinct (local time, kind), its days grouped, from the merged windows (so touching windows
 * produce no down/up pair). always-on, always-off and windows covering the whole week have no edges and give
 * an empty list: the caller sets the capacity once (up or parked) instead of scheduling it.
 */
export function toAwsScheduledActions(schedule: Schedule): AwsScheduledAction[] {
  if (schedule.kind !== 'windows') return [];
  const spans = weeklyUpSpans(schedule.windows);
  if (spans === 'always') return [];

  // Insertion order follows the spans through the week (each span's up, then its down): deterministic.
  const groups = new Map<string, { kind: 'up' | 'down'; minuteOfDay: number; days: Set<Weekday> }>();
  const addEdge = (kind: 'up' | 'down', weekMinute: number) => {
    const wrapped = weekMinute % MINUTES_PER_WEEK;
    const minuteOfDay = wrapped % MINUTES_PER_DAY;
    const day = (Math.floor(wrapped / MINUTES_PER_DAY) + 1) as Weekday;
    const key = `${kind}-${minuteOfDay}`;
    const group = groups.get(key) ?? { kind, minuteOfDay, days: new Set<Weekday>() };
    group.days.add(day);
    groups.set(key, group);
  };
  for (const span of spans) {
    addEdge('up', span.start);
    addEdge('down', span.end);
  }

  return [...groups.values()].map((group) => {
      const hours = Math.floor(group.minuteOfDay / 60);
      const minutes = group.minuteOfDay % 60;
      const runs = dayRuns(group.days);
      const cronDays = runs === 'all' ? '*' : runs.map((run) => formatRun(run, ',')).join(',');
      const nameDays = runs === 'all' ? 'daily' : runs.map((run) => formatRun(run, '_').toLowerCase()).join('_');
      const clock = `${String(hours).padStart(2, '0')}${String(minutes).padStart(2, '0')}`;
      return {
        name: `dockhand-${group.kind}-${clock}-${nameDays}`,
        schedule: `cron(${minutes} ${hours} ? * ${cronDays} *)`,
        timezone: schedule.timeZone,
        kind: group.kind,
      };
    });
}

/** Consecutive days in AWS order; `'all'` for the whole week (cron `*`). */
function dayRuns(days: ReadonlySet<Weekday>): Weekday[][] | 'all' {
  if (days.size === 7) return 'all';
  const runs: Weekday[][] = [];
  let current: Weekday[] = [];
  for (const day of AWS_DAY_ORDER) {
    if (days.has(day)) {
      current.push(day);
      continue;
    }
    if (current.length > 0) runs.push(current);
    current = [];
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

/** A run of three or more days is a range (`MON-FRI`); shorter runs are listed. */
function formatRun(run: readonly Weekday[], separator: string): string {
  const first = run[0];
  const last = run[run.length - 1];
  if (run.length > 2 && first && last) return `${AWS_DAY_NAME[first]}-${AWS_DAY_NAME[last]}`;
  return run.map((day) => AWS_DAY_NAME[day]).join(separator);
}
