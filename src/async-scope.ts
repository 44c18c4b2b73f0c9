import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * An AsyncLocalStorage that is enabled only while one of its runs is open. On Node 20 an enabled
 * AsyncLocalStorage keeps an async hook that runs on every promise and callback the process creates,
 * whatever it is doing: 6% of dockhand's CPU under a burst of `/env list`, none of which opens a scope
 * (bench/README.md). When the last open run has settled the storage is disabled and the hook goes with it.
 *
 * The difference from a plain AsyncLocalStorage: work that outlives every run it was started in (a promise
 * left behind) finds no store, rather than the store of the run it left.
 */
export class AsyncScope<T> {
  private readonly storage = new AsyncLocalStorage<T>();
  private open = 0;
  private readonly closed = () => {
    if (--this.open === 0) this.storage.disable();
  };

  getStore(): T | undefined {
    return this.storage.getStore();
  }

  /**
   * Keeps the storage enabled until the returned release is called, after the run that asked has settled:
   * for work it left behind that must still find its store (a deadline's siblings still retrying).
   */
  hold(): () => void {
    this.open++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.closed();
    };
  }

  /** Runs `work` with `store` as what `getStore` answers in it and in everything it awaits. */
  run<R>(store: T, work: () => PromiseLike<R>): Promise<R> {
    this.open++;
    let running: Promise<R>;
    try {
      running = this.storage.run(store, () => Promise.resolve(work()));
    } catch (error) {
      this.closed();
      return Promise.reject(error);
    }
    running.then(this.closed, this.closed);
    return running;
  }
}
