import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/load.js';
import { ManualClock } from '../../src/domain/clock.js';
import { startHarness, TEST_POLICY, type Harness } from '../support/harness.js';
import { askPrivately, blocksText, sendCommand } from '../support/slack-requests.js';

/**
 * Deadlines short enough for a test to see them pass, long enough for a loaded machine to read the demo
 * fleet when AWS answers; the outcomes are asserted, never the timings.
 */
const POLICY = `${TEST_POLICY}
aws:
  connect_timeout_ms: 1000
  request_timeout_ms: 1000
  refresh_deadline_ms: 5000
  step_deadline_ms: 3000
`;

let h: Harness;
const clock = new ManualClock('2026-03-23T08:00:00Z');

beforeAll(async () => {
  h = await startHarness({ clock, policy: parsePolicy(POLICY), sandbox: { clock } });
});
afterAll(() => h.close());

/** A private answer that may take as long as a deadline: waited for longer than the helpers' default. */
async function answerTo(userId: string, text: string) {
  const { responseId } = await sendCommand(h.eventsUrl, h.slack, userId, text);
  return h.slack.waitFor((c) => c.method === 'response_url' && c.responseId === responseId, 20_000);
}

/** The final state of an operation's message: its last chat.update once it no longer says "is …ing". */
async function operationOutcome(environment: string) {
  const final = await h.slack.waitFor(
    (c) => c.method === 'chat.update' && c.body.channel === 'C0DEV' && String(c.body.text).includes(`\`${environment}\``) && !String(c.body.text).includes(' is '),
    20_000,
  );
  return { text: String(final.body.text), blocks: blocksText(final) };
}

describe('an AWS endpoint that accepts connections and never answers', () => {
  it('/env refresh answers with the failure named, and /env list shows each region failed with the true age of its snapshot', async () => {
    clock.advance(36_000);
    h.sandbox.hang(true);
    const refresh = await answerTo('U0ADMIN', 'refresh');
    expect(String(refresh.body.text)).toContain(':warning: sandbox (111111111111) us-east-1: DeadlineExceeded: AWS did not answer within 5 s (the deadline for reading sandbox us-east-1)');
    expect(String(refresh.body.text)).toContain('eu-west-1: DeadlineExceeded');

    const list = blocksText(await askPrivately(h.eventsUrl, h.slack, 'U0ADMIN', 'list'));
    expect(list).toContain('Last refresh 0s ago');
    // What is shown was read 36 s before the failed attempt: that is its age.
    expect(list).toContain(
      ':warning: `us-east-1` of sandbox failed (DeadlineExceeded: AWS did not answer within 5 s (the deadline for reading sandbox us-east-1)): showing what was read from AWS 36s ago',
    );
    expect(list).toMatch(/:warning: `eu-west-1` of sandbox failed \(DeadlineExceeded: .*\): showing what was read from AWS 36s ago/);
    expect(list).toContain('`staging-3` running');
    // A developer who cannot view every environment hears only that part of the fleet could not be read.
    const developers = blocksText(await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'list'));
    expect(developers).toContain('could not read part of the fleet');
    expect(developers).not.toContain('DeadlineExceeded');
  });

  it('/env stop ends as a recorded failure that changed nothing, and frees the environment', async () => {
    h.slack.reset();
    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'stop staging-3');
    const outcome = await operationOutcome('staging-3');
    expect(outcome.text).toMatch(/^stop of `staging-3` for <@U0MARIA> failed: 0\/6 services done/);
    expect(outcome.blocks).toContain('nothing changed: a read: AWS did not answer within 3 s (the deadline for reading staging-3 from AWS)');
    expect((await h.dockhand.operations.unfinished())).toEqual([]);
    const trail = (await h.dockhand.audit.recent(20, 'staging-3'));
    expect(trail.find((row) => row.verb === 'aws:ecs:DescribeServices')).toMatchObject({ outcome: 'error', detail: expect.stringContaining('DeadlineExceeded') });
    expect(h.sandbox.service('111111111111', 'us-east-1', 'staging-3', 'api')?.desiredCount).toBe(2);
  });

  it('recovers without a restart once AWS answers again', async () => {
    h.sandbox.hang(false);
    h.slack.reset();
    const refresh = await answerTo('U0ADMIN', 'refresh');
    expect(String(refresh.body.text)).toMatch(/^Read \d+ services from AWS in \d+ calls\.$/);
    const list = blocksText(await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'list'));
    expect(list).toMatch(/Read from AWS 0s ago \(\d+ AWS calls\)/);
    expect(list).not.toContain('failed');

    h.slack.reset();
    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'stop staging-3');
    const stopped = await operationOutcome('staging-3');
    expect(stopped.text).toMatch(/^`staging-3` stopped for <@U0MARIA>: 6\/6 services/);
    expect(h.sandbox.service('111111111111', 'us-east-1', 'staging-3', 'api')?.desiredCount).toBe(0);
  });

  it('a write cut off by its deadline: the reply says what was done, and that the cut-off call may have reached AWS', async () => {
    h.slack.reset();
    // AWS takes in staging-3's UpdateService calls and does not answer them (yet).
    const held = h.sandbox.hold(({ operation }) => operation === 'UpdateService');
    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'start staging-3');
    const outcome = await operationOutcome('staging-3');
    expect(outcome.text).toMatch(/^start of `staging-3` for <@U0MARIA> failed: 0\/6 services done/);
    expect(outcome.blocks).toContain(
      'ecs:UpdateService: AWS did not answer within 3 s (the deadline for start of api). ecs:UpdateService may or may not have reached AWS. Done before that: application-autoscaling:RegisterScalableTarget.',
    );
    expect(outcome.blocks).toContain('ecs:UpdateService: AWS did not answer within 3 s (the deadline for start of web). ecs:UpdateService may or may not have reached AWS. Nothing else was changed.');
    expect((await h.dockhand.operations.unfinished())).toEqual([]);
    held.release();

    // Nothing is wedged: the next start finishes the job from the park records.
    h.slack.reset();
    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'start staging-3');
    const started = await operationOutcome('staging-3');
    expect(started.text).toMatch(/^`staging-3` started for <@U0MARIA>: 6\/6 services/);
    expect(h.sandbox.service('111111111111', 'us-east-1', 'staging-3', 'api')?.desiredCount).toBe(2);
  });
});
