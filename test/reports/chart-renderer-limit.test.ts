import { describe, expect, it } from 'vitest';
import { MAX_CHARTS_WAITING, renderInChildProcess } from '../../src/charts/render-process.js';
import { costPerDay, type CostDayInput } from '../../src/domain/cost/daily.js';
import type { CostEstimate } from '../../src/domain/cost/estimate.js';

function day(date: string, dollars: Record<string, number>): CostDayInput {
  const estimate = { environments: Object.entries(dollars).map(([environment, d]) => ({ environment, dollars: d, source: 'table' })) } as unknown as CostEstimate;
  return { day: date, estimate, savings: new Map(), billed: new Map() };
}

describe('the chart renderer', () => {
  it('draws one chart at a time and refuses requests past the few that may wait, so repeated /env cost cannot start a process each', async () => {
    const data = costPerDay({ days: [day('2026-11-30', { 'qa-1': 3 }), day('2026-12-01', { 'qa-1': 4 })], include: () => true, partialDay: null });
    const asked = 3 + MAX_CHARTS_WAITING + 3;
    const outcomes = await Promise.allSettled(Array.from({ length: asked }, (_, i) => renderInChildProcess('Cost per day', data, `U0ASKER${i}`)));
    const drawn = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [String(o.reason)] : []));
    // One draws at once and MAX_CHARTS_WAITING wait: the rest are refused with a reason, not queued.
    expect(drawn).toHaveLength(1 + MAX_CHARTS_WAITING);
    expect(refused).toHaveLength(asked - 1 - MAX_CHARTS_WAITING);
    expect(refused.every((reason) => reason.includes('too many charts'))).toBe(true);
  }, 60_000);

  it('draws one chart per person at a time, and a digest’s chart even while everyone’s slots are taken', async () => {
    const data = costPerDay({ days: [day('2026-11-30', { 'qa-1': 3 }), day('2026-12-01', { 'qa-1': 4 })], include: () => true, partialDay: null });
    const burst = Array.from({ length: 6 }, () => renderInChildProcess('Cost per day', data, 'U0MARIA'));
    const others = Array.from({ length: MAX_CHARTS_WAITING }, (_, i) => renderInChildProcess('Cost per day', data, `U0OTHER${i}`));
    const digest = renderInChildProcess('Cost per day', data);
    const mine = await Promise.allSettled(burst);
    expect(mine.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(mine.flatMap((o) => (o.status === 'rejected' ? [String(o.reason)] : [])).every((reason) => reason.includes('your last chart is still being drawn'))).toBe(true);
    expect((await Promise.allSettled(others)).filter((o) => o.status === 'fulfilled')).toHaveLength(MAX_CHARTS_WAITING);
    expect((await digest).png.length).toBeGreaterThan(0);
  }, 60_000);
});
