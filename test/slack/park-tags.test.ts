import { rmSync } from 'node:fs';
import { ECSClient, TagResourceCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS, startHarness, type Harness } from '../support/harness.js';
import { blocksText, operationOutcome, sendCommand } from '../support/slack-requests.js';

const ACCOUNT = '111111111111';
const STAGING_3 = ['api', 'web', 'worker', 'scheduler', 'payments-gateway', 'ledger'];

let first: Harness;
let h: Harness;

beforeAll(async () => {
  first = await startHarness();
  h = first;
});
afterAll(async () => {
  if (h !== first) await h.close();
  await first.close();
});

function staging3() {
  return STAGING_3.map((name) => {
    const view = h.sandbox.service(ACCOUNT, 'us-east-1', 'staging-3', name);
    if (!view) throw new Error(`sandbox has no staging-3/${name}`);
    return { name, desired: view.desiredCount, bounds: view.scalableTarget ? `${view.scalableTarget.min}-${view.scalableTarget.max}` : null, parkTag: view.tags['dockhand:park'] };
  });
}

async function finalMessage() {
  return (await operationOutcome(h.slack)).final;
}

describe('park records on the services themselves', () => {
  it('survive losing the database: start restores every service exactly from its tag, then removes the tags', async () => {
    const before = staging3();
    expect(before.find((s) => s.name === 'api')).toMatchObject({ desired: 2, bounds: '1-4', parkTag: undefined });
    expect(before.filter((s) => s.bounds === null).length).toBeGreaterThan(0);

    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'stop staging-3');
    expect(String((await finalMessage()).body.text)).toMatch(/^`staging-3` stopped for <@U0MARIA>: 6\/6 services/);
    const parked = staging3();
    for (const [i, service] of parked.entries()) {
      const was = before[i]!;
      const bounds = was.bounds ? ` min=${was.bounds.replace('-', ' max=')}` : '';
      expect(service.parkTag).toMatch(new RegExp(`^v1 desired=${was.desired}${bounds} by=U0MARIA at=\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\dZ$`));
      expect(service.desired).toBe(0);
    }

    // The database is lost: a redeploy without its volume.
    await first.stopDockhand();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${first.dbPath}${suffix}`, { force: true });
    h = await startHarness({ reuse: { sandbox: first.sandbox, slack: first.slack, dbPath: first.dbPath } });
    expect((await h.dockhand.operations.parkRecords(h.sandbox.services().map((s) => s.arn))).size).toBe(0);
    h.slack.reset();

    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'start staging-3');
    const started = await finalMessage();
    expect(String(started.body.text)).toMatch(/^`staging-3` started for <@U0MARIA>: 6\/6 services/);
    const text = blocksText(started);
    expect(text).toContain("2 tasks, autoscaling 1–4 (as recorded in its dockhand:park tag: dockhand's database had no record)");
    expect(text.match(/as recorded in its dockhand:park tag/g)?.length).toBe(6);
    expect(staging3()).toEqual(before);
    expect(h.sandbox.countCalls({ operation: 'UntagResource' })).toBeGreaterThanOrEqual(6);
  });

  it('reports an edited tag and does not obey it', async () => {
    const service = h.sandbox.service(ACCOUNT, 'us-east-1', 'nonprod', 'qa-2-api');
    expect(service?.desiredCount).toBe(0);
    const ecs = new ECSClient({ endpoint: h.sandbox.url, region: 'us-east-1', credentials: SANDBOX_CREDENTIALS, maxAttempts: 1 });
    await ecs.send(new TagResourceCommand({ resourceArn: service!.arn, tags: [{ key: 'dockhand:park', value: 'v1 desired=900000 by=U0MARIA at=2026-12-01T18:03Z' }] }));
    h.slack.reset();

    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'start qa-2');
    const text = blocksText(await finalMessage());
    expect(text).toContain('1 task (nothing was recorded, so the fallback of 1; its dockhand:park tag was not used: desired must be a whole number)');
    const after = h.sandbox.service(ACCOUNT, 'us-east-1', 'nonprod', 'qa-2-api');
    expect(after?.desiredCount).toBe(1);
    expect(after?.tags['dockhand:park']).toBe('v1 desired=900000 by=U0MARIA at=2026-12-01T18:03Z');
  });

  it('parks anyway when the tag cannot be written, and says only the database holds the record', async () => {
    h.sandbox.failOn((req) =>
      req.operation === 'TagResource'
        ? Object.assign(new Error('User: arn:aws:iam::111111111111:user/dockhand is not authorized to perform: ecs:TagResource'), { name: 'AccessDeniedException' })
        : undefined,
    );
    h.slack.reset();
    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'stop dev-1');
    const stopped = await finalMessage();
    h.sandbox.clearFaults();
    expect(String(stopped.body.text)).toMatch(/^`dev-1` stopped for <@U0MARIA>: 4\/4 services/);
    expect(blocksText(stopped)).toContain(
      "its dockhand:park tag could not be written (AWS denied ecs:TagResource: dockhand's IAM role needs that permission (see the README's IAM policy)), so only dockhand's database holds the record",
    );
    expect(h.sandbox.service(ACCOUNT, 'us-east-1', 'nonprod', 'dev-1-api')?.desiredCount).toBe(0);
    h.slack.reset();
    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'start dev-1');
    expect(blocksText(await finalMessage())).toContain('(as recorded)');
  });
});
