import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startSandbox } from '../../dev/sandbox/index.js';
import { openSqlite } from '../../src/store/db.js';
import { OperationsStore } from '../../src/store/operations-store.js';
import { startFakeSlack } from '../support/fake-slack.js';
import { SIGNING_SECRET, startHarness, TEST_POLICY, type Harness } from '../support/harness.js';
import { sendCommand } from '../support/slack-requests.js';
import { spawnDockhand } from '../support/spawn-dockhand.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

describe('a stop interrupted by the process dying', () => {
  it('is found at the next start and finished, with the original state kept for start', async () => {
    const sandbox = await startSandbox({ convergeDelayMs: 0 });
    const slack = await startFakeSlack();
    const dir = mkdtempSync(join(tmpdir(), 'dockhand-resume-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }), () => sandbox.close(), () => slack.close());
    const dbPath = join(dir, 'dockhand.db');
    const view = (name: string) => sandbox.service('111111111111', 'us-east-1', 'staging-3', name);
    const original = ['api', 'web', 'worker', 'scheduler', 'payments-gateway', 'ledger'].map((name) => ({ name, desired: view(name)?.desiredCount, min: view(name)?.scalableTarget?.min }));

    // The first UpdateService for worker never gets an answer: the process dies while it is in flight.
    let heldOnce = false;
    const hold = sandbox.hold((r) => r.operation === 'UpdateService' && (r.params as { service?: string }).service === 'worker' && !heldOnce && (heldOnce = true));
    const dying = await spawnDockhand({ dbPath, sandboxUrl: sandbox.url, slackApiUrl: slack.apiUrl, signingSecret: SIGNING_SECRET, policy: TEST_POLICY });
    cleanup.push(() => dying.kill());
    const { eventsUrl } = dying;
    await sendCommand(eventsUrl, slack, 'U0MARIA', 'stop staging-3');
    await hold.reached;
    await vi.waitFor(() => expect(['api', 'web', 'scheduler', 'payments-gateway', 'ledger'].map((n) => view(n)?.desiredCount)).toEqual([0, 0, 0, 0, 0]));
    await dying.kill();
    expect(view('worker')?.desiredCount).toBe(1);

    // What the dead process left: an operation still running with worker's step unfinished (other steps may
    // be unrecorded too: AWS answered, but the process died before writing it down), and every park record.
    const db = openSqlite(dbPath);
    const journal = new OperationsStore(db);
    const [left] = (await journal.unfinished());
    expect(left).toMatchObject({ environment: 'staging-3', verb: 'stop', status: 'running', requestedBy: 'U0MARIA' });
    const steps = (await journal.steps(left?.id ?? 0));
    expect(steps).toHaveLength(6);
    expect(steps.find((s) => s.service === 'worker')?.status).toBe('running');
    expect([...(await journal.parkRecords(steps.map((s) => s.serviceArn))).values()].map((r) => [r.service, r.desired, r.minCapacity, r.maxCapacity]).sort()).toEqual([
      ['api', 2, 1, 4],
      ['ledger', 1, null, null],
      ['payments-gateway', 1, null, null],
      ['scheduler', 1, null, null],
      ['web', 1, null, null],
      ['worker', 1, null, null],
    ]);
    db.db.$client.close();

    slack.reset();
    const restarted: Harness = await startHarness({ reuse: { sandbox, slack, dbPath } });
    cleanup.push(() => restarted.close());
    expect(await restarted.dockhand.resumed).toBe(1);
    expect(view('worker')?.desiredCount).toBe(0);
    expect((await restarted.dockhand.operations.unfinished())).toEqual([]);
    const report = await slack.waitFor((c) => c.method === 'chat.update' && c.body.channel === 'C0DEV' && String(c.body.text).startsWith('`staging-3` stopped'));
    expect(JSON.stringify(report.body.blocks)).toContain('resumed after dockhand restarted');
    // A service the dying process had parked already is left as it was: its record stays the original state.
    expect(JSON.stringify(report.body.blocks)).toMatch(/\*api\* — (parked \(was 2 tasks, autoscaling 1–4\)|already parked; left as it was)/);
    expect(JSON.stringify(report.body.blocks)).toContain('*worker* — parked (was 1 task)');

    slack.reset();
    await sendCommand(restarted.eventsUrl, slack, 'U0MARIA', 'start staging-3');
    await slack.waitFor((c) => c.method === 'chat.update' && String(c.body.text).startsWith('`staging-3` started'));
    expect(['api', 'web', 'worker', 'scheduler', 'payments-gateway', 'ledger'].map((name) => ({ name, desired: view(name)?.desiredCount, min: view(name)?.scalableTarget?.min }))).toEqual(original);
  }, 60_000);
});
