import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { edgesBetween, isUp, lastEdgeAtOrBefore, nextEdge, parseSchedule } from '../../src/domain/schedules/schedule.js';
import type { Edge, Schedule } from '../../src/domain/schedules/schedule.js';

function parsed(text: string): Schedule {
  const result = parseSchedule(text);
  if (!result.ok) throw new Error(`expected ${text} to parse: ${result.error.message}`);
  return result.value;
}

/** Edges as `kind ISO-instant` strings: failures then show exactly which edge is off and by how much. */
function edgeList(edges: readonly Edge[]): string[] {
  return edges.map((edge) => `${edge.kind} ${edge.at.toISOString()}`);
}

function edgesIn(text: string, from: string, to: string): string[] {
  return edgeList(edgesBetween(parsed(text), new Date(from), new Date(to)));
}

/** What a reconciler ticking once a minute on an injected clock would see: every change of isUp. */
function simulateMinuteByMinute(schedule: Schedule, from: string, to: string): string[] {
  const clock = new ManualClock(from);
  const end = new Date(to).getTime();
  const seen: string[] = [];
  let wasUp = isUp(schedule, clock.now());
  while (clock.now().getTime() < end) {
    clock.advance(60_000);
    const up = isUp(schedule, clock.now());
    if (up !== wasUp) seen.push(`${up ? 'up' : 'down'} ${clock.now().toISOString()}`);
    wasUp = up;
  }
  return seen;
}

const BERLIN_WEEKDAYS = 'weekdays 09:00-19:00 Europe/Berlin';
const NEW_YORK_WEEKDAYS = 'weekdays 09:00-19:00 America/New_York';

describe('isUp', () => {
  const schedule = parsed(BERLIN_WEEKDAYS);

  it('is up from the start minute inclusive to the end minute exclusive (Berlin winter, UTC+1)', () => {
    expect(isUp(schedule, new Date('2026-01-07T07:59:59.999Z'))).toBe(false);
    expect(isUp(schedule, new Date('2026-01-07T08:00:00Z'))).toBe(true);
    expect(isUp(schedule, new Date('2026-01-07T17:59:59.999Z'))).toBe(true);
    expect(isUp(schedule, new Date('2026-01-07T18:00:00Z'))).toBe(false);
  });

  it('uses summer time in summer (UTC+2)', () => {
    expect(isUp(schedule, new Date('2026-07-08T07:00:00Z'))).toBe(true);
    expect(isUp(schedule, new Date('2026-07-08T06:59:00Z'))).toBe(false);
    expect(isUp(schedule, new Date('2026-07-08T17:00:00Z'))).toBe(false);
  });

  it('is down all weekend', () => {
    expect(isUp(schedule, new Date('2026-01-10T12:00:00Z'))).toBe(false);
    expect(isUp(schedule, new Date('2026-01-11T12:00:00Z'))).toBe(false);
  });

  it('never changes for always-on and always-off', () => {
    expect(isUp(parsed('always-on'), new Date('2026-01-10T03:00:00Z'))).toBe(true);
    expect(isUp(parsed('always-off'), new Date('2026-01-07T12:00:00Z'))).toBe(false);
  });
});

