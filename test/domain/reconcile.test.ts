import { describe, expect, it } from 'vitest';
import { decide, nextStop, type ScheduledEnvironment, type SchedulerAction } from '../../src/domain/schedules/decide.js';
import { parseSchedule, type Schedule } from '../../src/domain/schedules/schedule.js';

function schedule(text: string): Schedule {
  const parsed = parseSchedule(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

const MINUTE = 60_000;
const BERLIN = schedule('weekdays 09:00-19:00 Europe/Berlin');
const window = (since: string, now: string) => ({ since: new Date(since), now: new Date(now), graceMs: 30 * MINUTE, warnMs: 30 * MINUTE });

function env(overrides: Partial<ScheduledEnvironment> = {}): ScheduledEnvironment {
  return { name: 'qa-1', schedule: BERLIN, running: true, parkedByDockhand: false, override: null, graceUntil: null, warnedFor: null, ...overrides };
}

/**
 * Drives decide() minute by minute over a span, applying park/restore/override effects the way the shell
 * does, and returns the actions with their times: a week in milliseconds.
 */
function simulate(start: string, end: string, initial: ScheduledEnvironment, events: Record<string, (e: ScheduledEnvironment) => void> = {}) {
  const log: Array<{ at: string; action: SchedulerAction['kind'] }> = [];
  const state = { ...initial };
  let since = new Date(start);
  for (let t = new Date(start).getTime() + MINUTE; t <= new Date(end).getTime(); t += MINUTE) {
    const now = new Date(t);
    events[now.toISOString()]?.(state);
    for (const action of decide(state, { since, now, graceMs: 30 * MINUTE, warnMs: 30 * MINUTE })) {
      log.push({ at: now.toISOString(), action: action.kind });
      if (action.kind === 'park') Object.assign(state, { running: false, parkedByDockhand: true, graceUntil: null });
      if (action.kind === 'restore') Object.assign(state, { running: true, parkedByDockhand: false });
      if (action.kind === 'end-override') state.override = null;
      if (action.kind === 'warn') state.warnedFor = action.stopAt;
      if (action.kind === 'announce-new') state.graceUntil = action.parkAt;
      if (action.kind === 'report-external') state.override = { kind: 'up', until: action.until ?? new Date(8.64e15), reason: 'external' };
    }
    since = now;
  }
  return log;
}

describe('the scheduler over simulated weeks', () => {
  it('parks and restores at the right local minute across the spring DST change in Europe/Berlin', () => {
    // Mon 2026-03-23 … Fri 2026-03-27 are CET (UTC+1); Mon 2026-03-30 … are CEST (UTC+2). Starts at 09:00 local.
    const log = simulate('2026-03-23T08:00:00Z', '2026-04-01T00:00:00Z', env());
    const parks = log.filter((e) => e.action === 'park').map((e) => e.at);
    const restores = log.filter((e) => e.action === 'restore').map((e) => e.at);
    expect(parks).toEqual([
      '2026-03-23T18:00:00.000Z',
      '2026-03-24T18:00:00.000Z',
      '2026-03-25T18:00:00.000Z',
      '2026-03-26T18:00:00.000Z',
      '2026-03-27T18:00:00.000Z',
      '2026-03-30T17:00:00.000Z',
      '2026-03-31T17:00:00.000Z',
    ]);
    expect(restores).toEqual(['2026-03-24T08:00:00.000Z', '2026-03-25T08:00:00.000Z', '2026-03-26T08:00:00.000Z', '2026-03-27T08:00:00.000Z', '2026-03-30T07:00:00.000Z', '2026-03-31T07:00:00.000Z']);
    // One warning 30 minutes before each park.
    expect(log.filter((e) => e.action === 'warn').map((e) => e.at)).toEqual(parks.map((at) => new Date(new Date(at).getTime() - 30 * MINUTE).toISOString()));
  });

  it('parks and restores at the right local minute across the autumn DST change in America/New_York', () => {
    const ny = schedule('weekdays 08:00-18:00 America/New_York');
    // Fri 2026-10-30 is EDT (UTC-4); Mon 2026-11-02 is EST (UTC-5). Starts at 08:00 local.
    const log = simulate('2026-10-30T12:00:00Z', '2026-11-03T00:00:00Z', env({ schedule: ny }));
    expect(log.filter((e) => e.action === 'park' || e.action === 'restore')).toEqual([
      { at: '2026-10-30T22:00:00.000Z', action: 'park' },
      { at: '2026-11-02T13:00:00.000Z', action: 'restore' },
      { at: '2026-11-02T23:00:00.000Z', action: 'park' },
    ]);
  });

  it('leaves an environment with an override up until the override ends, then parks it', () => {
    const log = simulate('2026-03-23T17:00:00Z', '2026-03-23T23:00:00Z', env({ override: { kind: 'up', until: new Date('2026-03-23T21:00:00Z'), reason: 'extend' } }));
    expect(log).toEqual([
      { at: '2026-03-23T20:30:00.000Z', action: 'warn' },
      { at: '2026-03-23T21:00:00.000Z', action: 'end-override' },
      { at: '2026-03-23T21:00:00.000Z', action: 'park' },
    ]);
  });

  it('parks, when it comes back, an environment whose down edge passed while the bot was down', () => {
    // Last tick at 18:00 local (17:00Z); back at 21:00 local (20:00Z): the 19:00 edge was missed.
    expect(decide(env(), window('2026-03-23T17:00:00Z', '2026-03-23T20:00:00Z'))).toEqual([{ kind: 'park', reason: 'its schedule ends the day at 2026-03-23T18:00:00.000Z' }]);
  });

  it('reports a console start at 22:00 and leaves it running until the next edge', () => {
    const log = simulate('2026-03-23T17:30:00Z', '2026-03-24T09:00:00Z', env(), {
      '2026-03-23T21:00:00.000Z': (state) => Object.assign(state, { running: true }), // 22:00 Berlin
    });
    expect(log).toEqual([
      { at: '2026-03-23T17:30:00.000Z'.replace('17:30', '17:31'), action: 'warn' },
      { at: '2026-03-23T18:00:00.000Z', action: 'park' },
      { at: '2026-03-23T21:00:00.000Z', action: 'report-external' },
      { at: '2026-03-24T08:00:00.000Z', action: 'end-override' },
    ]);
  });

  it('announces a new environment up outside its hours and parks it after the grace period', () => {
    const log = simulate('2026-03-23T20:00:00Z', '2026-03-23T21:00:00Z', env());
    expect(log).toEqual([
      { at: '2026-03-23T20:01:00.000Z', action: 'announce-new' },
      { at: '2026-03-23T20:31:00.000Z', action: 'park' },
    ]);
  });

  it('knows when an environment will next stop', () => {
    expect(nextStop(env(), new Date('2026-03-23T10:00:00Z'))).toEqual({ at: new Date('2026-03-23T18:00:00Z'), because: 'schedule' });
    expect(nextStop(env({ override: { kind: 'up', until: new Date('2026-03-23T21:00:00Z'), reason: 'extend' } }), new Date('2026-03-23T19:00:00Z'))).toEqual({
      at: new Date('2026-03-23T21:00:00Z'),
      because: 'override',
    });
  });
});
