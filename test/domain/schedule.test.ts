import { describe, expect, it } from 'vitest';
import { describeSchedule, formatSchedule, parseSchedule } from '../../src/domain/schedules/schedule.js';
import type { Schedule } from '../../src/domain/schedules/schedule.js';

function parsed(text: string, named?: Record<string, string>): Schedule {
  const result = parseSchedule(text, named);
  if (!result.ok) throw new Error(`expected ${text} to parse: ${result.error.message}`);
  return result.value;
}

const POLICY_NAMES = {
  'business-hours': 'weekdays 09:00-19:00 Europe/Berlin',
  'us-hours': 'mon-fri 08:00-18:00 America/New_York',
  default: 'business-hours',
  parked: 'always-off',
  broken: 'weekdays 9-19 Europe/Berlin',
  'loop-a': 'loop-b',
  'loop-b': 'loop-a',
};

describe('parseSchedule: what parses', () => {
  it.each<[string, Schedule]>([
    ['weekdays 09:00-19:00 Europe/Berlin', { kind: 'windows', timeZone: 'Europe/Berlin', windows: [{ days: [1, 2, 3, 4, 5], startMinute: 540, endMinute: 1140 }] }],
    ['weekends 10:00-14:00 UTC', { kind: 'windows', timeZone: 'UTC', windows: [{ days: [6, 7], startMinute: 600, endMinute: 840 }] }],
    ['daily 08:00-20:00 America/New_York', { kind: 'windows', timeZone: 'America/New_York', windows: [{ days: [1, 2, 3, 4, 5, 6, 7], startMinute: 480, endMinute: 1200 }] }],
    [
      'mon-thu 08:00-18:00, fri 08:00-15:00 Europe/Berlin',
      {
        kind: 'windows',
        timeZone: 'Europe/Berlin',
        windows: [
          { days: [1, 2, 3, 4], startMinute: 480, endMinute: 1080 },
          { days: [5], startMinute: 480, endMinute: 900 },
        ],
      },
    ],
    ['mon,wed,fri 09:00-17:00 Asia/Tokyo', { kind: 'windows', timeZone: 'Asia/Tokyo', windows: [{ days: [1, 3, 5], startMinute: 540, endMinute: 1020 }] }],
    ['Monday, WEDNESDAY 09:00-17:00 UTC', { kind: 'windows', timeZone: 'UTC', windows: [{ days: [1, 3], startMinute: 540, endMinute: 1020 }] }],
    ['fri-mon 10:00-12:00 UTC', { kind: 'windows', timeZone: 'UTC', windows: [{ days: [1, 5, 6, 7], startMinute: 600, endMinute: 720 }] }],
    ['fri 22:00-02:00 UTC', { kind: 'windows', timeZone: 'UTC', windows: [{ days: [5], startMinute: 1320, endMinute: 120 }] }],
    ['sat 18:00-24:00 UTC', { kind: 'windows', timeZone: 'UTC', windows: [{ days: [6], startMinute: 1080, endMinute: 1440 }] }],
    ['  mon   8:05-9:30   utc ', { kind: 'windows', timeZone: 'UTC', windows: [{ days: [1], startMinute: 485, endMinute: 570 }] }],
    ['always-on', { kind: 'always-on' }],
    ['ALWAYS-OFF', { kind: 'always-off' }],
  ])('parses %j', (text, schedule) => {
    expect(parseSchedule(text)).toEqual({ ok: true, value: schedule });
  });

  it('canonicalises the spelling of the time zone', () => {
    expect(parsed('weekdays 09:00-19:00 europe/berlin')).toMatchObject({ timeZone: 'Europe/Berlin' });
  });

  it('looks up named schedules from the policy, remembering the name that was typed', () => {
    expect(parsed('business-hours', POLICY_NAMES)).toEqual({ ...parsed('weekdays 09:00-19:00 Europe/Berlin'), name: 'business-hours' });
    expect(parsed('Business-Hours', POLICY_NAMES)).toMatchObject({ name: 'business-hours', timeZone: 'Europe/Berlin' });
    expect(parsed('parked', POLICY_NAMES)).toEqual({ kind: 'always-off', name: 'parked' });
  });

  it('follows a name that is an alias for another name', () => {
    expect(parsed('default', POLICY_NAMES)).toMatchObject({ name: 'default', kind: 'windows', timeZone: 'Europe/Berlin' });
  });
});

