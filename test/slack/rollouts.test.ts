import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/load.js';
import { ManualClock } from '../../src/domain/clock.js';
import { openSqlite } from '../../src/store/db.js';
import { RolloutFollowsStore } from '../../src/store/rollout-follows-store.js';
import { SCHEDULER_ACTOR } from '../../src/jobs/scheduler.js';
import { RolloutFollower } from '../../src/jobs/rollout-follower.js';
import { silentLogger } from '../../src/log.js';
import { silentOutbound } from '../../src/outbound.js';
import { OperationsStore } from '../../src/store/operations-store.js';
import type { FakeSlackCall } from '../support/fake-slack.js';
import { startHarness, TEST_POLICY, type Harness } from '../support/harness.js';
import { blocksText, sendCommand } from '../support/slack-requests.js';

/** A deployment takes 3 m 10 s on the sandbox clock, which only the test moves. */
const ROLLOUT_MS = 190_000;

async function follows(h: Harness) {
  const db = openSqlite(h.dbPath);
  try {
    return (await new RolloutFollowsStore(db).open());
  } finally {
    db.db.$client.close();
  }
}

const isUpdateContaining = (text: string) => (c: FakeSlackCall) => c.method === 'chat.update' && blocksText(c).includes(text);

/** Runs `/env <text>` and waits until its progress message shows the rollout being followed. */
async function restartAndSeeItFollowed(h: Harness, text: string): Promise<{ ts: string }> {
  h.slack.reset();
  await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', text);
  // The runner's own update of its progress message, then the follower's of the same message.
  const progress = await h.slack.waitFor('chat.update');
  const following = await h.slack.waitFor(isUpdateContaining('Following the rollout until'));
  await h.dockhand.refresher.settled();
  expect(following.body.ts).toBe(progress.body.ts);
  return { ts: String(following.body.ts) };
}

