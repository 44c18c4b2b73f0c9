import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config/load.js';
import { openDb } from '../../src/store/db.js';

const dir = mkdtempSync(join(tmpdir(), 'dockhand-db-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tokens = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' };

describe('the database journal (DOCKHAND_DB_JOURNAL)', () => {
  it('is WAL by default, for a local disk', () => {
    expect(loadEnv(tokens).DOCKHAND_DB_JOURNAL).toBe('wal');
    const db = openDb(join(dir, 'local.db'));
    expect(db.$client.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.$client.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    db.$client.close();
  });

  it('is a rollback journal with full syncs when set to delete (EFS), and stays so when reopened', () => {
    const env = loadEnv({ ...tokens, DOCKHAND_DB_JOURNAL: 'delete' });
    const path = join(dir, 'efs.db');
    for (let open = 0; open < 2; open++) {
      const db = openDb(path, env.DOCKHAND_DB_JOURNAL);
      expect(db.$client.pragma('journal_mode', { simple: true })).toBe('delete');
      expect(db.$client.pragma('synchronous', { simple: true })).toBe(2); // FULL
      // Migrations ran and writes work without a -wal file.
      db.$client.exec('CREATE TABLE IF NOT EXISTS probe (x)');
      db.$client.prepare('INSERT INTO probe VALUES (1)').run();
      db.$client.close();
    }
  });

  it('switches an existing WAL database back to a rollback journal', () => {
    const path = join(dir, 'moved.db');
    openDb(path).$client.close();
    const db = openDb(path, 'delete');
    expect(db.$client.pragma('journal_mode', { simple: true })).toBe('delete');
    db.$client.close();
  });

  it('rejects another value, saying what the choices mean', () => {
    expect(() => loadEnv({ ...tokens, DOCKHAND_DB_JOURNAL: 'memory' })).toThrow(/DOCKHAND_DB_JOURNAL: got "memory"; is wal \(local disk\) or delete \(network file systems such as EFS\)/);
  });
});
