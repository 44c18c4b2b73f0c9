import { utcDay, utcMinute, utcTime } from '../../domain/time-format.js';

/** Slack's date token: each reader sees the moment in their own time zone; clients that cannot, the fallback. */
function dateToken(at: Date | string, format: string, fallback: string): string {
  return `<!date^${Math.floor(new Date(at).getTime() / 1000)}^${format}|${fallback}>`;
}

/** The time of day in the reader's zone; `14:02 UTC` where it cannot be shown so. */
export function slackTime(at: Date | string): string {
  return dateToken(at, '{time}', `${utcTime(at)} UTC`);
}

/** The day and time in the reader's zone ("Tomorrow 14:02"); `2026-11-23 14:02 UTC` where it cannot be shown so. */
export function slackDayTime(at: Date | string): string {
  return dateToken(at, '{date_short_pretty} {time}', `${utcMinute(at)} UTC`);
}

/** The day in the reader's zone ("Nov 23, 2026"); `2026-11-23` where it cannot be shown so. */
export function slackDay(at: Date | string): string {
  return dateToken(at, '{date_short}', utcDay(at));
}
