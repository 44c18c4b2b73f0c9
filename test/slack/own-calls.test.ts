import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCKHAND_USER_AGENT } from '../../src/aws/clients.js';
import { parsePolicy } from '../../src/config/load.js';
import { ManualClock } from '../../src/domain/clock.js';
import { DOCKHAND_VERSION } from '../../src/package.js';
import { AuditStore } from '../../src/store/audit-store.js';
import { openSqlite } from '../../src/store/db.js';
import { auditLog } from '../../src/store/schema.js';
import { DIGEST_POLICY, SANDBOX_CREDENTIALS, startHarness, TEST_POLICY, type Harness } from '../support/harness.js';
import { askPrivately, blocksText, sendCommand } from '../support/slack-requests.js';

/** No role_arn: dockhand calls AWS with the same credentials as anyone else holding them. */
const POLICY = `${TEST_POLICY}
schedules:
  named:
    business-hours: "weekdays 09:00-19:00 Europe/Berlin"
  defaults:
    - environments: ["dev-*"]
      schedule: business-hours
${DIGEST_POLICY}`;

let h: Harness;
const clock = new ManualClock('2026-03-23T08:00:00Z'); // Monday 09:00 in Berlin

beforeAll(async () => {
  h = await startHarness({ clock, policy: parsePolicy(POLICY), sandbox: { clock } });
  await h.dockhand.scheduler.tick(clock.now());

  // 10:00 Maria stops staging-3 through Slack.
  clock.set('2026-03-23T09:00:00Z');
  await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'stop staging-3');
  await h.slack.waitFor((c) => c.method === 'chat.update' && c.body.channel === 'C0DEV' && /stopped for <@U0MARIA>/.test(String(c.body.text)));

  // 19:00 the schedule parks dev-1 and dev-2.
  clock.set('2026-03-23T18:00:00Z');
  await h.dockhand.refresher.refresh('test');
  await h.dockhand.scheduler.tick(clock.now());

  // 19:30 someone else, with the very credentials dockhand uses and a user agent saying dockhand, scales qa-1 to zero.
  clock.set('2026-03-23T18:30:00Z');
  const impostor = new ECSClient({ endpoint: h.sandbox.url, region: 'us-east-1', credentials: SANDBOX_CREDENTIALS, customUserAgent: `dockhand/${DOCKHAND_VERSION}` });
  await impostor.send(new UpdateServiceCommand({ cluster: 'nonprod', service: 'qa-1-web', desiredCount: 0 }));
  impostor.destroy();

  clock.set('2026-03-23T19:00:00Z');
  await h.dockhand.refresher.refresh('test');
  await h.dockhand.auditIngest.runOnce();
});
afterAll(() => h.close());

describe("dockhand's own calls, known by request id, in an account without role_arn", () => {
  it('sends dockhand/<version> as the user agent of its AWS calls', () => {
    const own = h.sandbox.requests.filter((r) => r.operation === 'UpdateService' && r.params && (r.params as { cluster?: string }).cluster === 'staging-3');
    expect(own.length).toBeGreaterThan(0);
    for (const request of own) expect(request.userAgent).toContain(DOCKHAND_USER_AGENT);
  });

  it("/env who shows a developer's stop as hers, via dockhand, without an 'outside dockhand' flag", async () => {
    const answer = blocksText(await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'who staging-3 24h'));
    expect(answer).toContain('<@U0MARIA> (via dockhand) set staging-3/api desired 2 → 0');
    // Auto Scaling clamping the service to its new bounds is the park taking effect, not news.
    expect(answer).toContain('application-autoscaling.amazonaws.com set staging-3/api desired 2 → 0');
    expect(answer).not.toContain('outside dockhand');
    expect(answer).not.toContain('claims to be dockhand');
    expect(answer).not.toContain(':warning:');
  });

  it("/env who shows the scheduler's park as the schedule, via dockhand, unflagged", async () => {
    const answer = blocksText(await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'who dev-1 24h'));
    expect(answer).toMatch(/the schedule \(via dockhand\) set dev-1\/dev-1-\w+ desired \d+ → 0/);
    expect(answer).not.toContain('outside dockhand');
    expect(answer).not.toContain(':warning:');
  });

  it('flags the same change by another caller whose user agent says dockhand', async () => {
    const answer = blocksText(await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'who qa-1 24h'));
    expect(answer).toMatch(/:warning: sandbox-admin \(via AWS SDK for JavaScript [\d.]+\) set qa-1\/qa-1-web desired 1 → 0 — _claims to be dockhand, but dockhand made no such call, scaled to zero outside dockhand_/);
    expect(answer).not.toContain('(via dockhand)');
  });

  it("the digest's changes section agrees: only the impostor is flagged", async () => {
    const digest = blocksText(await askPrivately(h.eventsUrl, h.slack, 'U0ADMIN', 'digest preview'));
    expect(digest).toContain('Who changed what');
    expect(digest).toMatch(/`qa-1` · 1 change \(:warning: 1 flagged\)/);
    expect(digest).toMatch(/`staging-3` · \d+ changes(?! \()/);
    expect(digest).toMatch(/`dev-1` · \d+ changes?(?! \()/);
    expect(digest).toContain('claims to be dockhand');
    expect(digest).not.toMatch(/staging-3\/api desired 2 → 0 — _/);
  });
});

describe('request ids are kept with their audit entry', () => {
  it('are found by id, and go when the audit entry goes (retention)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockhand-audit-'));
    const db = openSqlite(join(dir, 'dockhand.db'));
    try {
      const audit = new AuditStore(db);
      const entry = { at: '2026-03-23T09:00:00.000Z', actor: 'U0MARIA', verb: 'aws:ecs:UpdateService', environment: 'staging-3', params: {}, outcome: 'ok' as const };
      await audit.record(entry, ['req-1', 'req-2']);
      expect((await audit.ownCall('req-2'))).toMatchObject({ actor: 'U0MARIA', environment: 'staging-3' });
      expect((await audit.ownCall('req-3'))).toBeUndefined();
      await db.db.delete(auditLog);
      expect((await audit.ownCall('req-1'))).toBeUndefined();
      expect(db.db.$client.prepare('select count(*) as n from aws_requests').get()).toEqual({ n: 0 });
    } finally {
      db.db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
