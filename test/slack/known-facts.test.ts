import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/load.js';
import { ManualClock } from '../../src/domain/clock.js';
import { startSandbox } from '../../dev/sandbox/index.js';
import { startFakeSlack } from '../support/fake-slack.js';
import { startHarness, TEST_POLICY, type Harness } from '../support/harness.js';
import { askPrivately, blocksText, sendCommand } from '../support/slack-requests.js';

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

describe('/env idle and owners that are user groups', () => {
  it('does not call prod orphaned because its owner tag is a user-group handle, but still flags an owner who left', async () => {
    const members = ['maria', 'dmitri', 'priya', 'sam'].map((name, i) => ({ id: `U0${name.toUpperCase()}${i}`, name, profile: { display_name: name, email: `${name}@example.com` } }));
    h.slack.respond('users.list', () => ({ ok: true, members }), { times: 1 });
    h.slack.respond('usergroups.list', () => ({ ok: true, usergroups: [{ id: 'S0ONCALL', handle: 'platform-oncall', date_delete: 0 }, { id: 'S0OLD', handle: 'lee', date_delete: 1700000000 }] }));

    const idle = blocksText(await askPrivately(h.eventsUrl, h.slack, 'U0ADMIN', 'idle'));
    expect(h.slack.callsTo('usergroups.list').length).toBeGreaterThan(0);
    expect(idle).not.toContain('@platform-oncall is neither');
    expect(idle).not.toMatch(/`prod`[^\\]*owner/);
    // perf-1's owner @lee is no member, and the group once called lee was deleted.
    expect(idle).toContain('owner @lee is neither a member nor a user group of the Slack workspace');
  });
});

describe('who changed what says "No changes" only when CloudTrail was read', () => {
  it('says it was not read yet, then that the read failed and why, then "No changes" once it was read', async () => {
    const notYet = await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'who staging-3');
    expect(blocksText(notYet)).not.toContain('No changes');
    expect(blocksText(notYet)).toContain('dockhand cannot say what changed in `staging-3` in the last 24h: CloudTrail was not read for all of it.');
    // Maria views dev/qa/staging only: the location is named without its account id, as /env refresh does.
    expect(blocksText(notYet)).toContain('sandbox us-east-1 ecs.amazonaws.com: not read yet');
    expect(blocksText(notYet)).not.toContain('111111111111');
    const all = blocksText(await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'who all'));
    expect(all).toContain('sandbox us-east-1 ecs.amazonaws.com: not read yet');
    expect(all).not.toContain('111111111111');
    expect(blocksText(await askPrivately(h.eventsUrl, h.slack, 'U0ADMIN', 'who all'))).toContain('sandbox (111111111111) us-east-1 ecs.amazonaws.com: not read yet');

    h.sandbox.failOn((req) =>
      req.operation === 'LookupEvents' && req.region === 'eu-west-1'
        ? Object.assign(new Error('User: arn:aws:iam::111111111111:user/dockhand is not authorized to perform: cloudtrail:LookupEvents'), { name: 'AccessDeniedException' })
        : undefined,
    );
    const run = await h.dockhand.auditIngest.runOnce();
    expect(run.errors).toHaveLength(1);
    const narrow = await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'who staging-3');
    expect(blocksText(narrow)).not.toContain('No changes');
    expect(blocksText(narrow)).toMatch(/sandbox eu-west-1 ecs.amazonaws.com: the last read failed (just now|\d+s ago)"/);
    expect(blocksText(narrow)).not.toMatch(/111111111111|not authorized/);
    const failed = await askPrivately(h.eventsUrl, h.slack, 'U0ADMIN', 'who staging-3');
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

describe('/env scale on an environment dockhand parked', () => {
  it('answers privately that it is parked and how to bring it back, and changes nothing', async () => {
    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'stop staging-3');
    await h.slack.waitFor((c) => c.method === 'chat.update' && String(c.body.text).startsWith('`staging-3` stopped'));
    h.slack.reset();
    h.sandbox.resetCounts();

    const answer = await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'scale staging-3 api 3');
    expect(answer.body.text).toBe('`staging-3` is parked; `/env start staging-3` brings it back.');
    expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage')).toEqual([]);
    expect(h.sandbox.countCalls({ operation: 'UpdateService' }) + h.sandbox.countCalls({ operation: 'RegisterScalableTarget' })).toBe(0);
    expect((await h.dockhand.audit.recent(5, 'staging-3')).map((row) => `${row.verb} ${row.outcome}`)).toContain('scale invalid');

    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'start staging-3');
    await h.slack.waitFor((c) => c.method === 'chat.update' && String(c.body.text).startsWith('`staging-3` started'));
    expect(h.sandbox.service('111111111111', 'us-east-1', 'staging-3', 'api')?.desiredCount).toBe(2);
  });
});

