import { describe, expect, it } from 'vitest';
import { parseSchedule, toAwsScheduledActions } from '../../src/domain/schedules/schedule.js';
import type { Schedule } from '../../src/domain/schedules/schedule.js';

function parsed(text: string): Schedule {
  const result = parseSchedule(text);
  if (!result.ok) throw new Error(`expected ${text} to parse: ${result.error.message}`);
  return result.value;
}

describe('toAwsScheduledActions', () => {
  it('groups days per (time, kind): mon-thu 08:00-18:00, fri 08:00-15:00 Europe/Berlin', () => {
    expect(toAwsScheduledActions(parsed('mon-thu 08:00-18:00, fri 08:00-15:00 Europe/Berlin'))).toEqual([
      { name: 'dockhand-up-0800-mon-fri', schedule: 'cron(0 8 ? * MON-FRI *)', timezone: 'Europe/Berlin', kind: 'up' },
      { name: 'dockhand-down-1800-mon-thu', schedule: 'cron(0 18 ? * MON-THU *)', timezone: 'Europe/Berlin', kind: 'down' },
      { name: 'dockhand-down-1500-fri', schedule: 'cron(0 15 ? * FRI *)', timezone: 'Europe/Berlin', kind: 'down' },
    ]);
  });

  it('writes six-field cron with `?` for day-of-month and day names', () => {
    const actions = toAwsScheduledActions(parsed('weekdays 09:30-19:15 America/New_York'));
    expect(actions.map((action) => action.schedule)).toEqual(['cron(30 9 ? * MON-FRI *)', 'cron(15 19 ? * MON-FRI *)']);
    for (const action of actions) {
      expect(action.schedule).toMatch(/^cron\(\d{1,2} \d{1,2} \? \* [A-Z,*-]+ \*\)$/);
      expect(action.timezone).toBe('America/New_York');
    }
  });

  it('lists day lists and never writes a range that wraps past Saturday', () => {
    expect(toAwsScheduledActions(parsed('mon,wed,fri 09:00-17:00 Asia/Tokyo')).map(({ name, schedule }) => [name, schedule])).toEqual([
      ['dockhand-up-0900-mon_wed_fri', 'cron(0 9 ? * MON,WED,FRI *)'],
      ['dockhand-down-1700-mon_wed_fri', 'cron(0 17 ? * MON,WED,FRI *)'],
    ]);
    expect(toAwsScheduledActions(parsed('weekends 10:00-14:00 UTC')).map((action) => action.schedule)).toEqual([
      'cron(0 10 ? * SUN,SAT *)',
      'cron(0 14 ? * SUN,SAT *)',
    ]);
    expect(toAwsScheduledActions(parsed('daily 08:00-20:00 UTC')).map(({ name, schedule }) => [name, schedule])).toEqual([
      ['dockhand-up-0800-daily', 'cron(0 8 ? * * *)'],
      ['dockhand-down-2000-daily', 'cron(0 20 ? * * *)'],
    ]);
  });

  it('puts the down action of a window crossing midnight on the next day', () => {
    expect(toAwsScheduledActions(parsed('fri 22:00-02:00 Europe/Berlin')).map(({ name, schedule }) => [name, schedule])).toEqual([
      ['dockhand-up-2200-fri', 'cron(0 22 ? * FRI *)'],
      ['dockhand-down-0200-sat', 'cron(0 2 ? * SAT *)'],
    ]);
    expect(toAwsScheduledActions(parsed('sun 18:00-24:00 UTC')).map((action) => action.schedule)).toEqual([
      'cron(0 18 ? * SUN *)',
      'cron(0 0 ? * MON *)',
    ]);
  });

  it('merges touching windows, so there is no down and up at the same minute', () => {
    expect(toAwsScheduledActions(parsed('mon 08:00-18:00, mon 18:00-20:00 UTC')).map((action) => action.name)).toEqual([
      'dockhand-up-0800-mon',
      'dockhand-down-2000-mon',
    ]);
  });

  it('is deterministic: the same schedule gives the same names in the same order', () => {
    const text = 'tue,thu 07:00-12:00, mon-fri 13:00-18:00, sat 22:00-03:00 Europe/Berlin';
    expect(toAwsScheduledActions(parsed(text))).toEqual(toAwsScheduledActions(parsed(text)));
    const names = toAwsScheduledActions(parsed(text)).map((action) => action.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('has no actions for always-on, always-off or windows covering the whole week', () => {
    expect(toAwsScheduledActions(parsed('always-on'))).toEqual([]);
    expect(toAwsScheduledActions(parsed('always-off'))).toEqual([]);
    expect(toAwsScheduledActions(parsed('daily 00:00-24:00 UTC'))).toEqual([]);
  });
});
