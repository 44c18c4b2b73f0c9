/**
 * When a schedule wants an environment up, as instants. Windows are local wall-clock times in the schedule's
 * zone; luxon does the zone arithmetic. The desired state is a step function defined by its edges, and isUp is
 * derived from the same edges, so the reconciler never sees a state change without an edge.
 *
 * Daylight-saving rules:
 * - A local time that does not exist (02:30 on a spring-forward day in Europe/Berlin) is shifted forward by the
 *   gap, as luxon does (02:30 → 03:30 CEST): a window 02:15-02:45 runs 03:15-03:45 that day, 02:30-04:00 runs
 *   03:30-04:00, and 02:30-03:00 does not run at all (it would end before it starts). A down-time between two
 *   windows that lies entirely in the missing hour disappears (the windows merge).
 * - A local time that occurs twice (02:30 on a fall-back day) means its first occurrence (02:30 CEST); the
 *   repeated hour never produces a second edge.
 * - Windows therefore last their wall-clock length, except when they span the change itself (one hour more or
 *   less that night).
 */
import { DateTime, IANAZone } from 'luxon';
import type { Schedule, ScheduleWindow } from './schedule.js';

export type EdgeKind = 'up' | 'down';

/** An instant where the desired state flips: `up` starts a window, `down` ends one. */
export interface Edge {
  at: Date;
  kind: EdgeKind;
}

/** A span of the local week in minutes after Monday 00:00; `end` may pass the week's end and wrap into Monday. */
export interface WeeklySpan {
  start: number;
  end: number;
}

const MINUTES_PER_DAY = 24 * 60;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = MINUTES_PER_DAY * MS_PER_MINUTE;
const MS_PER_WEEK = 7 * MS_PER_DAY;
/** Any schedule with windows has an edge within a week; a DST gap can swallow one, so look a few weeks. */
const SEARCH_CHUNK_MS = 8 * MS_PER_DAY;
const SEARCH_CHUNKS = 6;
/** More than any daylight-saving shift (at most two hours anywhere). */
const NEARBY_MS = 6 * 60 * MS_PER_MINUTE;

interface Interval {
  start: number;
  end: number;
}

/**
 * The up-windows merged on the weekly circle (overlapping and touching windows become one, so
 * `mon 08:00-18:00, mon 18:00-20:00` has no edge at 18:00). `'always'` when they cover the whole week.
 */
export function weeklyUpSpans(windows: readonly ScheduleWindow[]): WeeklySpan[] | 'always' {
  const spans: WeeklySpan[] = windows
    .flatMap((window) =>
      window.days.map((day) => {
        const start = (day - 1) * MINUTES_PER_DAY + window.startMinute;
        const length = window.endMinute > window.startMinute ? window.endMinute - window.startMinute : window.endMinute + MINUTES_PER_DAY - window.startMinute;
        return { start, end: start + length };
      }),
    )
    .sort((a, b) => a.start - b.start);

  const merged: WeeklySpan[] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  // A span running past Sunday midnight may reach into the first spans of the week.
  for (;;) {
    const first = merged[0];
    const last = merged[merged.length - 1];
    if (!first || !last || merged.length < 2 || last.end - MINUTES_PER_WEEK < first.start) break;
    last.end = Math.max(last.end, first.end + MINUTES_PER_WEEK);
    merged.shift();
  }
  if (merged.some((span) => span.end - span.start >= MINUTES_PER_WEEK)) return 'always';
  return merged;
}

export function isUp(schedule: Schedule, at: Date): boolean {
  if (schedule.kind !== 'windows') return schedule.kind === 'always-on';
  const spans = weeklyUpSpans(schedule.windows);
  if (spans === 'always') return true;
  const ms = at.getTime();
  return upIntervals(spans, schedule.timeZone, ms, ms).some((interval) => interval.start <= ms && ms < interval.end);
}

/** Edges with `from < at <= to`, in order: what a reconciler that was down over that span has missed. */
export function edgesBetween(schedule: Schedule, from: Date, to: Date): Edge[] {
  if (schedule.kind !== 'windows') return [];
  const spans = weeklyUpSpans(schedule.windows);
  if (spans === 'always') return [];
  const fromMs = from.getTime();
  const toMs = to.getTime();
  if (toMs <= fromMs) return [];
  const edges: Edge[] = [];
  for (const interval of upIntervals(spans, schedule.timeZone, fromMs, toMs)) {
    if (interval.start > fromMs && interval.start <= toMs) edges.push({ at: new Date(interval.start), kind: 'up' });
    if (interval.end > fromMs && interval.end <= toMs) edges.push({ at: new Date(interval.end), kind: 'down' });
  }
  return edges;
}

