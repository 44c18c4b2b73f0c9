import { utcDay } from '../time-format.js';
import type { DayRange } from './report.js';

const DAY_MS = 86_400_000;

/** `2026-11-23` shifted by whole UTC days. */
export function addDays(day: string, days: number): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));
}

/**
 * The days to ask Cost Explorer for today: the ones after the last final day, within the lookback (today
 * included). Null when there is nothing to ask.
 */
export function actualDaysToAsk(today: string, finalThrough: string | null, lookbackDays: number): DayRange | null {
  const lookbackFirst = addDays(today, -(lookbackDays - 1));
  const afterFinal = finalThrough ? addDays(finalThrough, 1) : lookbackFirst;
  const days = { first: afterFinal > lookbackFirst ? afterFinal : lookbackFirst, last: today };
  return days.first > days.last ? null : days;
}

/**
 * What Cost Explorer answered, settled: the last `stillBillingDays` days are estimates whatever it says, and
 * the final days are every asked day before the first one still being billed (or the previous final day when
 * none of the asked days is final).
 */
export function settleActualDays<Row extends { day: string; estimated: boolean }>(
  answered: readonly Row[],
  asked: DayRange,
  today: string,
  stillBillingDays: number,
  previousFinalThrough: string | null,
): { rows: Row[]; finalThrough: string | null } {
  const stillBillingFrom = addDays(today, -stillBillingDays);
  const rows = answered.map((row) => ({ ...row, estimated: row.estimated || row.day >= stillBillingFrom }));
  const firstOpen = rows.filter((row) => row.estimated).reduce((first, row) => (row.day < first ? row.day : first), stillBillingFrom);
  const lastFinal = addDays(firstOpen < asked.first ? asked.first : firstOpen, -1);
  return { rows, finalThrough: lastFinal >= asked.first ? lastFinal : previousFinalThrough };
}
