import { executionAsyncResource } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { AsyncScope } from '../src/async-scope.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('AsyncScope', () => {
  it('answers the store inside a run and everything it awaits, and nothing outside', async () => {
    const scope = new AsyncScope<string>();
    expect(scope.getStore()).toBeUndefined();
    const seen = await scope.run('a', async () => {
      const before = scope.getStore();
      await tick();
      const after = await Promise.resolve().then(() => scope.getStore());
      return [before, after];
    });
    expect(seen).toEqual(['a', 'a']);
    expect(scope.getStore()).toBeUndefined();
  });

  it('keeps each of overlapping runs’ stores while another ends, and a nested run its own', async () => {
    const scope = new AsyncScope<string>();
    let releaseLong!: () => void;
    const long = scope.run('long', async () => {
      await new Promise<void>((resolve) => (releaseLong = resolve));
      return scope.getStore();
    });
    const nested = await scope.run('outer', async () => {
      const inner = await scope.run('inner', async () => scope.getStore());
      return [inner, scope.getStore()];
    });
    expect(nested).toEqual(['inner', 'outer']);
    await tick();
    releaseLong();
    expect(await long).toBe('long');
  });

  it('is disabled once the last run settled, fulfilled, rejected or thrown', async () => {
    const scope = new AsyncScope<string>();
    // A continuation left behind by a run finds no store once no run is open.
    let leftBehind!: Promise<string | undefined>;
    await scope.run('a', async () => {
      leftBehind = new Promise((resolve) => setTimeout(() => resolve(scope.getStore()), 20));
    });
    await tick();
    expect(await leftBehind).toBeUndefined();
    await expect(scope.run('b', async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    await expect(
      scope.run('c', () => {
        throw new Error('at once');
      }),
    ).rejects.toThrow('at once');
    await tick();
    expect(scope.getStore()).toBeUndefined();
    // And it can be entered again afterwards.
    expect(await scope.run('d', async () => (await tick(), scope.getStore()))).toBe('d');
    expect(executionAsyncResource()).toBeDefined();
  });

  it('held, keeps a run’s store for what it left behind until released', async () => {
    const scope = new AsyncScope<string>();
    let release!: () => void;
    let resume!: () => void;
    const paused = new Promise<void>((resolve) => (resume = resolve));
    let leftBehind!: Promise<string | undefined>;
    await scope.run('kept', async () => {
      release = scope.hold();
      leftBehind = paused.then(() => scope.getStore());
    });
    resume();
    expect(await leftBehind).toBe('kept');
    release();
    release();
    await tick();
    expect(scope.getStore()).toBeUndefined();
  });
});
