import { errorMessage, type Logger } from './log.js';

/** What a listener returns is ignored, except a promise: its rejection is logged, and `publishAndWait` waits for it. */
export type Listener<T> = (event: T) => unknown;

/**
 * One kind of event and whoever listens for it. Listeners start synchronously, in the order they subscribed;
 * one that throws (or whose promise rejects) is logged and the others still run, so a listener can never
 * break whoever publishes.
 */
export class Topic<T> {
  private readonly listeners: Listener<T>[] = [];

  constructor(
    private readonly name: string,
    private readonly logger: Logger,
  ) {}

  /** Returns what unsubscribes the listener. */
  subscribe(listener: Listener<T>): () => void {
    this.listeners.push(listener);
    return () => {
      const at = this.listeners.indexOf(listener);
      if (at >= 0) this.listeners.splice(at, 1);
    };
  }

  publish(event: T): void {
    void this.publishAndWait(event);
  }

  /** As `publish`, resolving once every listener's promise has settled (never rejecting). */
  async publishAndWait(event: T): Promise<void> {
    const pending: Promise<unknown>[] = [];
    const failed = (error: unknown) => this.logger.error(`a listener for "${this.name}" failed`, { error: errorMessage(error) });
    for (const listener of [...this.listeners]) {
      try {
        const result = listener(event);
        if (result instanceof Promise) pending.push(result.then(() => undefined, failed));
      } catch (error) {
        failed(error);
      }
    }
    await Promise.all(pending);
  }
}
