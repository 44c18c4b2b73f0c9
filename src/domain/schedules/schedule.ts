/**
 * The schedule language: when an environment should be up. Pure parsing, canonical formatting and Slack text;
 * the time logic lives in schedule-evaluate.ts and the AWS cron translation in schedule-aws.ts (re-exported here).
 *
 *   weekdays 09:00-19:00 Europe/Berlin
 *   mon-thu 08:00-18:00, fri 08:00-15:00 Europe/Berlin     (clauses share one trailing time zone)
 *   mon,wed,fri 09:00-17:00 Asia/Tokyo
 *   fri 22:00-02:00 UTC                                     (crosses midnight: the window belongs to Friday)
 *   always-on | always-off | business-hours                 (a name from the policy file)
 */
import { quoted } from '../bounded-text.js';
import { IANAZone } from 'luxon';
import { closestNames } from '../suggest.js';

export { isUp, nextEdge, edgesBetween, lastEdgeAtOrBefore, weeklyUpSpans } from './evaluate.js';
export type { Edge, EdgeKind, WeeklySpan } from './evaluate.js';
export { toAwsScheduledActions } from './aws-actions.js';
export type { AwsScheduledAction } from './aws-actions.js';

/** ISO weekday as luxon numbers them: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/**
 * One clause: on each of `days`, up from `startMinute` to `endMinute` local wall-clock time (minutes after
 * midnight). `endMinute` 1440 is `24:00`; an end at or before the start means the window ends the next day.
 */
export interface ScheduleWindow {
  days: Weekday[];
  startMinute: number;
  endMinute: number;
}

/** `name` is set when the schedule came from a named schedule in the policy file (the name that was typed). */
export type Schedule =
  | { kind: 'always-on'; name?: string }
  | { kind: 'always-off'; name?: string }
  | { kind: 'windows'; windows: ScheduleWindow[]; timeZone: string; name?: string };

export interface ScheduleParseError {
  message: string;
  /** The offending token as typed ('' when something is missing at the end). */
  token: string;
  /** The token's character index in the input. */
  index: number;
  /** A valid schedule to show next to the message. */
  example: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: ScheduleParseError };

const EXAMPLE = 'weekdays 09:00-19:00 Europe/Berlin';
const MULTI_CLAUSE_EXAMPLE = 'mon-thu 08:00-18:00, fri 08:00-15:00 Europe/Berlin';
const MINUTES_PER_DAY = 24 * 60;

const DAY_NAMES: Record<string, Weekday> = {
  mon: 1, monday: 1,
  tue: 2, tuesday: 2,
  wed: 3, wednesday: 3,
  thu: 4, thursday: 4,
  fri: 5, friday: 5,
  sat: 6, saturday: 6,
  sun: 7, sunday: 7,
};
const DAY_GROUPS: Record<string, Weekday[]> = {
  weekdays: [1, 2, 3, 4, 5],
  weekends: [6, 7],
  daily: [1, 2, 3, 4, 5, 6, 7],
};
const SHORT_DAY: Record<Weekday, string> = { 1: 'mon', 2: 'tue', 3: 'wed', 4: 'thu', 5: 'fri', 6: 'sat', 7: 'sun' };
const DAY_HELP = 'use mon, tue, wed, thu, fri, sat, sun (or full names), ranges like mon-fri, weekdays, weekends or daily';

interface Token {
  text: string;
  index: number;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; error: ScheduleParseError };

function fail<T>(message: string, token: string, index: number, example = EXAMPLE): Parsed<T> {
  return { ok: false, error: { message, token, index, example } };
}

/** Words and commas, each with its position, so errors can point at exactly what was typed. */
function tokenize(text: string): Token[] {
  return [...text.matchAll(/,|[^\s,]+/g)].map((match) => ({ text: match[0], index: match.index }));
}

/** No schedule is longer (a command is at most 1,000 characters, a tag value 256): longer text is refused unread. */
export const MAX_SCHEDULE_TEXT = 1000;

