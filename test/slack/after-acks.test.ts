import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { AfterAcks } from '../../src/slack/after-acks.js';

describe('work after the acks', () => {
  it('commits once for a burst of commands, and each answers only after what it wrote is committed, one per turn', async () => {
    const events: string[] = [];
    let commits = 0;
    const errors: unknown[] = [];
    const after = new AfterAcks(
      (error) => errors.push(error),
      () => {
        commits++;
        events.push(`commit ${commits}`);
      },
    );
    const done: Promise<void>[] = [];
    for (let i = 1; i <= 10; i++) {
      done.push(
        new Promise<void>((resolve) =>
          after.run(async () => {
            events.push(`wrote ${i}`);
            await after.committed();
            events.push(`answered ${i}`);
            resolve();
          }),
        ),
      );
    }
    await Promise.all(done);
    expect(commits).toBe(1);
    // Every write is in before the commit, every answer after it.
    expect(events.indexOf('commit 1')).toBe(10);
    expect(events.slice(11)).toEqual(Array.from({ length: 10 }, (_, i) => `answered ${i + 1}`));

    // A command alone later gets a commit of its own.
    await new Promise<void>((resolve) =>
      after.run(async () => {
        await after.committed();
        resolve();
      }),
    );
    expect(commits).toBe(2);
    expect(errors).toEqual([]);
  });

  it('starts one piece per turn, so a request that arrives meanwhile is read between two', async () => {
    const after = new AfterAcks(() => undefined);
    const started: number[] = [];
    let turn = 0;
    const ticking = (async () => {
      for (let i = 0; i < 6; i++) {
        await nextTurn();
        turn++;
      }
    })();
    for (let i = 0; i < 3; i++) after.run(async () => void started.push(turn));
    await ticking;
    expect(started).toHaveLength(3);
    expect(new Set(started).size).toBe(3);
  });

  it('rejects the pieces waiting on a commit that failed, and goes on with the rest', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const after = new AfterAcks(
      (error) => errors.push(error),
      () => {
        if (fail) throw new Error('disk full');
      },
    );
    const outcome = await new Promise<string>((resolve) => after.run(() => after.committed().then(() => resolve('answered'), (error: Error) => resolve(error.message))));
    expect(outcome).toBe('disk full');
    fail = false;
    const next = await new Promise<string>((resolve) => after.run(() => after.committed().then(() => resolve('answered'))));
    expect(next).toBe('answered');
    expect(errors).toEqual([]);
  });
});
