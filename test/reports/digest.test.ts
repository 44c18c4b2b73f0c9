import { App } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reportPolicySchema } from '../../src/config/report-policy.js';
import { ManualClock } from '../../src/domain/clock.js';
import { DigestJob } from '../../src/jobs/digest.js';
import { silentLogger } from '../../src/log.js';
import { SlackOutbound } from '../../src/slack/outbound.js';
import type { Database } from '../../src/store/db.js';
import { NoticesStore } from '../../src/store/notices-store.js';
import { startFakeSlack, type FakeSlack, type FakeSlackCall } from '../support/fake-slack.js';
import { manualTiming, DAY, startFixture, type Fixture } from './fixture.js';

let fx: Fixture;
let slack: FakeSlack;
let app: App;
/** The sandbox clock's time of each chat.postMessage, to check the per-channel pace without waiting. */
let postedAt: number[];

const DIGESTS = reportPolicySchema.parse({
  digests: [{ channel: 'C0PLATFORM', environments: ['*'], cron: '0 9 * * *', time_zone: 'Europe/Berlin' }],
}).digests;

/** Enough pending approvals that the digest overflows 50 blocks and continues in its thread. */
const MANY_APPROVALS = Array.from({ length: 400 }, (_, i) => ({ id: i + 1, verb: 'restart', environment: `staging-${i}-${'·'.repeat(280)}`, params: {}, requestedBy: 'U0MARIA' }));

beforeEach(async () => {
  fx = await startFixture({ clock: new ManualClock('2026-03-20T07:30:00Z'), reports: { pendingApprovals: () => MANY_APPROVALS, activeOverrides: () => [] } });
  await fx.refreshAndSample();
  slack = await startFakeSlack();
  postedAt = [];
  let ts = 0;
  slack.respond('chat.postMessage', ({ body }) => {
    postedAt.push(fx.clock.now().getTime());
    return { ok: true, channel: body.channel, ts: `1700000000.${String(++ts).padStart(6, '0')}` };
  });
  app = new App({ token: 'xoxb-test', signingSecret: 'secret', clientOptions: { slackApiUrl: slack.apiUrl }, deferInitialization: true });
});

afterEach(async () => {
  await slack.close();
  await fx.close();
});

function digestJob(db: Database = fx.db): DigestJob {
  return new DigestJob({
    digests: DIGESTS,
    reports: fx.reports,
    store: new NoticesStore(db),
    outbound: new SlackOutbound(app.client, { logger: silentLogger, timing: manualTiming(fx.clock) }),
    clock: fx.clock,
    logger: silentLogger,
  });
}

function topLevel(calls: readonly FakeSlackCall[]): FakeSlackCall[] {
  return calls.filter((call) => call.body.thread_ts === undefined);
}

describe('daily digest through the real Slack WebClient', () => {
  it('reaches Slack once per channel and day, at most 50 blocks a message, the rest in the thread at a message a second', async () => {
    const job = digestJob();
    const [first] = await job.runOnce();
    const [second] = await job.runOnce();
    expect(first).toMatchObject({ channel: 'C0PLATFORM', localDate: '2026-03-20', status: 'posted' });
    expect(second).toMatchObject({ status: 'already-posted' });

    const posts = slack.callsTo('chat.postMessage');
    expect(topLevel(posts)).toHaveLength(1);
    expect(posts.length).toBeGreaterThan(1);
    for (const post of posts) expect((post.body.blocks as unknown[]).length).toBeLessThanOrEqual(50);
    const main = topLevel(posts)[0]!;
    expect(main.body.channel).toBe('C0PLATFORM');
    expect(JSON.stringify(main.body.blocks)).toContain('dockhand digest · 2026-03-20');
    expect(JSON.stringify(main.body.blocks)).toContain('Continued in the thread');
    for (const reply of posts.slice(1)) expect(reply.body.thread_ts).toBe(first!.status === 'posted' ? first!.ts : '');
    for (let i = 1; i < postedAt.length; i++) expect(postedAt[i]! - postedAt[i - 1]!).toBeGreaterThanOrEqual(1000);
  });

  it('posts once when two processes run it at once, and again the next local day', async () => {
    const outcomes = await Promise.all([digestJob(fx.openAgain()).runOnce(), digestJob(fx.openAgain()).runOnce()]);
    expect(outcomes.flat().map((o) => o.status).sort()).toEqual(['already-posted', 'posted']);
    expect(topLevel(slack.callsTo('chat.postMessage'))).toHaveLength(1);

    // A restart later the same Berlin day posts nothing; the next day it posts again.
    fx.clock.advance(12 * 3_600_000);
    expect((await digestJob(fx.openAgain()).runOnce())[0]).toMatchObject({ status: 'already-posted' });
    fx.clock.advance(DAY);
    expect((await digestJob(fx.openAgain()).runOnce())[0]).toMatchObject({ status: 'posted', localDate: '2026-03-21' });
    expect(topLevel(slack.callsTo('chat.postMessage'))).toHaveLength(2);
  });

  it('tries again after a failure that posted nothing', async () => {
    slack.respond('chat.postMessage', { ok: false, error: 'ratelimited' }, { times: 1 });
    const job = digestJob();
    expect((await job.runOnce())[0]).toMatchObject({ status: 'failed' });
    expect((await job.runOnce())[0]).toMatchObject({ status: 'posted' });
    expect((await job.runOnce())[0]).toMatchObject({ status: 'already-posted' });
  });

  it('tries again later when the bot is not in the channel', async () => {
    slack.respond('chat.postMessage', { ok: false, error: 'not_in_channel' }, { times: 1 });
    const job = digestJob();
    expect((await job.runOnce())[0]).toMatchObject({ status: 'failed' });
    expect((await job.runOnce())[0]).toMatchObject({ status: 'posted' });
  });

  it('counts the day as done when the thread fails after the main message is out', async () => {
    let posts = 0;
    slack.respond('chat.postMessage', ({ body }) => (++posts === 2 ? { ok: false, error: 'invalid_blocks' } : { ok: true, channel: body.channel, ts: `1700000000.${String(posts).padStart(6, '0')}` }));
    const job = digestJob();
    expect((await job.runOnce())[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('invalid_blocks') });
    expect((await job.runOnce())[0]).toMatchObject({ status: 'already-posted' });
    expect(topLevel(slack.callsTo('chat.postMessage'))).toHaveLength(1);
  });
});