describe('a simulated week across the change to and from daylight saving', () => {
  it.each([
    {
      name: 'Europe/Berlin spring forward (Sunday 2026-03-29)',
      text: BERLIN_WEEKDAYS,
      from: '2026-03-25T00:00:00Z',
      to: '2026-04-01T00:00:00Z',
      edges: [
        'up 2026-03-25T08:00:00.000Z', 'down 2026-03-25T18:00:00.000Z',
        'up 2026-03-26T08:00:00.000Z', 'down 2026-03-26T18:00:00.000Z',
        'up 2026-03-27T08:00:00.000Z', 'down 2026-03-27T18:00:00.000Z',
        'up 2026-03-30T07:00:00.000Z', 'down 2026-03-30T17:00:00.000Z',
        'up 2026-03-31T07:00:00.000Z', 'down 2026-03-31T17:00:00.000Z',
      ],
    },
    {
      name: 'Europe/Berlin fall back (Sunday 2026-10-25)',
      text: BERLIN_WEEKDAYS,
      from: '2026-10-21T00:00:00Z',
      to: '2026-10-28T00:00:00Z',
      edges: [
        'up 2026-10-21T07:00:00.000Z', 'down 2026-10-21T17:00:00.000Z',
        'up 2026-10-22T07:00:00.000Z', 'down 2026-10-22T17:00:00.000Z',
        'up 2026-10-23T07:00:00.000Z', 'down 2026-10-23T17:00:00.000Z',
        'up 2026-10-26T08:00:00.000Z', 'down 2026-10-26T18:00:00.000Z',
        'up 2026-10-27T08:00:00.000Z', 'down 2026-10-27T18:00:00.000Z',
      ],
    },
    {
      name: 'America/New_York spring forward (Sunday 2026-03-08)',
      text: NEW_YORK_WEEKDAYS,
      from: '2026-03-04T05:00:00Z',
      to: '2026-03-11T04:00:00Z',
      edges: [
        'up 2026-03-04T14:00:00.000Z', 'down 2026-03-05T00:00:00.000Z',
        'up 2026-03-05T14:00:00.000Z', 'down 2026-03-06T00:00:00.000Z',
        'up 2026-03-06T14:00:00.000Z', 'down 2026-03-07T00:00:00.000Z',
        'up 2026-03-09T13:00:00.000Z', 'down 2026-03-09T23:00:00.000Z',
        'up 2026-03-10T13:00:00.000Z', 'down 2026-03-10T23:00:00.000Z',
      ],
    },
    {
      name: 'America/New_York fall back (Sunday 2026-11-01)',
      text: NEW_YORK_WEEKDAYS,
      from: '2026-10-28T04:00:00Z',
      to: '2026-11-04T05:00:00Z',
      edges: [
        'up 2026-10-28T13:00:00.000Z', 'down 2026-10-28T23:00:00.000Z',
        'up 2026-10-29T13:00:00.000Z', 'down 2026-10-29T23:00:00.000Z',
        'up 2026-10-30T13:00:00.000Z', 'down 2026-10-30T23:00:00.000Z',
        'up 2026-11-02T14:00:00.000Z', 'down 2026-11-03T00:00:00.000Z',
        'up 2026-11-03T14:00:00.000Z', 'down 2026-11-04T00:00:00.000Z',
      ],
    },
  ])('$name: exactly 10 edges, each at 09:00 or 19:00 local', ({ text, from, to, edges }) => {
    const found = edgesIn(text, from, to);
    expect(found).toHaveLength(10);
    expect(found).toEqual(edges);
    // A reconciler polling isUp every minute sees the same flips at the same minutes.
    expect(simulateMinuteByMinute(parsed(text), from, to)).toEqual(edges);
  });
});

describe('local times that do not exist or occur twice', () => {
  it('shifts a start in the spring-forward gap forward by the gap (02:30 → 03:30 CEST)', () => {
    expect(edgesIn('sun 02:30-04:00 Europe/Berlin', '2026-03-28T00:00:00Z', '2026-03-30T00:00:00Z')).toEqual([
      'up 2026-03-29T01:30:00.000Z',
      'down 2026-03-29T02:00:00.000Z',
    ]);
  });

  it('shifts a window lying entirely in the gap by the gap, that day only', () => {
    const text = 'sun 02:15-02:45 Europe/Berlin';
    expect(edgesIn(text, '2026-03-28T00:00:00Z', '2026-03-30T00:00:00Z')).toEqual(['up 2026-03-29T01:15:00.000Z', 'down 2026-03-29T01:45:00.000Z']);
    expect(edgesIn(text, '2026-03-21T00:00:00Z', '2026-03-23T00:00:00Z')).toEqual(['up 2026-03-22T01:15:00.000Z', 'down 2026-03-22T01:45:00.000Z']);
    expect(edgesIn(text, '2026-04-04T00:00:00Z', '2026-04-06T00:00:00Z')).toEqual(['up 2026-04-05T00:15:00.000Z', 'down 2026-04-05T00:45:00.000Z']);
  });

  it('drops a window that ends where the gap ends (02:30-03:00 would end before it starts)', () => {
    const text = 'sun 02:30-03:00 Europe/Berlin';
    expect(edgesIn(text, '2026-03-28T00:00:00Z', '2026-03-30T00:00:00Z')).toEqual([]);
    expect(nextEdge(parsed(text), new Date('2026-03-28T00:00:00Z'))).toEqual({ at: new Date('2026-04-05T00:30:00Z'), kind: 'up' });
    expect(lastEdgeAtOrBefore(parsed(text), new Date('2026-03-30T00:00:00Z'))).toEqual({ at: new Date('2026-03-22T02:00:00Z'), kind: 'down' });
  });

  it('merges two windows whose gap lies entirely in the missing hour', () => {
    expect(edgesIn('sun 01:00-02:30, sun 03:00-05:00 Europe/Berlin', '2026-03-28T00:00:00Z', '2026-03-30T00:00:00Z')).toEqual([
      'up 2026-03-29T00:00:00.000Z',
      'down 2026-03-29T03:00:00.000Z',
    ]);
  });

  it('takes the first occurrence of an ambiguous time on the fall-back day (02:30 CEST, not CET)', () => {
    expect(edgesIn('sun 02:30-05:00 Europe/Berlin', '2026-10-24T00:00:00Z', '2026-10-26T00:00:00Z')).toEqual([
      'up 2026-10-25T00:30:00.000Z',
      'down 2026-10-25T04:00:00.000Z',
    ]);
    const endsInRepeatedHour = parsed('sun 01:00-02:30 Europe/Berlin');
    expect(edgeList(edgesBetween(endsInRepeatedHour, new Date('2026-10-24T00:00:00Z'), new Date('2026-10-26T00:00:00Z')))).toEqual([
      'up 2026-10-24T23:00:00.000Z',
      'down 2026-10-25T00:30:00.000Z',
    ]);
    // The second 02:30 (CET, 01:30Z) is not a second edge: still down.
    expect(isUp(endsInRepeatedHour, new Date('2026-10-25T01:00:00Z'))).toBe(false);
    expect(isUp(endsInRepeatedHour, new Date('2026-10-25T01:30:00Z'))).toBe(false);
  });

  it('keeps wall-clock times for a window spanning the change, so it runs an hour longer that night', () => {
    expect(edgesIn('sat 22:00-06:00 Europe/Berlin', '2026-10-24T00:00:00Z', '2026-10-26T00:00:00Z')).toEqual([
      'up 2026-10-24T20:00:00.000Z',
      'down 2026-10-25T05:00:00.000Z',
    ]);
  });
});

