import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { postToResponseUrl } from '../../src/slack/response-url.js';
import { AuditStore } from '../../src/store/audit-store.js';
import { openSqlite } from '../../src/store/db.js';
import { HandledRequests, REPLAYABLE_FOR_MS } from '../../src/store/handled-requests.js';
import { WriteBatch } from '../../src/store/write-batch.js';

const dir = mkdtempSync(join(tmpdir(), 'dockhand-batch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const entry = (verb: string) => ({ at: '2026-12-02T10:00:00.000Z', actor: 'U0DEV', verb, environment: null, params: { text: verb }, outcome: 'ok' as const, detail: null });

describe('the write batch of audit rows and handled request keys', () => {
  it('commits a command’s key and audit row together, once, and a repeat is refused before and after the commit', async () => {
    const path = join(dir, 'batch.db');
    const db = openSqlite(path);
    const errors: unknown[] = [];
    const batch = new WriteBatch(db, (error) => errors.push(error));
    const handled = new HandledRequests(db, batch);
    const audit = new AuditStore(db, batch);
    const other = new Database(path, { readonly: true });
    const rows = () => (other.prepare('select (select count(*) from audit_log) as audit, (select count(*) from handled_requests) as handled').get() as { audit: number; handled: number });

    expect((await handled.claim('command:T1', '2026-12-02T10:00:00.000Z'))).toBe(true);
    expect((await handled.claim('command:T1', '2026-12-02T10:00:00.000Z'))).toBe(false);
    await audit.record(entry('list'), ['req-1', 'req-1']);
    // Nothing is on disk until the batch commits: one transaction for both.
    expect(rows()).toEqual({ audit: 0, handled: 0 });
    const before = other.prepare('pragma data_version').pluck().get() as number;
    await handled.commit();
    expect(rows()).toEqual({ audit: 1, handled: 1 });
    // The other connection saw one commit (data_version moves once per foreign commit it can observe).
    expect(other.prepare('pragma data_version').pluck().get() as number).toBe(before + 1);
    expect((await handled.claim('command:T1', '2026-12-02T10:00:01.000Z'))).toBe(false);
    expect((await audit.recent(5)).map((r) => r.verb)).toEqual(['list']);
    expect(other.prepare('select count(*) from aws_requests').pluck().get()).toBe(1);
    expect(errors).toEqual([]);
    other.close();
    db.db.$client.close();
  });

  it('a restarted process refuses keys handled within the replay window, read from the database once', async () => {
    const path = join(dir, 'restart.db');
    const first = openSqlite(path);
    const firstBatch = new WriteBatch(first, () => undefined);
    const before = new HandledRequests(first, firstBatch);
    expect(await before.claim('command:OLD', '2026-12-02T09:40:00.000Z')).toBe(true);
    expect(await before.claim('command:T1', '2026-12-02T09:59:00.000Z')).toBe(true);
    await before.commit();
    first.db.$client.close();

    const db = openSqlite(path);
    const handled = new HandledRequests(db, new WriteBatch(db, () => undefined));
    const now = Date.parse('2026-12-02T10:00:00.000Z');
    expect(await handled.claim('command:T1', new Date(now).toISOString())).toBe(false);
    // Handled 20 minutes ago: no copy of that request still verifies, so it is not kept (nor refused).
    expect(await handled.claim('command:OLD', new Date(now).toISOString())).toBe(true);
    // What it read once is what it goes by: a row removed behind its back does not make the key new again.
    db.db.$client.prepare('delete from handled_requests').run();
    expect(await handled.claim('command:T1', new Date(now + 1000).toISOString())).toBe(false);
    // Past the window a key is let go, and the memory with it.
    expect(await handled.claim('command:T1', new Date(now + REPLAYABLE_FOR_MS + 60_000).toISOString())).toBe(true);
    db.db.$client.close();
  });

  it('reads flush first, and without a batch every write is immediate as before', async () => {
    const db = openSqlite(join(dir, 'plain.db'));
    const batch = new WriteBatch(db, () => undefined);
    const batched = new AuditStore(db, batch);
    await batched.record(entry('status'));
    expect((await batched.recent(1))[0]?.verb).toBe('status');
    const plain = new AuditStore(db);
    await plain.record(entry('why'));
    expect(db.db.$client.prepare('select count(*) from audit_log').pluck().get()).toBe(2);
    const handled = new HandledRequests(db);
    expect((await handled.claim('k', '2026-12-02T10:00:00.000Z'))).toBe(true);
    expect((await handled.claim('k', '2026-12-02T10:00:00.000Z'))).toBe(false);
    db.db.$client.close();
  });
});

describe('posting to a response URL', () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((s) => s.close()));
  const serve = (handler: Parameters<typeof createServer>[1]) =>
    new Promise<string>((resolve) => {
      const server = createServer(handler);
      servers.push(server);
      server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/response/x`));
    });

  it('sends JSON, and names a non-2xx answer and a response that never comes within the deadline', async () => {
    const bodies: string[] = [];
    const ok = await serve((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c)).on('end', () => {
        bodies.push(`${req.headers['content-type']} ${body}`);
        res.end('ok');
      });
    });
    await postToResponseUrl(ok, { text: 'hi' });
    await postToResponseUrl(ok, { text: 'again' });
    expect(bodies).toEqual(['application/json {"text":"hi"}', 'application/json {"text":"again"}']);
    const gone = await serve((_req, res) => res.writeHead(404).end('expired_url'));
    await expect(postToResponseUrl(gone, { text: 'x' })).rejects.toThrow(/404/);
    const silent = await serve(() => undefined);
    await expect(postToResponseUrl(silent, { text: 'x' }, 200)).rejects.toThrow(/within 200 ms/);
  });
});
