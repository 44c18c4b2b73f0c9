import { describe, expect, it } from 'vitest';
import { actualDaysToAsk, addDays, settleActualDays } from '../../src/domain/cost/actuals.js';

describe('Cost Explorer days', () => {
  it('shifts whole UTC days across months', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('asks for the days after the last final one, within the lookback, today included', () => {
    expect(actualDaysToAsk('2026-03-12', null, 14)).toEqual({ first: '2026-02-27', last: '2026-03-12' });
    expect(actualDaysToAsk('2026-03-12', '2026-03-09', 14)).toEqual({ first: '2026-03-10', last: '2026-03-12' });
    expect(actualDaysToAsk('2026-03-12', '2026-01-01', 14)).toEqual({ first: '2026-02-27', last: '2026-03-12' });
    expect(actualDaysToAsk('2026-03-12', '2026-03-12', 14)).toBeNull();
  });

  it('keeps recent days as estimates and finalises the days before the first one still billed', () => {
    const asked = { first: '2026-03-01', last: '2026-03-12' };
    const answered = [
      { day: '2026-03-04', environment: 'a', dollars: 1, estimated: false },
      { day: '2026-03-05', environment: 'a', dollars: 1, estimated: true },
      { day: '2026-03-11', environment: 'a', dollars: 1, estimated: false },
    ];
    const settled = settleActualDays(answered, asked, '2026-03-12', 2, null);
    expect(settled.rows.map((row) => row.estimated)).toEqual([false, true, true]);
    expect(settled.finalThrough).toBe('2026-03-04');
  });

  it('keeps the previous final day when none of the asked days is final', () => {
    const asked = { first: '2026-03-10', last: '2026-03-12' };
    const answered = [{ day: '2026-03-10', environment: 'a', dollars: 1, estimated: false }];
    expect(settleActualDays(answered, asked, '2026-03-12', 2, '2026-03-09')).toEqual({
      rows: [{ day: '2026-03-10', environment: 'a', dollars: 1, estimated: true }],
      finalThrough: '2026-03-09',
    });
  });
});