describe('windows crossing midnight belong to their start day', () => {
  const schedule = parsed('fri 22:00-02:00 Europe/Berlin');

  it('is up from Friday 22:00 to Saturday 02:00 local', () => {
    expect(edgeList(edgesBetween(schedule, new Date('2026-01-05T00:00:00Z'), new Date('2026-01-12T00:00:00Z')))).toEqual([
      'up 2026-01-09T21:00:00.000Z',
      'down 2026-01-10T01:00:00.000Z',
    ]);
    expect(isUp(schedule, new Date('2026-01-10T00:59:00Z'))).toBe(true);
    expect(isUp(schedule, new Date('2026-01-10T01:00:00Z'))).toBe(false);
    // Friday 01:00 local is not in Thursday's window: there is none.
    expect(isUp(schedule, new Date('2026-01-09T00:00:00Z'))).toBe(false);
  });

  it('wraps from Sunday night into Monday', () => {
    expect(edgesIn('sun 22:00-02:00 UTC', '2026-01-04T00:00:00Z', '2026-01-06T00:00:00Z')).toEqual([
      'up 2026-01-04T22:00:00.000Z',
      'down 2026-01-05T02:00:00.000Z',
    ]);
    expect(isUp(parsed('sun 22:00-02:00 UTC'), new Date('2026-01-05T01:00:00Z'))).toBe(true);
  });
});

describe('adjacent and overlapping windows merge', () => {
  it('has no down/up edge where two windows touch', () => {
    const schedule = parsed('mon 08:00-18:00, mon 18:00-20:00 UTC');
    expect(edgeList(edgesBetween(schedule, new Date('2026-01-04T00:00:00Z'), new Date('2026-01-06T00:00:00Z')))).toEqual([
      'up 2026-01-05T08:00:00.000Z',
      'down 2026-01-05T20:00:00.000Z',
    ]);
    expect(isUp(schedule, new Date('2026-01-05T18:00:00Z'))).toBe(true);
  });

  it('joins overlapping windows and windows touching across midnight and the week boundary', () => {
    expect(edgesIn('mon 08:00-12:00, mon 10:00-14:00 UTC', '2026-01-04T00:00:00Z', '2026-01-06T00:00:00Z')).toEqual([
      'up 2026-01-05T08:00:00.000Z',
      'down 2026-01-05T14:00:00.000Z',
    ]);
    expect(edgesIn('sun 20:00-24:00, mon 00:00-06:00 UTC', '2026-01-04T00:00:00Z', '2026-01-06T00:00:00Z')).toEqual([
      'up 2026-01-04T20:00:00.000Z',
      'down 2026-01-05T06:00:00.000Z',
    ]);
  });

  it('treats windows covering the whole week as always up, with no edges', () => {
    const schedule = parsed('daily 00:00-24:00 Europe/Berlin');
    expect(isUp(schedule, new Date('2026-03-29T01:30:00Z'))).toBe(true);
    expect(nextEdge(schedule, new Date('2026-03-29T00:00:00Z'))).toBeNull();
  });
});

