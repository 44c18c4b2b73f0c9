/**
 * How dockhand writes a moment for people: always in UTC, to the minute. A string is taken as the ISO 8601
 * UTC timestamp the stores keep and read as written, so what is shown is what was stored.
 */
type Moment = Date | string;

function iso(at: Moment): string {
  return typeof at === 'string' ? at : at.toISOString();
}

/** `2026-11-23 14:02` */
export function utcMinute(at: Moment): string {
  return iso(at).slice(0, 16).replace('T', ' ');
}

/** `14:02` */
export function utcTime(at: Moment): string {
  return iso(at).slice(11, 16);
}

/** `2026-11-23` */
export function utcDay(at: Moment): string {
  return iso(at).slice(0, 10);
}

/** `11-23 14:02` */
export function utcMonthDayTime(at: Moment): string {
  return `${iso(at).slice(5, 10)} ${utcTime(at)}`;
}
