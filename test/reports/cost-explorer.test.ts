import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { CostIngestJob } from '../../src/jobs/cost-ingest.js';
import { silentLogger } from '../../src/log.js';
import { CostActualsStore } from '../../src/store/cost-actuals-store.js';
import type { Database } from '../../src/store/db.js';
import { DAY, startFixture, type Fixture } from './fixture.js';

let fx: Fixture;

afterEach(async () => {
  await fx.close();
});

function costJob(f: Fixture, db: Database = f.db): CostIngestJob {
  return new CostIngestJob({
    accounts: f.policy.accounts,
    clients: f.aws,
    store: new CostActualsStore(db),
    policy: f.visibility.cost.actuals,
    tagKey: f.policy.discovery.tag_key,
    clock: f.clock,
    logger: silentLogger,
  });
}

function costCalls(f: Fixture) {
  return f.sandbox.requests.filter((r) => r.operation === 'GetCostAndUsage');
}

describe('Cost Explorer ingest against the sandbox', () => {
  it('asks once per account and day, restarts and racing processes included, and stores untagged and still-billing days', async () => {
    fx = await startFixture({ clock: new ManualClock('2026-03-20T10:00:00Z') });
    const first = await costJob(fx).runOnce();
    const asked = first.results[0]!;
    expect(asked).toMatchObject({ account: '111111111111', asked: true, days: { first: '2026-01-18', last: '2026-03-20' } });
    // Every page is a billed request: the sandbox saw exactly the pages the job counted, all at us-east-1.
    const pages = asked.asked ? asked.pages : 0;
    expect(pages).toBeGreaterThan(1);
    expect(costCalls(fx)).toHaveLength(pages);
    expect(fx.aws.counter.byOperation().GetCostAndUsage).toBe(pages);
    expect(costCalls(fx).every((r) => r.region === 'us-east-1')).toBe(true);
    expect(costCalls(fx)[0]!.params).toMatchObject({
      TimePeriod: { Start: '2026-01-18', End: '2026-03-21' },
      Granularity: 'DAILY',
      GroupBy: [{ Type: 'TAG', Key: 'environment' }],
    });

    // The same job again, a restarted bot on the same database, and a later run the same day: no request.
    expect((await costJob(fx).runOnce()).results[0]).toMatchObject({ asked: false, reason: 'already asked today' });
    fx.clock.advance(6 * 3_600_000);
    expect((await costJob(fx, fx.openAgain()).runOnce()).results[0]).toMatchObject({ asked: false });
    expect(costCalls(fx)).toHaveLength(pages);

    const billed = await fx.stores.actuals.billed({ first: '2026-03-19', last: '2026-03-19' });
    // staging-3: 7 tasks of 0.5 vCPU / 1 GB a day, 3 of them ARM.
    expect((billed.get('staging-3'))?.dollars).toBeCloseTo(24 * (4 * 0.024685 + 0.5 * 0.03238 + 1 * 0.00356 + 0.5 * 0.03238 + 1 * 0.00356 + 0.25 * 0.04048 + 0.5 * 0.004445), 4);
    expect((billed.get('staging-3'))?.estimated).toBe(true);
    // legacy-reporting and tmp-debug-shell carry no environment tag: Cost Explorer's `environment$`.
    expect((billed.get('untagged'))?.dollars).toBeGreaterThan(0);
    expect((await fx.stores.actuals.billed({ first: '2026-03-10', last: '2026-03-10' })).get('staging-3')?.estimated).toBe(false);

    // Next day two processes race: one asks, only for the days still being billed, and the other does not.
    fx.clock.advance(DAY);
    const [a, b] = await Promise.all([costJob(fx, fx.openAgain()).runOnce(), costJob(fx, fx.openAgain()).runOnce()]);
    const results = [a.results[0]!, b.results[0]!];
    expect(results.filter((r) => r.asked)).toHaveLength(1);
    const second = results.find((r) => r.asked)!;
    expect(second).toMatchObject({ days: { first: '2026-03-18', last: '2026-03-21' } });
    // 4 days × 14 groups at the sandbox's 40 (day, group) pairs a page.
    expect(second.asked && second.pages).toBe(2);
    expect(costCalls(fx)).toHaveLength(pages + 2);
  });

  it('gives the day back when Cost Explorer fails before answering, so a later run may try again', async () => {
    fx = await startFixture({ clock: new ManualClock('2026-03-20T10:00:00Z') });
    fx.sandbox.failOn(({ operation }) => (operation === 'GetCostAndUsage' ? Object.assign(new Error('denied'), { name: 'AccessDeniedException' }) : undefined));
    const job = costJob(fx);
    expect((await job.runOnce()).errors).toHaveLength(1);
    fx.sandbox.clearFaults();
    expect((await job.runOnce()).results[0]).toMatchObject({ asked: true });
  });
});
