/** Everything time-based takes a Clock, so tests and simulations can run a week in milliseconds. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to: for tests, the sandbox and simulations. */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: Date | string | number = Date.UTC(2026, 0, 5, 9, 0, 0)) {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(to: Date | string | number): void {
    this.current = new Date(to).getTime();
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
