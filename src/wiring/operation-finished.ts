import type { OperationRow } from '../store/operations-store.js';

type Listener = (operation: OperationRow) => void;

/**
 * "An operation finished", as the runner tells it: the metrics, the scheduler (which remembers who stopped
 * what) and the follow-up refresh listen, in the order they subscribed, each built in its own wiring step.
 */
export class OperationFinished {
  private readonly listeners: Listener[] = [];

  on(listener: Listener): void {
    this.listeners.push(listener);
  }

  readonly emit = (operation: OperationRow): void => {
    for (const listener of this.listeners) listener(operation);
  };
}