/** The first edge strictly after `after`; null when the desired state never changes. */
export function nextEdge(schedule: Schedule, after: Date): Edge | null {
  for (let chunk = 0; chunk < SEARCH_CHUNKS; chunk += 1) {
    const from = after.getTime() + chunk * SEARCH_CHUNK_MS;
    const [edge] = edgesBetween(schedule, new Date(from), new Date(from + SEARCH_CHUNK_MS));
    if (edge) return edge;
  }
  return null;
}

/** The latest edge at or before `at`: the state the reconciler should have established last. */
export function lastEdgeAtOrBefore(schedule: Schedule, at: Date): Edge | null {
  for (let chunk = 0; chunk < SEARCH_CHUNKS; chunk += 1) {
    const to = at.getTime() - chunk * SEARCH_CHUNK_MS;
    const edges = edgesBetween(schedule, new Date(to - SEARCH_CHUNK_MS), new Date(to));
    const edge = edges[edges.length - 1];
    if (edge) return edge;
  }
  return null;
}

/**
 * Up-intervals as instants, merged, covering at least [fromMs, toMs]: every weekly span is placed in each local
 * week from the one before `fromMs` (a span can run up to a week past its start) to the one containing `toMs`
 * (spans starting later cannot change any edge at or before `toMs`).
 */
function upIntervals(spans: readonly WeeklySpan[], timeZone: string, fromMs: number, toMs: number): Interval[] {
  const zone = IANAZone.create(timeZone);
  if (!zone.isValid) throw new Error(`not an IANA time zone: ${timeZone}`);
  // Cheap filter before asking luxon: a span's rough instant, using today's offset, is off by at most a DST
  // shift. Occurrences further away cannot contain the range or merge (through a DST gap) with one that does.
  const roughOffsetMs = zone.offset(fromMs) * MS_PER_MINUTE;
  const lastMonday = localMondayOf(toMs, zone);
  const occurrences: Interval[] = [];
  for (let monday = localMondayOf(fromMs, zone) - MS_PER_WEEK; monday <= lastMonday; monday += MS_PER_WEEK) {
    for (const span of spans) {
      const roughStart = monday + span.start * MS_PER_MINUTE - roughOffsetMs;
      const roughEnd = monday + span.end * MS_PER_MINUTE - roughOffsetMs;
      if (roughStart - NEARBY_MS > toMs || roughEnd + NEARBY_MS < fromMs) continue;
      const start = instantOfWeekMinute(monday, span.start, zone);
      const end = instantOfWeekMinute(monday, span.end, zone);
      // Empty when the window would end before it starts after a spring-forward shift.
      if (end > start) occurrences.push({ start, end });
    }
  }
  occurrences.sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const occurrence of occurrences) {
    const last = merged[merged.length - 1];
    // Touching or overlapping after DST resolution: one interval, no down/up pair at the same instant.
    if (last && occurrence.start <= last.end) last.end = Math.max(last.end, occurrence.end);
    else merged.push({ ...occurrence });
  }
  return merged;
}

/** Monday 00:00 of the local week containing `ms`, as the UTC timestamp of that calendar date (zone-free). */
function localMondayOf(ms: number, zone: IANAZone): number {
  const local = DateTime.fromMillis(ms, { zone });
  return Date.UTC(local.year, local.month - 1, local.day) - (local.weekday - 1) * MS_PER_DAY;
}

/** `mondayAsUtc` is a calendar date as UTC midnight, so adding whole days is plain arithmetic. */
function instantOfWeekMinute(mondayAsUtc: number, weekMinute: number, zone: IANAZone): number {
  const date = new Date(mondayAsUtc + Math.floor(weekMinute / MINUTES_PER_DAY) * MS_PER_DAY);
  const minuteOfDay = weekMinute % MINUTES_PER_DAY;
  const local = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour: Math.floor(minuteOfDay / 60), minute: minuteOfDay % 60 };
  return instantOfLocalTime(local, zone);
}

/** The instant of a local wall-clock time: nonexistent → shifted forward by the gap; ambiguous → first occurrence. */
function instantOfLocalTime(local: { year: number; month: number; day: number; hour: number; minute: number }, zone: IANAZone): number {
  const resolved = DateTime.fromObject(local, { zone });
  const ms = resolved.toMillis();
  // luxon picks the later of two occurrences; if the offset a few hours earlier also yields this wall-clock
  // time, that earlier instant is the first occurrence.
  const earlierOffset = zone.offset(ms - 6 * 60 * MS_PER_MINUTE);
  if (earlierOffset > resolved.offset) {
    const firstOccurrence = ms - (earlierOffset - resolved.offset) * MS_PER_MINUTE;
    if (zone.offset(firstOccurrence) === earlierOffset) return firstOccurrence;
  }
  return ms;
}