export function parseSchedule(text: string, named: Record<string, string> = {}): ParseResult<Schedule> {
  if (text.length > MAX_SCHEDULE_TEXT) return fail(`the schedule is longer than ${MAX_SCHEDULE_TEXT} characters`, '', 0);
  const tokens = tokenize(text);
  const [first] = tokens;
  if (!first) return fail('the schedule is empty', '', 0);
  if (tokens.length === 1) {
    const keyword = asKeyword(first.text);
    if (keyword) return { ok: true, value: { kind: keyword } };
    const name = findName(first.text, named);
    if (name !== null) return expandName(name, first, named);
    if (!isDaySpec(first.text)) {
      const nearby = closestNames(first.text, ['always-on', 'always-off', ...Object.keys(named)]);
      const hint = nearby.length > 0 ? ` (did you mean ${nearby.map((n) => `\`${n}\``).join(', ')}?)` : '';
      return fail(`\`${quoted(first.text)}\` is not a schedule: expected days, a time window and a time zone, always-on, always-off or a named schedule${hint}`, first.text, first.index);
    }
  }
  return parseWindows(tokens, text);
}

function asKeyword(text: string): 'always-on' | 'always-off' | null {
  const word = text.toLowerCase();
  return word === 'always-on' || word === 'always-off' ? word : null;
}

/** Policy names are matched exactly first, then ignoring case, so `Business-Hours` still finds `business-hours`. */
function findName(typed: string, named: Record<string, string>): string | null {
  if (Object.hasOwn(named, typed)) return typed;
  return Object.keys(named).find((name) => name.toLowerCase() === typed.toLowerCase()) ?? null;
}

/**
 * A named schedule's text may itself be just another name (`default: business-hours`); follow such aliases,
 * refusing loops, then parse the text they end at. Errors point at the name the user typed.
 */
function expandName(name: string, at: Token, named: Record<string, string>): ParseResult<Schedule> {
  const chain = [name];
  let text = named[name] ?? '';
  for (;;) {
    const tokens = tokenize(text);
    const only = tokens.length === 1 ? tokens[0] : undefined;
    const alias = only && !asKeyword(only.text) ? findName(only.text, named) : null;
    if (alias === null) break;
    if (chain.includes(alias)) {
      const loop = [...chain, alias].map((n) => `\`${n}\``).join(' → ');
      return fail(`named schedule \`${quoted(name)}\` refers to itself: ${loop}`, at.text, at.index);
    }
    chain.push(alias);
    text = named[alias] ?? '';
  }
  const inner = parseSchedule(text, named);
  if (!inner.ok) {
    const via = chain.length > 1 ? ` (through \`${chain[chain.length - 1]}\`)` : '';
    return fail(`named schedule \`${quoted(name)}\`${via} is invalid: ${inner.error.message}`, at.text, at.index, inner.error.example);
  }
  return { ok: true, value: { ...inner.value, name } };
}

function parseWindows(tokens: Token[], text: string): ParseResult<Schedule> {
  const windows: ScheduleWindow[] = [];
  let position = 0;
  for (;;) {
    const days = parseDays(tokens, position);
    if (!days.ok) return days;
    position = days.value.next;

    const timeToken = tokens[position];
    const previous = tokens[position - 1];
    if (!timeToken) return fail(`expected a time window \`HH:MM-HH:MM\` after \`${quoted(previous?.text ?? '')}\``, '', text.length);
    const time = parseTimeRange(timeToken);
    if (!time.ok) return time;
    windows.push({ days: days.value.days, ...time.value });
    position += 1;

    const after = tokens[position];
    if (!after) {
      return fail(`a time zone is required after \`${quoted(timeToken.text)}\`, e.g. \`Europe/Berlin\` or \`UTC\``, '', text.length);
    }
    if (after.text === ',') {
      position += 1;
      if (!tokens[position]) return fail('expected another clause after `,`', '', text.length, MULTI_CLAUSE_EXAMPLE);
      continue;
    }
    if (position === tokens.length - 1) {
      const timeZone = parseTimeZone(after);
      if (!timeZone.ok) return timeZone;
      return { ok: true, value: { kind: 'windows', windows, timeZone: timeZone.value } };
    }
    if (IANAZone.isValidZone(after.text)) {
      return fail('the time zone goes once, at the end, and applies to every clause', after.text, after.index, MULTI_CLAUSE_EXAMPLE);
    }
    return fail(`expected \`,\` before the next clause or a time zone at the end, got \`${quoted(after.text)}\``, after.text, after.index, MULTI_CLAUSE_EXAMPLE);
  }
}

