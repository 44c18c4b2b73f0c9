import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxError } from '../../dev/sandbox/index.js';
import { parsePolicy } from '../../src/config/load.js';
import { ManualClock } from '../../src/domain/clock.js';
import { startHarness, TEST_POLICY, type Harness } from '../support/harness.js';
import { sendCommand } from '../support/slack-requests.js';

/**
 * Found by a hostile trial: AWS calls that ran past their deadline, or had none. A short step deadline
 * (500 ms), AWS answering slowly; only counts and outcomes are asserted, the waits only let the deadline pass.
 */
const POLICY = `${TEST_POLICY}
schedules:
  named:
    business-hours: "weekdays 09:00-19:00 Europe/Berlin"
  defaults:
    - environments: ["qa-*"]
      schedule: business-hours
  native: ["qa-1"]
aws:
  request_timeout_ms: 10000
  step_deadline_ms: 500
`;

let h: Harness;
const clock = new ManualClock('2026-03-23T09:00:00Z'); // Monday 10:00 in Berlin
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  h = await startHarness({ clock, policy: parsePolicy(POLICY), scheduler: false });
});
afterAll(() => h.close());

async function waitUntil(check: () => boolean, ms = 20_000): Promise<void> {
  for (let waited = 0; !check(); waited += 50) {
    if (waited > ms) throw new Error('timed out waiting');
    await sleep(50);
  }
}

describe('AWS calls stop at their deadline', () => {
  it('a stop whose read failed early does not retry its other read after the deadline', async () => {
    h.sandbox.clearFaults();
    h.slack.reset();
    // staging-1's read is DescribeServices and DescribeScalableTargets at once: the first fails at once,
    // the second is held by AWS past the 500 ms deadline and then throttled three times.
    h.sandbox.failOn((r) => (r.operation === 'DescribeServices' && JSON.stringify(r.params).includes('staging-1') ? new SandboxError('AccessDeniedException', 'denied') : undefined));
    const held = h.sandbox.hold((r) => r.operation === 'DescribeScalableTargets' && JSON.stringify(r.params).includes('staging-1'));
    const before = h.sandbox.requests.length;
    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'stop staging-1');
    await held.reached;
    const outcome = await h.slack.waitFor((c) => c.method === 'chat.update' && String(c.body.text).includes('`staging-1`') && !String(c.body.text).includes(' is '), 20_000);
    expect(String(outcome.body.text)).toMatch(/failed/);
    // Well past the step deadline, with the operation reported failed: AWS answers, throttling.
    await sleep(1500);
    h.sandbox.throttle('DescribeScalableTargets', 3);
    held.release();
    const reads = () => h.sandbox.requests.slice(before).filter((r) => r.operation === 'DescribeScalableTargets' && JSON.stringify(r.params).includes('staging-1'));
    // Before the fix the SDK's retries came within a few seconds (4 requests, the last one answered).
    await waitUntil(() => reads().some((r) => r.error === undefined), 5_000).catch(() => undefined);
    // A deadline that held would refuse every attempt after the first (the middleware's check): one request.
    expect(reads().length).toBe(1);
  });

  it('/env extend on a native environment gives up suspending its scheduled scaling at the deadline, and answers', async () => {
    h.sandbox.clearFaults();
    await h.dockhand.scheduler.repairNative();
    h.slack.reset();
    const held = h.sandbox.hold((r) => r.operation === 'RegisterScalableTarget');
    const sentAt = Date.now();
    const { responseId } = await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'extend qa-1 10h');
    await held.reached;
    // Three step deadlines later AWS still has not answered, and nothing has cut the call off: no answer yet.
    await sleep(1500);
    const answeredEarly = h.slack.calls.filter((c) => c.method === 'response_url' && c.responseId === responseId).length;
    held.release();
    const answer = await h.slack.waitFor((c) => c.method === 'response_url' && c.responseId === responseId, 20_000);
    // Time for retries to show, had the deadline not refused them.
    await sleep(2000);
    // The call already sent may still land (nothing unsends it; the sandbox applies it once released), but it is
    // not retried, and nothing more is written after the deadline.
    const registers = h.sandbox.requests.filter((r) => r.operation === 'RegisterScalableTarget' && r.at.getTime() >= sentAt);
    const targets = new Set(registers.map((r) => JSON.stringify(r.params)));
    expect({ answeredEarly, attempts: registers.length }).toEqual({ answeredEarly: 1, attempts: targets.size });
    expect(String(answer.body.text)).toMatch(/stays up until/);
  }, 60_000);
});
