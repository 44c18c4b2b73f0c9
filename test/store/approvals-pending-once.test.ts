import { describe, expect, it } from 'vitest';
import { ApprovalsStore } from '../../src/store/approvals-store.js';
import { openSqlite } from '../../src/store/db.js';

const request = (params: Record<string, unknown>) => ({
  environment: 'prod',
  verb: 'stop',
  params,
  requestedBy: 'U0DEV',
  requestChannelId: 'C0DEV',
  createdAt: '2026-12-02T10:00:00.000Z',
  expiresAt: '2026-12-02T10:30:00.000Z',
});

describe('approvals_pending_once', () => {
  it('holds one pending request per requester, verb, environment and parameters; decided ones do not count', async () => {
    const database = openSqlite(':memory:');
    const store = new ApprovalsStore(database);
    const first = await store.create(request({ service: null }));
    await expect(store.create(request({ service: null }))).rejects.toThrow(/UNIQUE/);
    // Other parameters are another request.
    await store.create(request({ service: 'api' }));
    expect(await store.withdraw(first.id, '2026-12-02T10:01:00.000Z', 'test')).toBe(true);
    expect((await store.create(request({ service: null }))).status).toBe('pending');
    expect((await store.pendingBy('U0DEV', '2026-12-02T10:02:00.000Z')).map((r) => r.params)).toEqual([{ service: 'api' }, { service: null }]);
    await database.close();
  });
});