/** A day list: items (`mon`, `mon-thu`, `weekdays`) separated by commas, up to the time window. */
function parseDays(tokens: Token[], start: number): Parsed<{ days: Weekday[]; next: number }> {
  const days = new Set<Weekday>();
  let position = start;
  for (;;) {
    const token = tokens[position];
    if (!token) {
      const previous = tokens[position - 1];
      return fail(`expected a day after \`${quoted(previous?.text ?? '')}\``, '', (previous?.index ?? 0) + (previous?.text.length ?? 0));
    }
    const afterComma = position > start;
    if (afterComma && /^\d/.test(token.text)) {
      return fail(`expected another day after \`,\`, got the time window \`${quoted(token.text)}\``, token.text, token.index);
    }
    const item = parseDayItem(token);
    if (!item.ok) return item;
    item.value.forEach((day) => days.add(day));
    position += 1;
    if (tokens[position]?.text !== ',') break;
    position += 1;
  }
  return { ok: true, value: { days: [...days].sort((a, b) => a - b), next: position } };
}

function parseDayItem(token: Token): Parsed<Weekday[]> {
  const word = token.text.toLowerCase();
  const group = DAY_GROUPS[word];
  if (group) return { ok: true, value: [...group] };
  const single = DAY_NAMES[word];
  if (single) return { ok: true, value: [single] };
  if (token.text === ',') return fail(`expected a day, got \`,\`: ${DAY_HELP}`, token.text, token.index);
  if (/^\d/.test(token.text)) return fail(`expected days before the time window \`${quoted(token.text)}\`: ${DAY_HELP}`, token.text, token.index);

  const parts = token.text.split('-');
  if (parts.length !== 2) return fail(`\`${quoted(token.text)}\` is not a day: ${DAY_HELP}`, token.text, token.index);
  const [fromText = '', toText = ''] = parts;
  const from = DAY_NAMES[fromText.toLowerCase()];
  if (!from) return fail(`unknown day \`${quoted(fromText)}\`: ${DAY_HELP}`, fromText, token.index);
  const to = DAY_NAMES[toText.toLowerCase()];
  const toIndex = token.index + fromText.length + 1;
  if (!to) return fail(`unknown day \`${quoted(toText)}\`: ${DAY_HELP}`, toText, toIndex);
  // Ranges may wrap the week: `fri-mon` is fri, sat, sun, mon.
  const days: Weekday[] = [];
  for (let day = from; ; day = ((day % 7) + 1) as Weekday) {
    days.push(day);
    if (day === to) break;
  }
  return { ok: true, value: days };
}

function isDaySpec(text: string): boolean {
  return parseDayItem({ text, index: 0 }).ok;
}