describe('nextEdge, lastEdgeAtOrBefore and catch-up', () => {
  const schedule = parsed(BERLIN_WEEKDAYS);

  it('finds the next edge strictly after the given instant, over the weekend', () => {
    expect(nextEdge(schedule, new Date('2026-01-09T18:00:00Z'))).toEqual({ at: new Date('2026-01-12T08:00:00Z'), kind: 'up' });
    expect(nextEdge(schedule, new Date('2026-01-09T17:59:00Z'))).toEqual({ at: new Date('2026-01-09T18:00:00Z'), kind: 'down' });
  });

  it('finds the latest edge at or before the given instant', () => {
    expect(lastEdgeAtOrBefore(schedule, new Date('2026-01-12T08:00:00Z'))).toEqual({ at: new Date('2026-01-12T08:00:00Z'), kind: 'up' });
    expect(lastEdgeAtOrBefore(schedule, new Date('2026-01-11T12:00:00Z'))).toEqual({ at: new Date('2026-01-09T18:00:00Z'), kind: 'down' });
  });

  it('returns exactly the missed down edge for a bot that was down from 18:00 to 21:00 local', () => {
    const edges = edgesBetween(schedule, new Date('2026-01-07T17:00:00Z'), new Date('2026-01-07T20:00:00Z'));
    expect(edges).toEqual([{ at: new Date('2026-01-07T18:00:00Z'), kind: 'down' }]);
  });

  it('excludes an edge at `from` and includes one at `to`', () => {
    expect(edgesIn(BERLIN_WEEKDAYS, '2026-01-07T08:00:00Z', '2026-01-07T18:00:00Z')).toEqual(['down 2026-01-07T18:00:00.000Z']);
    expect(edgesIn(BERLIN_WEEKDAYS, '2026-01-07T18:00:00Z', '2026-01-07T17:00:00Z')).toEqual([]);
  });

  it('returns ten edges for any seven days of a weekday schedule', () => {
    expect(edgesIn(BERLIN_WEEKDAYS, '2026-06-03T12:00:00Z', '2026-06-10T12:00:00Z')).toHaveLength(10);
  });

  it('has no edges for always-on and always-off', () => {
    for (const text of ['always-on', 'always-off']) {
      expect(nextEdge(parsed(text), new Date('2026-01-07T12:00:00Z'))).toBeNull();
      expect(lastEdgeAtOrBefore(parsed(text), new Date('2026-01-07T12:00:00Z'))).toBeNull();
      expect(edgesIn(text, '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z')).toEqual([]);
    }
  });
});

describe('edges and isUp agree, whatever the schedule and zone', () => {
  const schedules = [
    'weekdays 09:00-19:00',
    'mon-thu 08:00-18:00, fri 08:00-15:00',
    'daily 01:30-02:30, sun 02:45-03:15',
    'sat 22:00-02:30, sun 02:00-02:45',
    'fri-mon 00:00-24:00, wed 12:00-12:01',
  ];
  // Lord Howe Island moves its clocks by 30 minutes, at 02:00 local.
  const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'UTC'];
  const ranges: Array<[string, string]> = [
    ['2026-03-01T00:00:00Z', '2026-04-08T00:00:00Z'],
    ['2026-09-30T00:00:00Z', '2026-11-03T00:00:00Z'],
  ];

  it.each(schedules.flatMap((text) => zones.map((zone) => `${text} ${zone}`)))('%s', (text) => {
    const schedule = parsed(text);
    for (const [from, to] of ranges) {
      const edges = edgesBetween(schedule, new Date(from), new Date(to));
      expect(edges.length).toBeGreaterThan(4);
      edges.forEach((edge, i) => {
        expect(edge.kind).not.toBe(edges[i - 1]?.kind);
        expect(isUp(schedule, edge.at)).toBe(edge.kind === 'up');
        expect(isUp(schedule, new Date(edge.at.getTime() - 1))).toBe(edge.kind === 'down');
        expect(lastEdgeAtOrBefore(schedule, edge.at)).toEqual(edge);
        const next = edges[i + 1];
        if (next) expect(nextEdge(schedule, edge.at)).toEqual(next);
      });
      // Between edges the state holds: sample every 30 minutes against the latest edge passed.
      let passed = -1;
      for (let at = new Date(from).getTime(); at <= new Date(to).getTime(); at += 30 * 60_000) {
        while ((edges[passed + 1]?.at.getTime() ?? Infinity) <= at) passed += 1;
        const last = edges[passed];
        if (last) expect(isUp(schedule, new Date(at))).toBe(last.kind === 'up');
      }
    }
  });
});
