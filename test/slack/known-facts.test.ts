import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { askPrivately, blocksText } from '../support/slack-requests.js';

/** dockhand states only what it knows: issue 11, item 4, each through the receiver. */
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => {
  h.slack.reset();
  h.sandbox.clearFaults();
});

describe('who changed what says "No changes" only when CloudTrail was read', () => {
  it('says it was not read yet, then that the read failed and why, then "No changes" once it was read', async () => {
    const notYet = await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'who staging-3');
    expect(blocksText(notYet)).not.toContain('No changes');
    expect(blocksText(notYet)).toContain('dockhand cannot say what changed in `staging-3` in the last 24h: CloudTrail was not read for all of it.');
    expect(blocksText(notYet)).toContain('sandbox (111111111111) us-east-1 ecs.amazonaws.com: not read yet');

    h.sandbox.failOn((req) =>
      req.operation === 'LookupEvents' && req.region === 'eu-west-1'
        ? Object.assign(new Error('User: arn:aws:iam::111111111111:user/dockhand is not authorized to perform: cloudtrail:LookupEvents'), { name: 'AccessDeniedException' })
        : undefined,
    );
    const run = await h.dockhand.auditIngest.runOnce();
    expect(run.errors).toHaveLength(1);
    const failed = await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'who staging-3');
    expect(blocksText(failed)).not.toContain('No changes');
    expect(blocksText(failed)).toMatch(/sandbox \(111111111111\) eu-west-1 ecs.amazonaws.com: the last read failed (just now|\d+s ago): AccessDeniedException: User: arn:aws:iam::111111111111:user\/dockhand is not authorized to perform: cloudtrail:LookupEvents/);
    expect(blocksText(failed)).not.toContain('us-east-1 ecs.amazonaws.com');

    const digest = await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'digest preview');
    expect(blocksText(digest)).not.toContain('No changes');
    expect(blocksText(digest)).toContain('dockhand cannot say what changed: CloudTrail was not read for all of the day.');
    expect(blocksText(digest)).toContain('eu-west-1 ecs.amazonaws.com: the last read failed');

    h.sandbox.clearFaults();
    expect((await h.dockhand.auditIngest.runOnce()).errors).toEqual([]);
    const read = await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'who staging-3');
    expect(blocksText(read)).toContain('No changes to `staging-3` in the last 24h.');
    expect(blocksText(read)).not.toContain('not read');
    const readDigest = await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'digest preview');
    expect(blocksText(readDigest)).not.toContain('cannot say what changed');
  });
});
