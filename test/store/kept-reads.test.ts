import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/database.js';
import { openSqlite } from '../../src/store/db.js';
import { GrantsStore } from '../../src/store/grants-store.js';
import { openPostgresDatabase } from '../../src/store/pg/database.js';
import { SchedulesStore } from '../../src/store/schedules-store.js';
import { testPostgres, type TestDatabase } from '../support/postgres.js';

/**
 * What `/env list` and every command read (schedule settings, open overrides, active grants) is kept in
 * memory only where this process is the one writer (SQLite), and forgotten by every write; on Postgres every
 * replica writes, so each reads again and sees what another wrote at once.
 */
const AT = '2026-12-02T10:00:00.000Z';
const LATER = '2026-12-02T12:00:00.000Z';
const grant = (userId: string, expiresAt: string) => ({ userId, role: 'viewer', environments: 'qa-*', grantedBy: 'U0ADMIN', createdAt: AT, expiresAt });

describe('kept reads on SQLite (one writer)', () => {
  let dir: string;
  let database: Database;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dockhand-kept-'));
    database = openSqlite(join(dir, 'dockhand.db'));
  });
  afterAll(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers settings and overrides with the same map until the store writes, then with what it wrote', async () => {
    const schedules = new SchedulesStore(database);
    const settings = await schedules.settings();
    expect(await schedules.settings()).toBe(settings);
    await schedules.setSchedule({ environment: 'qa-1', schedule: 'weekdays 08:00-18:00 UTC', setBy: 'U0DEV', setAt: AT });
    const changed = await schedules.settings();
    expect(changed).not.toBe(settings);
    expect(changed.get('qa-1')?.schedule).toBe('weekdays 08:00-18:00 UTC');
    await schedules.clearSchedule('qa-1');
    expect((await schedules.settings()).has('qa-1')).toBe(false);

    const overrides = await schedules.openOverrides();
    expect(await schedules.openOverrides()).toBe(overrides);
    await schedules.openOverride('qa-1', { kind: 'up', until: new Date(LATER), reason: 'extend' }, 'U0DEV', AT);
    expect((await schedules.openOverrides()).get('qa-1')?.until).toBe(LATER);
    await schedules.endOverride('qa-1', AT);
    expect((await schedules.openOverrides()).has('qa-1')).toBe(false);
  });

  it('answers active grants with the same array while they stand, and drops one as its time runs out without a write', async () => {
    const grants = new GrantsStore(database);
    const empty = await grants.active(AT);
    expect(await grants.active(AT)).toBe(empty);
    const added = await grants.add(grant('U0SAM', '2026-12-02T11:00:00.000Z'));
    const active = await grants.active(AT);
    expect(active).toEqual([{ userId: 'U0SAM', role: 'viewer', environments: 'qa-*' }]);
    expect(await grants.active('2026-12-02T10:30:00.000Z')).toBe(active);
    expect(await grants.active(LATER)).toEqual([]);
    // A clock that goes back (a test's) reads again instead of trusting what was read later.
    expect(await grants.active(AT)).toEqual(active);
    await grants.revoke([added.id], 'U0ADMIN', AT);
    expect(await grants.active(AT)).toEqual([]);
  });

  it('keeps nothing read inside a transaction that is rolled back', async () => {
    const grants = new GrantsStore(database);
    const schedules = new SchedulesStore(database);
    await expect(
      database.transaction(async () => {
        await grants.add(grant('U0TX', LATER));
        await schedules.openOverride('qa-2', { kind: 'up', until: new Date(LATER), reason: 'extend' }, 'U0DEV', AT);
        expect(await grants.active(AT)).toHaveLength(1);
        expect((await schedules.openOverrides()).has('qa-2')).toBe(true);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await grants.active(AT)).toEqual([]);
    expect((await schedules.openOverrides()).has('qa-2')).toBe(false);
  });
});

const server = await testPostgres();

describe.skipIf(!server)('no kept reads on Postgres (every replica writes)', () => {
  let created: TestDatabase;
  let one: Database;
  let other: Database;
  beforeAll(async () => {
    created = await server!.createDatabase();
    one = await openPostgresDatabase(created.url, { max: 2 });
    other = await openPostgresDatabase(created.url, { max: 2 });
  });
  afterAll(async () => {
    await one.close();
    await other.close();
    await created.drop();
  });

  it('a schedule, an extension and a grant written by one replica are read by the other at once', async () => {
    const [schedulesHere, schedulesThere] = [new SchedulesStore(one), new SchedulesStore(other)];
    const [grantsHere, grantsThere] = [new GrantsStore(one), new GrantsStore(other)];
    // The other replica has read each before the change.
    expect((await schedulesThere.settings()).size).toBe(0);
    expect((await schedulesThere.openOverrides()).size).toBe(0);
    expect(await grantsThere.active(AT)).toEqual([]);

    await schedulesHere.setSchedule({ environment: 'qa-1', schedule: 'weekdays 08:00-18:00 UTC', setBy: 'U0DEV', setAt: AT });
    await schedulesHere.openOverride('qa-1', { kind: 'up', until: new Date(LATER), reason: 'extend' }, 'U0DEV', AT);
    const added = await grantsHere.add(grant('U0SAM', LATER));
    expect((await schedulesThere.settings()).get('qa-1')?.schedule).toBe('weekdays 08:00-18:00 UTC');
    expect((await schedulesThere.openOverrides()).get('qa-1')?.until).toBe(LATER);
    expect(await grantsThere.active(AT)).toEqual([{ userId: 'U0SAM', role: 'viewer', environments: 'qa-*' }]);

    await schedulesHere.clearSchedule('qa-1');
    await grantsHere.revoke([added.id], 'U0ADMIN', AT);
    expect((await schedulesThere.settings()).has('qa-1')).toBe(false);
    expect(await grantsThere.active(AT)).toEqual([]);
  });
});
