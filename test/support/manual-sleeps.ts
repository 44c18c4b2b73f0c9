import type { ManualClock } from '../../src/domain/clock.js';
import type { Sleep } from '../../src/rate-limit.js';

/**
 * Sleeps on a ManualClock that end only when the test says so: `release()` moves the clock on to the end of
 * the sleeps waiting and resolves them. Nothing here waits for real but the polling for a sleep to start.
 */
export class ManualSleeps {
  private readonly waiting: Array<{ until: number; resolve: () => void }> = [];

  constructor(private readonly clock: ManualClock) {}

  readonly sleep: Sleep = (ms) =>
    new Promise<void>((resolve) => {
      this.waiting.push({ until: this.clock.now().getTime() + ms, resolve });
    });

  /** Sleeps started and not yet released. */
  get pending(): number {
    return this.waiting.length;
  }

  /** Ends every sleep waiting now, moving the clock to the latest end (never back); returns how many ended. */
  release(): number {
    const ending = this.waiting.splice(0);
    const until = Math.max(this.clock.now().getTime(), ...ending.map((sleep) => sleep.until));
    this.clock.set(until);
    for (const sleep of ending) sleep.resolve();
    return ending.length;
  }

  /** Waits (polling, up to `timeoutMs`) for a sleep to start, then releases it. */
  async releaseNext(timeoutMs = 10_000): Promise<void> {
    for (let waited = 0; this.waiting.length === 0; waited += 10) {
      if (waited >= timeoutMs) throw new Error(`no sleep started within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    this.release();
  }
}