describe('rollouts followed to their end, through the real receiver and the sandbox', () => {
  const clock = new ManualClock('2026-03-20T10:00:00Z');
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ clock, sandbox: { clock, convergeDelayMs: ROLLOUT_MS }, scheduler: false });
  });
  afterAll(() => h.close());
  beforeEach(() => h.sandbox.clearFaults());

  it('a restart that succeeds ends with "completed in …", costing no AWS call beyond the refreshes', async () => {
    const { ts } = await restartAndSeeItFollowed(h, 'restart staging-3 web');
    const rolling = h.slack.calls.filter(isUpdateContaining('rolling out')).at(-1) as FakeSlackCall;
    expect(blocksText(rolling)).toContain('*web* rolling out');
    expect((await follows(h))).toHaveLength(1);

    // Two periodic refreshes: one early on (nothing changed, so the message is not touched), one after the end.
    h.sandbox.resetCounts();
    const before = h.slack.calls.filter((c) => c.method === 'chat.update').length;
    clock.advance(ROLLOUT_MS / 4);
    const halfway = await h.dockhand.refresher.refresh('interval');
    expect(h.slack.calls.filter((c) => c.method === 'chat.update').length).toBe(before);
    clock.advance((3 * ROLLOUT_MS) / 4 + 20_000);
    const after = await h.dockhand.refresher.refresh('interval');
    const done = await h.slack.waitFor(isUpdateContaining('rollout completed in'));
    expect(done.body.ts).toBe(ts);
    expect(done.body.channel).toBe('C0DEV');
    expect(blocksText(done)).toContain(':white_check_mark: *web* rollout completed in 3 m 10 s');
    expect(blocksText(done)).not.toContain('Following the rollout');
    // The refreshes' own calls, and not one more: following reads the stored snapshots only.
    expect(h.sandbox.countCalls()).toBe(halfway.awsCalls + after.awsCalls);
    expect(h.sandbox.countCalls({ service: 'logs' })).toBe(0);
    expect((await follows(h))).toEqual([]);

    // Nothing is followed any more: a further refresh updates nothing.
    const updates = h.slack.calls.filter((c) => c.method === 'chat.update').length;
    await h.dockhand.refresher.refresh('interval');
    expect(h.slack.calls.filter((c) => c.method === 'chat.update').length).toBe(updates);
  });

  it('a restart whose new deployment fails ends with the failure, the reason and the /env why summary', async () => {
    h.sandbox.breakService({ cluster: 'staging-3', service: 'worker', failure: { kind: 'image-missing', imageTag: 'v-gone', rollback: true }, nextDeployment: true });
    const { ts } = await restartAndSeeItFollowed(h, 'restart staging-3 worker');
    h.sandbox.resetCounts();
    clock.advance(ROLLOUT_MS + 5_000);
    const record = await h.dockhand.refresher.refresh('interval');
    const failed = await h.slack.waitFor(isUpdateContaining('rollout failed after'));
    const text = blocksText(failed);
    if (process.env.SHOW_MESSAGE) console.log(JSON.stringify(failed.body.blocks, null, 1));
    expect(failed.body.ts).toBe(ts);
    expect(text).toContain(':x: *worker* rollout failed after 3 m 10 s: ECS deployment circuit breaker: rolling back to deploymentId');
    expect(text).toContain('(the circuit breaker rolled it back)');
    // The same words as `/env why`: the image not found, and not to restart.
    expect(text).toContain('staging-3-worker:v-gone not found');
    expect(text).toContain('A restart will not fix it');
    expect(text).toContain('*Next:*');
    // The stopped tasks came from the refresh's own sample (ListTasks, DescribeTasks), counted in its calls.
    expect(h.sandbox.countCalls()).toBe(record.awsCalls);
    expect(h.sandbox.countCalls({ operation: 'DescribeTasks' })).toBe(1);
    expect((await follows(h))).toEqual([]);
  });

  it('a restart of dockhand in between still finishes the same message', async () => {
    const { ts } = await restartAndSeeItFollowed(h, 'restart staging-3 ledger');
    await h.stopDockhand();
    expect((await follows(h))).toHaveLength(1);
    clock.advance(ROLLOUT_MS);
    h.slack.reset();
    const restarted = await startHarness({ reuse: { sandbox: h.sandbox, slack: h.slack, dbPath: h.dbPath }, clock, scheduler: false });
    try {
      // The restarted dockhand's first refresh (the harness makes it) ends what the previous one followed.
      const done = await h.slack.waitFor(isUpdateContaining('rollout completed in'));
      expect(done.body.ts).toBe(ts);
      expect(blocksText(done)).toContain('*ledger* rollout completed in 3 m 10 s');
      expect((await follows(restarted))).toEqual([]);
    } finally {
      await restarted.close();
      h = await startHarness({ reuse: { sandbox: h.sandbox, slack: h.slack, dbPath: h.dbPath }, clock, scheduler: false });
    }
  });

  it('does not follow an operation without a progress message (the scheduler\'s), nor a stop', async () => {
    const db = openSqlite(h.dbPath);
    try {
      const operations = new OperationsStore(db);
      const store = new RolloutFollowsStore(db);
      const follower = new RolloutFollower({ follows: store, operations, services: () => [], stoppedTasks: { forService: async () => [] }, outbound: silentOutbound(silentLogger), clock, logger: silentLogger, followMs: 60_000 });
      const begin = async (verb: 'start' | 'stop', channelId: string) => {
        const begun = (await operations.begin({ environment: `nowhere-${verb}`, verb, params: {}, requestedBy: SCHEDULER_ACTOR, approvedBy: null, channelId, startedAt: clock.now().toISOString() }, [
          { serviceArn: `arn:aws:ecs:us-east-1:111111111111:service/x/${verb}`, account: '111111111111', region: 'us-east-1', cluster: 'x', service: verb },
        ]));
        if (!begun.ok) throw new Error('busy');
        const step = begun.steps[0] as { id: number };
        await operations.updateStep(step.id, { status: 'done' });
        await operations.finish(begun.operation.id, 'succeeded', clock.now().toISOString(), '1/1');
        return { ...begun.operation, status: 'succeeded' as const, finishedAt: clock.now().toISOString() };
      };
      await follower.begin(await begin('start', ''));
      const stop = await begin('stop', 'C0DEV');
      await operations.setMessage(stop.id, '123.456');
      await follower.begin(stop);
      expect((await store.open())).toEqual([]);
    } finally {
      db.db.$client.close();
    }
  });
});

describe('a rollout still going at the limit', () => {
  it('says so honestly, with where to look', async () => {
    const clock = new ManualClock('2026-03-20T10:00:00Z');
    const policy = parsePolicy(`${TEST_POLICY}rollouts:\n  follow_minutes: 5\n`);
    const h = await startHarness({ policy, clock, sandbox: { clock, convergeDelayMs: 40 * 60_000 }, scheduler: false });
    try {
      await restartAndSeeItFollowed(h, 'restart staging-3 scheduler');
      clock.advance(5 * 60_000);
      await h.dockhand.refresher.refresh('interval');
      const limit = await h.slack.waitFor(isUpdateContaining('still rolling out after 5 min'));
      expect(blocksText(limit)).toContain('`/env why staging-3 scheduler`');
      expect((await follows(h))).toEqual([]);
    } finally {
      await h.close();
    }
  });
});