describe('an AWS error is shown once', () => {
  it('names a refused connection once, not "Error: Error: …"', async () => {
    const sandbox = await startSandbox({ convergeDelayMs: 0 });
    const slack = await startFakeSlack();
    const dir = mkdtempSync(join(tmpdir(), 'dockhand-test-'));
    const down = await startHarness({ reuse: { sandbox, slack, dbPath: join(dir, 'dockhand.db') } });
    try {
      await sandbox.close();
      await sendCommand(down.eventsUrl, slack, 'U0MARIA', 'restart dev-1');
      const final = await slack.waitFor((c) => c.method === 'chat.update' && String(c.body.text).startsWith('restart of `dev-1`'));
      const text = blocksText(final);
      expect(text).toMatch(/nothing changed: connect ECONNREFUSED 127\.0\.0\.1:\d+/);
      expect(text).not.toMatch(/Error: Error/);
      const refresh = await askPrivately(down.eventsUrl, slack, 'U0ADMIN', 'refresh');
      expect(blocksText(refresh)).toContain('connect ECONNREFUSED');
      expect(blocksText(refresh)).not.toMatch(/Error: Error/);
    } finally {
      await down.close();
      await slack.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('cost estimates during an AWS outage', () => {
  it('do not count the last known tasks as running on, and show the gap as a gap', async () => {
    const clock = new ManualClock('2026-03-01T00:00:00Z');
    const tenMinutes = 600_000;
    const outage = await startHarness({ clock, sandbox: { clock }, policy: parsePolicy(`${TEST_POLICY}\ninventory:\n  refresh_seconds: 600\n`) });
    try {
      // Two hours watched, then two hours in which eu-west-1 (prod-eu) cannot be read.
      for (let i = 0; i < 12; i++) {
        clock.advance(tenMinutes);
        expect((await outage.dockhand.refresher.refresh('test')).errors).toEqual([]);
      }
      outage.sandbox.failOn((req) => (req.service === 'ecs' && req.region === 'eu-west-1' ? Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailableException' }) : undefined));
      for (let i = 0; i < 12; i++) {
        clock.advance(tenMinutes);
        expect((await outage.dockhand.refresher.refresh('test')).errors).toHaveLength(1);
      }

      const fleet = blocksText(await askPrivately(outage.eventsUrl, outage.slack, 'U0ADMIN', 'cost mtd'));
      expect(fleet).toMatch(/`prod-eu` · est\. \*\$[\d.]+\* · billed — · n\/a vs previous · :warning: sampled 2 of 4 h/);
      expect(fleet).toContain('marked environments were sampled for less of the period than the fleet');
      expect(fleet).not.toMatch(/`prod` · [^\\]*sampled/);

      const prodEu = blocksText(await askPrivately(outage.eventsUrl, outage.slack, 'U0ADMIN', 'cost prod-eu mtd'));
      // 2 tasks of api for the two hours watched and one refresh interval after (a missed refresh is tolerated).
      expect(prodEu).toContain('api · est. $0.23 · 5 task-hours');
      expect(prodEu).toContain('dockhand sampled the fleet for 2 of the 4 hours in this period');
    } finally {
      await outage.close();
    }
  });
});
