import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/load.js';
import { ManualClock } from '../../src/domain/clock.js';
import { SANDBOX_CREDENTIALS, startHarness, TEST_POLICY, type Harness } from '../support/harness.js';
import { askPrivately, blocksText, sendCommand } from '../support/slack-requests.js';

describe('time-boxed grants', () => {
  let h: Harness;
  const clock = new ManualClock(Date.now());
  beforeAll(async () => {
    h = await startHarness({ clock });
  });
  afterAll(() => h.close());

  it('gives a role for a while, ending by itself', async () => {
    expect((await askPrivately(h.eventsUrl, h.slack, 'U0SAM', 'list')).body.text).toMatch(/^You have no access to dockhand yet/);
    const granted = await askPrivately(h.eventsUrl, h.slack, 'U0ADMIN', 'grant <@U0SAM|sam> viewer qa-* 1h');
    expect(granted.body.text).toMatch(/^:key: Granted <@U0SAM> `viewer` on `qa-\*` for 1h, until <!date\^\d+\^\{date_short_pretty\} \{time\}\|\d{4}-\d\d-\d\d \d\d:\d\d UTC> \(grant #\d+\)\.$/);

    const list = await askPrivately(h.eventsUrl, h.slack, 'U0SAM', 'list');
    expect(blocksText(list)).toContain('`qa-1`');
    expect(blocksText(list)).not.toContain('`dev-1`');
    expect((await askPrivately(h.eventsUrl, h.slack, 'U0SAM', 'stop qa-1')).body.text).toMatch(/^You don’t have `stop` on `qa-1`\./);

    clock.advance(61 * 60_000);
    expect((await askPrivately(h.eventsUrl, h.slack, 'U0SAM', 'list')).body.text).toMatch(/^You have no access to dockhand yet/);
  });

  it('can be revoked early, and only by someone holding grant', async () => {
    await askPrivately(h.eventsUrl, h.slack, 'U0ADMIN', 'grant <@U0SAM> developer staging-* 8h');
    const refused = await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'revoke <@U0SAM>');
    expect(refused.body.text).toMatch(/^You don’t have `grant`, which revoking needs\./);
    const revoked = await askPrivately(h.eventsUrl, h.slack, 'U0ADMIN', 'revoke <@U0SAM>');
    expect(revoked.body.text).toMatch(/^:lock: Revoked `developer` on `staging-\*` \(#\d+\) from <@U0SAM>\.$/);
    expect((await askPrivately(h.eventsUrl, h.slack, 'U0SAM', 'status staging-1')).body.text).toMatch(/^You have no access/);
    const trail = (await h.dockhand.audit.recent(30)).map((r) => `${r.actor} ${r.verb} ${r.outcome}`);
    expect(trail).toEqual(expect.arrayContaining(['U0ADMIN grant ok', 'U0ADMIN revoke ok', 'U0MARIA revoke denied']));
  });

  it('refuses a grant by someone without grant, and an unknown role or duration', async () => {
    expect((await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'grant <@U0SAM> viewer qa-* 1h')).body.text).toBe('You don’t have `grant` on `qa-*`. It is held by <@U0ADMIN>.');
    expect((await askPrivately(h.eventsUrl, h.slack, 'U0ADMIN', 'grant <@U0SAM> wizard qa-* 1h')).body.text).toBe('There is no role `wizard`. Roles in dockhand.yml: viewer, developer, lead, admin.');
    expect((await askPrivately(h.eventsUrl, h.slack, 'U0ADMIN', 'grant <@U0SAM> viewer qa-* 90d')).body.text).toMatch(/^grants last at most 30d;/);
    expect((await askPrivately(h.eventsUrl, h.slack, 'U0ADMIN', 'grant @sam viewer qa-* 1h')).body.text).toMatch(/^`@sam` is not a Slack user: type @ and pick them from the list/);
  });
});

describe('attribution in AWS', () => {
  let h: Harness;
  beforeAll(async () => {
    const policy = parsePolicy(TEST_POLICY.replace('    name: sandbox\n', '    name: sandbox\n    role_arn: arn:aws:iam::111111111111:role/dockhand\n'));
    h = await startHarness({ policy });
  });
  afterAll(() => h.close());

  it('assumes the account role per Slack user, so CloudTrail names the person', async () => {
    const inventory = h.sandbox.requests.find((r) => r.operation === 'ListClusters');
    expect(inventory?.identity).toMatchObject({ type: 'AssumedRole', sessionName: 'dockhand-inventory' });
    h.sandbox.resetCounts();
    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'restart staging-3 api');
    await h.slack.waitFor((c) => c.method === 'chat.update' && String(c.body.text).startsWith('`staging-3` restarted'));
    const update = h.sandbox.requests.find((r) => r.operation === 'UpdateService');
    expect(update?.identity).toMatchObject({ type: 'AssumedRole', roleName: 'dockhand', sessionName: 'dockhand-U0MARIA', sourceIdentity: 'U0MARIA' });

    const trail = new CloudTrailClient({ endpoint: h.sandbox.url, region: 'us-east-1', credentials: SANDBOX_CREDENTIALS });
    const events = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'UpdateService' }] }));
    const record = JSON.parse(events.Events?.[0]?.CloudTrailEvent ?? '{}') as { userIdentity: { arn: string; sessionContext: { sourceIdentity: string } } };
    expect(record.userIdentity.arn).toBe('arn:aws:sts::111111111111:assumed-role/dockhand/dockhand-U0MARIA');
    expect(record.userIdentity.sessionContext.sourceIdentity).toBe('U0MARIA');
    trail.destroy();

    // The credentials are cached: a second operation by the same person assumes the role no more.
    const assumed = h.sandbox.countCalls({ operation: 'AssumeRole' });
    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'restart staging-3 web');
    await h.slack.waitFor((c) => c.method === 'chat.update' && String(c.body.text).includes('restarted') && JSON.stringify(c.body.blocks).includes('web'));
    expect(h.sandbox.countCalls({ operation: 'AssumeRole' })).toBe(assumed);
  });
});
