import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/load.js';
import { ManualClock } from '../../src/domain/clock.js';
import { InstanceLease } from '../../src/jobs/instance-lease.js';
import { silentLogger } from '../../src/log.js';
import { openSqlite } from '../../src/store/db.js';
import { LeaseStore } from '../../src/store/lease-store.js';

const dir = mkdtempSync(join(tmpdir(), 'dockhand-lease-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Two "processes": two connections to one database file, each with its own lease object, one clock. */
function twoInstances(name: string) {
  const path = join(dir, `${name}.db`);
  const clock = new ManualClock();
  const make = (holder: string) => new InstanceLease({ store: new LeaseStore(openSqlite(path)), clock, logger: silentLogger, leaseMs: 30_000, heartbeatMs: 10_000, holder });
  return { clock, a: make('host/1/aaaa'), b: make('host/2/bbbb'), store: new LeaseStore(openSqlite(path)) };
}

describe('the instance lease', async () => {
  it('says a second instance is waiting at warn on one database file, and a follower replica at info', async () => {
    const path = join(dir, 'levels.db');
    const clock = new ManualClock();
    const logged: string[] = [];
    const logger = { ...silentLogger, info: (message: string) => logged.push(`info ${message}`), warn: (message: string) => logged.push(`warn ${message}`) };
    const make = (holder: string, replicas: boolean) => new InstanceLease({ store: new LeaseStore(openSqlite(path)), clock, logger, leaseMs: 30_000, heartbeatMs: 10_000, holder, replicas });
    expect(await make('host/1/aaaa', false).attempt()).toBe(true);
    logged.length = 0;
    expect(await make('host/2/bbbb', false).attempt()).toBe(false);
    expect(await make('host/3/cccc', true).attempt()).toBe(false);
    expect(logged).toEqual(['warn another dockhand instance holds the lease; waiting', 'info another replica holds the lease and runs the jobs; this one serves Slack and takes over if it stops']);
  });

  it('is held by one instance at a time; the other takes over only after the expiry', async () => {
    const { clock, a, b, store } = twoInstances('takeover');
    expect((await a.attempt())).toBe(true);
    expect((await b.attempt())).toBe(false);
    expect(b.status).toBe('waiting');
    // Renewed every heartbeat, it never expires.
    for (let beat = 0; beat < 10; beat += 1) {
      clock.advance(10_000);
      expect((await a.attempt())).toBe(true);
      expect((await b.attempt())).toBe(false);
    }
    // a dies: no heartbeat. Just before the expiry b still waits; at the expiry it takes over.
    clock.advance(29_999);
    expect((await b.attempt())).toBe(false);
    clock.advance(1);
    expect((await b.attempt())).toBe(true);
    expect((await store.current())?.holder).toBe('host/2/bbbb');
    // a was only stalled: its next heartbeat finds the lease gone and says so.
    expect((await a.attempt())).toBe(false);
    expect(a.status).toBe('lost');
  });

  it('is handed over at once when the holder releases it', async () => {
    const { a, b } = twoInstances('release');
    expect((await a.attempt())).toBe(true);
    expect((await b.attempt())).toBe(false);
    await a.release();
    expect((await b.attempt())).toBe(true);
    expect((await a.attempt())).toBe(false);
  });

  it('keeps its first acquisition time while renewed', async () => {
    const { clock, a, store } = twoInstances('acquired');
    await a.attempt();
    const acquired = (await store.current())?.acquiredAt;
    clock.advance(10_000);
    await a.attempt();
    expect((await store.current())).toMatchObject({ acquiredAt: acquired, heartbeatAt: (acquired ?? 0) + 10_000, expiresAt: (acquired ?? 0) + 40_000 });
  });

  it('has sane defaults and refuses a heartbeat as long as the lease', async () => {
    const policy = parsePolicy('accounts: [{ id: "111111111111", name: a, regions: [us-east-1] }]');
    expect(policy.instance).toEqual({ lease_seconds: 30, heartbeat_seconds: 10 });
    expect(() => parsePolicy('accounts: [{ id: "111111111111", name: a, regions: [us-east-1] }]\ninstance: { lease_seconds: 10, heartbeat_seconds: 10 }')).toThrow(/heartbeat_seconds must be shorter than lease_seconds/);
  });
});
