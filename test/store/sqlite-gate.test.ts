import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/store/db.js';
import type { Database } from '../../src/store/database.js';

const keys = async (database: Database) => (await database.run((db) => db.select().from(database.tables.handledRequests))).map((row) => row.key).sort();
const insert = (database: Database, key: string) => (db: Database['db']) => db.insert(database.tables.handledRequests).values({ key, at: '2026-01-01T00:00:00Z' });
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

describe('the SQLite database', () => {
  it('never runs a query of another async chain inside an open transaction: it waits, and survives its rollback', async () => {
    const database = openSqlite(':memory:');
    const order: string[] = [];
    const failing = database.transaction(async (tx) => {
      await tx.insert(database.tables.handledRequests).values({ key: 'in-rolled-back-tx', at: '2026-01-01T00:00:00Z' });
      order.push('tx wrote');
      await turns(3);
      order.push('tx ends');
      throw new Error('roll back');
    });
    // Started while the transaction is open and waiting: on the one connection it would otherwise be part of it.
    const outside = database.run(insert(database, 'outside')).then(() => order.push('outside wrote'));
    await expect(failing).rejects.toThrow('roll back');
    await outside;
    expect(order).toEqual(['tx wrote', 'tx ends', 'outside wrote']);
    expect(await keys(database)).toEqual(['outside']);
    await database.close();
  });

  it('serves queries and transactions in the order they came, and a query inside a transaction joins it', async () => {
    const database = openSqlite(':memory:');
    const order: string[] = [];
    const a = database.transaction(async (tx) => {
      await turns(2);
      // Same async chain: runs in the transaction at once, not after it.
      await database.run(insert(database, 'a-joined'));
      order.push('a');
      return tx;
    });
    const b = database.run(async (db) => {
      await db.insert(database.tables.handledRequests).values({ key: 'b', at: '2026-01-01T00:00:00Z' });
      await turns(2);
      order.push('b');
    });
    const c = database.transaction(async (tx) => {
      await tx.insert(database.tables.handledRequests).values({ key: 'c', at: '2026-01-01T00:00:00Z' });
      order.push('c');
    });
    await Promise.all([a, b, c]);
    expect(order).toEqual(['a', 'b', 'c']);
    expect(await keys(database)).toEqual(['a-joined', 'b', 'c']);
    await database.close();
  });

  it('rejects, not throws, when a query inside a transaction throws before it starts', async () => {
    const database = openSqlite(':memory:');
    await expect(
      database.transaction(async () => {
        const pending = database.run(() => {
          throw new Error('built wrong');
        });
        await expect(pending).rejects.toThrow('built wrong');
      }),
    ).resolves.toBeUndefined();
    await database.close();
  });

  it('reuses a prepared statement for the same SQL, reset to objects after drizzle read raw rows with it', async () => {
    const database = openSqlite(':memory:');
    const client = database.db.$client;
    const sql = 'select key from handled_requests where key = ?';
    await database.run(insert(database, 'k'));
    const first = client.prepare(sql);
    expect(first.raw().get('k')).toEqual(['k']);
    const again = client.prepare(sql);
    expect(again).toBe(first);
    expect(again.get('k')).toEqual({ key: 'k' });
    // drizzle's own reads go through the same statements.
    const { handledRequests } = database.tables;
    for (let i = 0; i < 3; i++) expect(await database.run((db) => db.select({ key: handledRequests.key }).from(handledRequests).where(eq(handledRequests.key, 'k')))).toEqual([{ key: 'k' }]);
    await database.close();
  });
});
