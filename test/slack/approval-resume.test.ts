import { spawnDockhand } from '../support/spawn-dockhand.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../dev/sandbox/index.js';
import { ApprovalsStore } from '../../src/store/approvals-store.js';
import { openSqlite } from '../../src/store/db.js';
import { OperationsStore } from '../../src/store/operations-store.js';
import { startFakeSlack } from '../support/fake-slack.js';
import { SIGNING_SECRET, startHarness, TEST_POLICY } from '../support/harness.js';
import { clickButton, sendCommand } from '../support/slack-requests.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

/**
 * The process dies after Approve was clicked and before the operation's first AWS call: while it tells
 * Slack about the decision (the operation is journaled "approved, not started"), or while its first read of
 * AWS is in flight (started, nothing changed). Either way the restarted dockhand runs it once and says so.
 */
describe.each([
  { diesWhile: 'updating the approval message', expectedStatus: 'approved' },
  { diesWhile: 'making its first AWS call', expectedStatus: 'running' },
])('an approved request whose process dies $diesWhile', ({ diesWhile, expectedStatus }) => {
  it('runs once after the restart, and the requester is told', async () => {
    const sandbox = await startSandbox({ convergeDelayMs: 0 });
    const slack = await startFakeSlack();
    const dir = mkdtempSync(join(tmpdir(), 'dockhand-approval-resume-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }), () => sandbox.close(), () => slack.close());
    slack.respond('usergroups.list', { ok: true, usergroups: [{ id: 'S0PLATFORM', users: ['U0LEE'] }] });
    const dbPath = join(dir, 'dockhand.db');
    const restarts = () => sandbox.requests.filter((r) => r.operation === 'UpdateService' && (r.params as { forceNewDeployment?: boolean }).forceNewDeployment).length;

    const dying = await spawnDockhand({ dbPath, sandboxUrl: sandbox.url, slackApiUrl: slack.apiUrl, signingSecret: SIGNING_SECRET, policy: TEST_POLICY });
    cleanup.push(() => dying.kill());
    const { eventsUrl } = dying;
    await sendCommand(eventsUrl, slack, 'U0DEV', 'restart prod');
    const request = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0APPROVALS', 10_000);
    const buttons = (request.body.blocks as Array<{ elements?: Array<{ action_id: string; value: string }> }>).flatMap((b) => b.elements ?? []);
    const id = buttons.find((e) => e.action_id === 'approval_approve')?.value ?? '';
    expect(id).toMatch(/^\d+$/);

    // Hold the moment to die in: Slack's answer to the first chat.update, or the first AWS request.
    let releaseSlack = () => undefined as void;
    const slackHeld = new Promise<void>((resolve) => (releaseSlack = resolve));
    const reachedSlack = new Promise<void>((reached) =>
      slack.respond(
        'chat.update',
        async () => {
          reached();
          await slackHeld;
          return { ok: true };
        },
        { times: diesWhile === 'updating the approval message' ? 1 : 0 },
      ),
    );
    let heldOnce = false;
    const awsHold = sandbox.hold((r) => diesWhile === 'making its first AWS call' && !heldOnce && (heldOnce = true) && r.operation !== 'UpdateService');
    cleanup.push(() => releaseSlack(), () => awsHold.release());
    const callsBefore = sandbox.requests.length;
    await clickButton(eventsUrl, slack, 'U0LEE', 'approval_approve', id);
    await (diesWhile === 'updating the approval message' ? reachedSlack : awsHold.reached);
    await dying.kill();
    releaseSlack();
    awsHold.release();
    expect(restarts()).toBe(0);
    if (diesWhile === 'updating the approval message') expect(sandbox.requests.length).toBe(callsBefore);

    // What the dead process left: the request approved, with its operation journaled and not finished.
    const db = openSqlite(dbPath);
    const approval = (await new ApprovalsStore(db).get(Number(id)));
    expect(approval).toMatchObject({ status: 'approved', decidedBy: 'U0LEE' });
    const [left] = (await new OperationsStore(db).unfinished());
    expect(left).toMatchObject({ id: approval?.operationId, environment: 'prod', verb: 'restart', status: expectedStatus, requestedBy: 'U0DEV', approvedBy: 'U0LEE' });
    db.db.$client.close();

    slack.reset();
    const restarted = await startHarness({ reuse: { sandbox, slack, dbPath } });
    cleanup.push(() => restarted.close());
    expect(await restarted.dockhand.resumed).toBe(1);
    const prodServices = restarted.dockhand.fleet.environment('prod')?.services.length ?? 0;
    expect(prodServices).toBeGreaterThan(1);
    expect(restarts()).toBe(prodServices);
    expect((await restarted.dockhand.operations.unfinished())).toEqual([]);

    const dm = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'U0DEV');
    expect(String(dm.body.text)).toBe(
      `Your request \`/env restart prod\`, approved by <@U0LEE>: Operation #${left?.id}: succeeded, ${prodServices}/${prodServices} services done. (finished after dockhand restarted)`,
    );
    const message = await slack.waitFor((c) => c.method === 'chat.update' && c.body.channel === 'C0APPROVALS');
    expect(JSON.stringify(message.body.blocks)).toContain(`Approved by <@U0LEE>. Operation #${left?.id}: succeeded`);
    const progress = await slack.waitFor((c) => c.method === 'chat.update' && c.body.channel === 'C0DEV' && String(c.body.text).includes('restarted'));
    expect(JSON.stringify(progress.body.blocks)).toContain(expectedStatus === 'approved' ? 'approved before dockhand restarted; started now' : 'resumed after dockhand restarted');

    // Clicking Approve again on the old message does not run it a second time.
    await clickButton(restarted.eventsUrl, slack, 'U0LEE', 'approval_approve', id);
    await slack.waitFor((c) => c.method === 'response_url' && String(c.body.text).startsWith('Not counted'));
    expect(restarts()).toBe(prodServices);
  }, 60_000);
});
