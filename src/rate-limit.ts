import { setTimeout as delay } from 'node:timers/promises';
import { systemClock, type Clock } from './domain/clock.js';

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => delay(ms);

/** A clock and a way to wait on it, always together: a limiter reading a ManualClock while sleeping real time would wait forever. */
export interface Timing {
  clock: Clock;
  sleep: Sleep;
}

export const realTiming: Timing = { clock: systemClock, sleep: realSleep };

export interface RateLimitOptions {
  /** Requests allowed in any window of `intervalMs`. */
  limit: number;
  intervalMs: number;
  /** Default: real time. Tests pass a ManualClock and a sleep that advances it. */
  timing?: Timing;
  /** Called once for each request that had to wait for a slot (metrics). */
  onWait?: () => void;
}

/**
 * At most `limit` requests in any `intervalMs`, as the server counts them on arrival. A request holds its
 * slot from the moment it starts until `intervalMs` after it ended: arrival lies between the two, so however
 * the network delays one request and not another, no window at the server ever sees more than `limit`.
 * (p-throttle and bottleneck space request *starts*, read the system time directly and cannot be tested
 * without real waiting; this is the few lines they would replace.) Waiters are served first come, first served.
 */
export class RateLimiter {
  /** Per slot: when it is free again; Infinity while its request is in flight. */
  private readonly freeAt: number[];
  private queue: Promise<unknown> = Promise.resolve();
  private wakeOnRelease: (() => void) | null = null;
  private readonly clock: Clock;
  private readonly sleep: Sleep;

  constructor(private readonly options: RateLimitOptions) {
    if (options.limit < 1 || options.intervalMs < 0) throw new Error('a rate limit needs limit ≥ 1 and intervalMs ≥ 0');
    this.freeAt = Array.from({ length: options.limit }, () => -Infinity);
    ({ clock: this.clock, sleep: this.sleep } = options.timing ?? realTiming);
  }

  /** Runs `request` once a slot is free, holding the slot until `intervalMs` after it settles. */
  async run<T>(request: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await request();
    } finally {
      release();
    }
  }

  /** Waits for a slot; call the returned function when the request has finished. */
  acquire(): Promise<() => void> {
    const turn = this.queue.then(() => this.takeSlot());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async takeSlot(): Promise<() => void> {
    let waited = false;
    for (;;) {
      const now = this.clock.now().getTime();
      const slot = this.freeAt.findIndex((free) => free <= now);
      if (slot >= 0) {
        this.freeAt[slot] = Infinity;
        let released = false;
        return () => {
          if (released) return;
          released = true;
          this.freeAt[slot] = this.clock.now().getTime() + this.options.intervalMs;
          this.wakeOnRelease?.();
        };
      }
      if (!waited) this.options.onWait?.();
      waited = true;
      const soonest = Math.min(...this.freeAt);
      if (soonest === Infinity) await new Promise<void>((resolve) => (this.wakeOnRelease = resolve));
      else await this.sleep(soonest - now);
      this.wakeOnRelease = null;
    }
  }
}

/** One limiter per key (an account and region, a Slack channel), created on first use. */
export class KeyedRateLimiters {
  private readonly limiters = new Map<string, RateLimiter>();

  constructor(private readonly options: RateLimitOptions) {}

  for(key: string): RateLimiter {
    let limiter = this.limiters.get(key);
    if (!limiter) {
      limiter = new RateLimiter(this.options);
      this.limiters.set(key, limiter);
    }
    return limiter;
  }
}
