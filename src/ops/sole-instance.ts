import { errorMessage, type Logger } from '../log.js';
import type { InstanceLease } from '../jobs/instance-lease.js';

export interface SoleInstanceOptions {
  lease: InstanceLease;
  logger: Logger;
  /** Starts everything only one instance may run: Slack, the jobs, resuming operations. */
  activate: () => Promise<void>;
  /** Stops it again, when the lease was lost (another instance took it over). */
  deactivate: () => Promise<void>;
  /** Every heartbeat, after the lease attempt (claims renewed, orphans resumed, a follower's inventory reloaded). */
  beat?: (held: boolean) => void;
}

/**
 * Runs `activate` while this process holds the instance lease and `deactivate` when it loses it, one change
 * at a time. The first attempt happens in `start`, so a dockhand alone on its database is running when
 * `start` resolves (and a failure to start, such as a bad Slack token, is thrown from it).
 */
export class SoleInstance {
  private chain: Promise<void> = Promise.resolve();
  private active = false;
  private stopped = false;
  private readonly firstActivation: Promise<void>;
  private resolveFirst!: () => void;

  constructor(private readonly options: SoleInstanceOptions) {
    this.firstActivation = new Promise((resolve) => (this.resolveFirst = resolve));
  }

  /** Resolves once this instance has run `activate` (or was stopped without ever holding the lease). */
  get activated(): Promise<void> {
    return this.firstActivation;
  }

  async start(): Promise<void> {
    const { lease } = this.options;
    const holdsNow = await lease.attempt();
    if (holdsNow) await this.switchTo(true, true);
    lease.start({
      onAcquired: () => void this.switchTo(true, false),
      onLost: () => void this.switchTo(false, false),
      ...(this.options.beat ? { onBeat: this.options.beat } : {}),
    });
  }

  private switchTo(active: boolean, rethrow: boolean): Promise<void> {
    const step = this.chain.then(async () => {
      if (this.stopped || this.active === active) return;
      this.active = active;
      try {
        await (active ? this.options.activate() : this.options.deactivate());
      } finally {
        if (active) this.resolveFirst();
      }
    });
    this.chain = step.catch((error) => this.options.logger.error(active ? 'could not start as the running instance' : 'could not stop the jobs after losing the lease', { error: errorMessage(error) }));
    return rethrow ? step : this.chain;
  }

  /** Stops the jobs if they run, and releases the lease so a waiting instance takes over at once. */
  async stop(): Promise<void> {
    this.options.lease.stop();
    await this.chain;
    this.stopped = true;
    this.resolveFirst();
    if (this.active) {
      this.active = false;
      await this.options.deactivate();
    }
    await this.options.lease.release();
  }
}
