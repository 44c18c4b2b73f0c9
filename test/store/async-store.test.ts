import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/package.js';

/** better-sqlite3's synchronous drizzle calls: a store that uses one works on SQLite alone, and blocks. */
const SYNC_CALL = /\.(get|all|run)\(\s*(\{[^)]*\})?\s*\)\s*(;|\.|\)|$)/m;
/** Opening SQLite is synchronous by nature (better-sqlite3); nothing else is. */
const SQLITE_ONLY = new Set(['db.ts']);

describe('the stores', () => {
  it('await every query (no .get(), .all() or .run() of the synchronous SQLite driver)', () => {
    const dir = join(packageRoot(), 'src', 'store');
    const files = readdirSync(dir).filter((name) => name.endsWith('.ts') && !SQLITE_ONLY.has(name));
    expect(files.length).toBeGreaterThan(15);
    const offenders = files.flatMap((name) => {
      const text = readFileSync(join(dir, name), 'utf8');
      return text
        .split('\n')
        .map((line, at) => ({ line, at }))
        .filter(({ line }) => SYNC_CALL.test(line) && !/database\.run\(/.test(line))
        .map(({ line, at }) => `${name}:${at + 1}: ${line.trim()}`);
    });
    expect(offenders).toEqual([]);
  });

  it('the check finds a synchronous call where there is one', () => {
    expect(SYNC_CALL.test('    return this.db.select().from(x).where(y).get();')).toBe(true);
    expect(SYNC_CALL.test('    this.db.delete(x).run();')).toBe(true);
    expect(SYNC_CALL.test('      .all()')).toBe(true);
    expect(SYNC_CALL.test('    const rows = await db.select().from(x);')).toBe(false);
  });
});
