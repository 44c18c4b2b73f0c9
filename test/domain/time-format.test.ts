import { describe, expect, it } from 'vitest';
import { utcDay, utcMinute, utcMonthDayTime, utcTime } from '../../src/domain/time-format.js';
import { slackDayTime, slackTime } from '../../src/slack/blocks/slack-date.js';

const at = new Date('2026-11-23T14:02:41.123Z');

describe('one way to write a moment', () => {
  it('in UTC to the minute, a stored ISO string read as written', () => {
    expect([utcMinute(at), utcTime(at), utcDay(at), utcMonthDayTime(at)]).toEqual(['2026-11-23 14:02', '14:02', '2026-11-23', '11-23 14:02']);
    expect(utcMinute('2026-11-23T14:02:41Z')).toBe('2026-11-23 14:02');
  });

  it("as Slack's date token, with the UTC text as the fallback", () => {
    expect(slackTime(at)).toBe('<!date^1795442561^{time}|14:02 UTC>');
    expect(slackTime('2026-11-23T14:02:41.123Z')).toBe(slackTime(at));
    expect(slackDayTime(at)).toBe('<!date^1795442561^{date_short_pretty} {time}|2026-11-23 14:02 UTC>');
  });
});
