import { errorMessage, type Logger } from './log.js';

export type Listener<T> = (event: T) => void;

/**
 * One kind of event and whoever listens for it. Listeners run synchronously, in the order they subscribed;
 * one that throws is logged and the others still run, so a listener can never break whoever publishes.
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
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error(`a listener for "${this.name}" failed`, { error: errorMessage(error) });
      }
    }
  }
}