describe('parseSchedule: errors point at the token and show an example', () => {
  it.each<[string, string, string, number]>([
    ['weekdays 9-19 Europe/Berlin', '`9-19` is not a time window: expected `HH:MM-HH:MM`, e.g. `09:00-19:00`', '9-19', 9],
    ['mon-fuu 09:00-17:00 UTC', 'unknown day `fuu`', 'fuu', 4],
    ['fuu-fri 09:00-17:00 UTC', 'unknown day `fuu`', 'fuu', 0],
    ['mon,tue,wdd 09:00-17:00 UTC', '`wdd` is not a day', 'wdd', 8],
    ['weekdays 09:00-19:00 Europe/Berlinn', '`Europe/Berlinn` is not an IANA time zone (e.g. `Europe/Berlin`, `America/New_York`, `UTC`)', 'Europe/Berlinn', 21],
    ['weekdays 09:00-19:00', 'a time zone is required after `09:00-19:00`, e.g. `Europe/Berlin` or `UTC`', '', 20],
    ['weekdays Europe/Berlin', '`Europe/Berlin` is not a time window', 'Europe/Berlin', 9],
    ['weekdays', 'expected a time window `HH:MM-HH:MM` after `weekdays`', '', 8],
    ['09:00-17:00 UTC', 'expected days before the time window `09:00-17:00`', '09:00-17:00', 0],
    ['mon 25:00-26:00 UTC', '`25:00` is not a start time', '25:00', 4],
    ['mon 09:00-09:60 UTC', '`09:60` is not an end time', '09:60', 10],
    ['mon 24:00-02:00 UTC', '`24:00` is not a start time', '24:00', 4],
    ['mon 09:00-09:00 UTC', '`09:00-09:00` is an empty window (for a whole day use `00:00-24:00`)', '09:00-09:00', 4],
    ['mon 08:00-18:00 fri 08:00-15:00 UTC', 'expected `,` before the next clause or a time zone at the end, got `fri`', 'fri', 16],
    ['mon 08:00-18:00 UTC, fri 08:00-15:00 UTC', 'the time zone goes once, at the end, and applies to every clause', 'UTC', 16],
    ['mon 08:00-18:00,', 'expected another clause after `,`', '', 16],
    ['mon, 09:00-17:00 UTC', 'expected another day after `,`, got the time window `09:00-17:00`', '09:00-17:00', 5],
    ['', 'the schedule is empty', '', 0],
    ['alwayson', '`alwayson` is not a schedule', 'alwayson', 0],
  ])('%j', (text, message, token, index) => {
    const result = parseSchedule(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toContain(message);
    expect(result.error).toMatchObject({ token, index });
    expect(text.slice(index, index + token.length)).toBe(token);
    expect(parseSchedule(result.error.example).ok).toBe(true);
  });

  it('lists the allowed day names when a day is unknown', () => {
    const result = parseSchedule('mon-fuu 09:00-17:00 UTC');
    expect(result).toMatchObject({ ok: false, error: { message: expect.stringContaining('mon, tue, wed, thu, fri, sat, sun') } });
  });

  it('suggests the closest named schedule for a typo', () => {
    expect(parseSchedule('buisness-hours', POLICY_NAMES)).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('did you mean `business-hours`'), token: 'buisness-hours', index: 0 },
    });
  });

  it('reports an invalid named schedule at the name that was typed', () => {
    expect(parseSchedule('broken', POLICY_NAMES)).toEqual({
      ok: false,
      error: {
        message: 'named schedule `broken` is invalid: `9-19` is not a time window: expected `HH:MM-HH:MM`, e.g. `09:00-19:00`',
        token: 'broken',
        index: 0,
        example: 'weekdays 09:00-19:00 Europe/Berlin',
      },
    });
  });

  it('refuses named schedules that refer to each other in a loop', () => {
    expect(parseSchedule('loop-a', POLICY_NAMES)).toMatchObject({
      ok: false,
      error: { message: 'named schedule `loop-a` refers to itself: `loop-a` → `loop-b` → `loop-a`', token: 'loop-a', index: 0 },
    });
  });
});

describe('formatSchedule', () => {
  it.each([
    ['weekdays 09:00-19:00 Europe/Berlin', 'weekdays 09:00-19:00 Europe/Berlin'],
    ['MON-THU 8:00-18:00,fri 08:00-15:00 europe/berlin', 'mon-thu 08:00-18:00, fri 08:00-15:00 Europe/Berlin'],
    ['saturday,sunday 10:00-14:00 UTC', 'weekends 10:00-14:00 UTC'],
    ['mon-sun 08:00-20:00 UTC', 'daily 08:00-20:00 UTC'],
    ['fri,mon,wed 09:00-17:00 Asia/Tokyo', 'mon,wed,fri 09:00-17:00 Asia/Tokyo'],
    ['fri-tue 09:00-17:00 UTC', 'mon,tue,fri-sun 09:00-17:00 UTC'],
    ['fri 22:00-02:00 UTC', 'fri 22:00-02:00 UTC'],
    ['always-on', 'always-on'],
    ['always-off', 'always-off'],
  ])('writes %j as %j', (text, canonical) => {
    expect(formatSchedule(parsed(text))).toBe(canonical);
  });

  it.each([
    'weekdays 09:00-19:00 Europe/Berlin',
    'mon-thu 08:00-18:00, fri 08:00-15:00 Europe/Berlin',
    'mon,wed,fri 09:00-17:00 Asia/Tokyo',
    'tue,thu 07:30-23:59, sun 00:00-24:00 America/New_York',
    'fri-mon 22:00-02:00 UTC',
    'always-on',
    'always-off',
  ])('round-trips %j', (text) => {
    const schedule = parsed(text);
    expect(parsed(formatSchedule(schedule))).toEqual(schedule);
  });

  it('writes a named schedule out in full, so the text parses without the policy', () => {
    const schedule = parsed('business-hours', POLICY_NAMES);
    expect(formatSchedule(schedule)).toBe('weekdays 09:00-19:00 Europe/Berlin');
    expect(parsed(formatSchedule(schedule))).toEqual({ ...schedule, name: undefined });
  });
});

describe('describeSchedule', () => {
  it.each([
    ['weekdays 09:00-19:00 Europe/Berlin', 'weekdays 09:00–19:00 Europe/Berlin'],
    ['mon-thu 08:00-18:00, fri 08:00-15:00 Europe/Berlin', 'mon-thu 08:00–18:00, fri 08:00–15:00 Europe/Berlin'],
    ['fri 22:00-02:00 UTC', 'fri 22:00–02:00 (overnight) UTC'],
    ['always-on', 'always on'],
    ['always-off', 'always off'],
  ])('describes %j as %j', (text, description) => {
    expect(describeSchedule(parsed(text))).toBe(description);
  });

  it('names the policy schedule it came from', () => {
    expect(describeSchedule(parsed('business-hours', POLICY_NAMES))).toBe('business-hours (weekdays 09:00–19:00 Europe/Berlin)');
  });
});