function parseTimeRange(token: Token): Parsed<{ startMinute: number; endMinute: number }> {
  const match = /^(\d{1,2}:\d{2})-(\d{1,2}:\d{2})$/.exec(token.text);
  if (!match) {
    return fail(`\`${quoted(token.text)}\` is not a time window: expected \`HH:MM-HH:MM\`, e.g. \`09:00-19:00\``, token.text, token.index);
  }
  const [, startText = '', endText = ''] = match;
  const startMinute = parseTimeOfDay(startText, false);
  if (startMinute === null) return fail(`\`${quoted(startText)}\` is not a start time: expected 00:00 to 23:59`, startText, token.index);
  const endMinute = parseTimeOfDay(endText, true);
  const endIndex = token.index + startText.length + 1;
  if (endMinute === null) return fail(`\`${quoted(endText)}\` is not an end time: expected 00:00 to 24:00`, endText, endIndex);
  if (endMinute === startMinute) {
    return fail(`\`${quoted(token.text)}\` is an empty window (for a whole day use \`00:00-24:00\`)`, token.text, token.index);
  }
  return { ok: true, value: { startMinute, endMinute } };
}

function parseTimeOfDay(text: string, allowMidnightEnd: boolean): number | null {
  const [hours = NaN, minutes = NaN] = text.split(':').map(Number);
  if (allowMidnightEnd && hours === 24 && minutes === 0) return MINUTES_PER_DAY;
  if (!(hours >= 0 && hours <= 23 && minutes >= 0 && minutes <= 59)) return null;
  return hours * 60 + minutes;
}

function parseTimeZone(token: Token): Parsed<string> {
  if (!IANAZone.isValidZone(token.text)) {
    return fail(`\`${quoted(token.text)}\` is not an IANA time zone (e.g. \`Europe/Berlin\`, \`America/New_York\`, \`UTC\`)`, token.text, token.index);
  }
  // Intl accepts any casing; keep the canonical spelling (AWS wants it) unless Intl maps it to another alias.
  const canonical = new Intl.DateTimeFormat('en-US', { timeZone: token.text }).resolvedOptions().timeZone;
  return { ok: true, value: canonical.toLowerCase() === token.text.toLowerCase() ? canonical : token.text };
}

/** Canonical text, parseable without the policy's names (a named schedule is written out in full). */
export function formatSchedule(schedule: Schedule): string {
  if (schedule.kind !== 'windows') return schedule.kind;
  const clauses = schedule.windows.map((window) => `${formatDays(window.days)} ${formatTime(window.startMinute)}-${formatTime(window.endMinute)}`);
  return `${clauses.join(', ')} ${schedule.timeZone}`;
}

/** Text for Slack: `weekdays 09:00–19:00 Europe/Berlin`, prefixed by the policy name when there is one. */
export function describeSchedule(schedule: Schedule): string {
  const text =
    schedule.kind === 'always-on'
      ? 'always on'
      : schedule.kind === 'always-off'
        ? 'always off'
        : `${schedule.windows.map(describeWindow).join(', ')} ${schedule.timeZone}`;
  return schedule.name ? `${schedule.name} (${text})` : text;
}

function describeWindow(window: ScheduleWindow): string {
  const overnight = window.endMinute <= window.startMinute ? ' (overnight)' : '';
  return `${formatDays(window.days)} ${formatTime(window.startMinute)}–${formatTime(window.endMinute)}${overnight}`;
}

function formatTime(minuteOfDay: number): string {
  const hours = Math.floor(minuteOfDay / 60);
  const minutes = minuteOfDay % 60;
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

/** Shortest readable day list: the group names, else runs of three or more as ranges (`mon-wed,fri`). */
function formatDays(days: readonly Weekday[]): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  for (const [group, members] of Object.entries(DAY_GROUPS)) {
    if (members.length === sorted.length && members.every((day, i) => sorted[i] === day)) return group;
  }
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let end = i;
    while (end + 1 < sorted.length && sorted[end + 1] === (sorted[end] ?? 0) + 1) end += 1;
    const first = sorted[i] as Weekday;
    const last = sorted[end] as Weekday;
    if (end - i >= 2) parts.push(`${SHORT_DAY[first]}-${SHORT_DAY[last]}`);
    else for (let k = i; k <= end; k += 1) parts.push(SHORT_DAY[sorted[k] as Weekday]);
    i = end + 1;
  }
  return parts.join(',');
}
