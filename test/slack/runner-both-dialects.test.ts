import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openSqlite } from '../../src/store/db.js';
import type { Database } from '../../src/store/database.js';
import { OperationsStore } from '../../src/store/operations-store.js';
import { openPostgresDatabase } from '../../src/store/pg/database.js';
import { storeDialects, type OpenedDatabase } from '../support/databases.js';
import { startHarness, type Harness } from '../support/harness.js';
import { sendCommand } from '../support/slack-requests.js';

const cases = await storeDialects();

/** The operations runner through the real receiver, on each store: park, start, and resuming what a dead process left. */
describe.each(cases)('the operations runner on $dialect', ({ dialect, open }) => {
  let opened: OpenedDatabase;
  let h: Harness;
  let url: string | undefined;
  beforeAll(async () => {
    opened = await open();
    // The harness opens the database itself: by path (SQLite) or by URL (Postgres).
    url = dialect === 'postgres' ? (opened.database.db.$client as unknown as { options: { connectionString: string } }).options.connectionString : undefined;
    if (dialect === 'sqlite') await opened.close();
    h = await startHarness(url ? { databaseUrl: url } : {});
  });
  afterAll(async () => {
    await h?.close();
    if (dialect === 'postgres') await opened?.close();
  });
  const reopen = (): Promise<Database> => (url ? openPostgresDatabase(url) : Promise.resolve(openSqlite(h.dbPath)));
  const view = (name: string) => h.sandbox.service('111111111111', 'us-east-1', 'staging-3', name);

  it('parks an environment and starts it back to its recorded counts', async () => {
    const before = ['api', 'web', 'worker'].map((name) => view(name)?.desiredCount);
    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'stop staging-3');
    await vi.waitFor(() => expect(['api', 'web', 'worker'].map((name) => view(name)?.desiredCount)).toEqual([0, 0, 0]), { timeout: 10_000 });
    await vi.waitFor(async () => expect(await h.dockhand.operations.unfinished()).toEqual([]), { timeout: 10_000 });
    expect(await h.dockhand.fleet.parkedEnvironments()).toContain('staging-3');
    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'start staging-3');
    await vi.waitFor(() => expect(['api', 'web', 'worker'].map((name) => view(name)?.desiredCount)).toEqual(before), { timeout: 10_000 });
    await vi.waitFor(async () => expect(await h.dockhand.fleet.parkedEnvironments()).not.toContain('staging-3'), { timeout: 10_000 });
    await vi.waitFor(async () => expect(await h.dockhand.operations.unfinished()).toEqual([]), { timeout: 10_000 });
  });

  it('resumes, once, a stop a dead process left half done, and the park records it made survive', async () => {
    await h.stopDockhand();
    // What a process killed mid-stop leaves: the operation running, api's step done, the rest not started.
    const database = await reopen();
    const operations = new OperationsStore(database);
    const services = ['api', 'web'].map((name) => view(name)!);
    const begun = await operations.begin(
      { environment: 'staging-3', verb: 'stop', params: { service: null, count: null }, requestedBy: 'U0MARIA', approvedBy: null, channelId: 'C0DEV', startedAt: new Date().toISOString() },
      services.map((s) => ({ serviceArn: s.arn, account: s.account, region: s.region, cluster: s.cluster, service: s.name })),
    );
    if (!begun.ok) throw new Error('busy');
    await operations.updateStep(begun.steps[0]!.id, { status: 'done', detail: 'parked' });
    await database.close();

    const again = await startHarness({ reuse: { sandbox: h.sandbox, slack: h.slack, dbPath: h.dbPath, ...(url ? { databaseUrl: url } : {}) } });
    h = again;
    await vi.waitFor(async () => expect(await again.dockhand.operations.byId(begun.operation.id)).toMatchObject({ status: 'succeeded' }), { timeout: 10_000 });
    expect((await again.dockhand.operations.steps(begun.operation.id)).map((s) => s.status)).toEqual(['done', 'done']);
    expect(view('web')?.desiredCount).toBe(0);
    expect(await again.dockhand.operations.unfinished()).toEqual([]);
  });
});
