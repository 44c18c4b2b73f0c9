import type { Clock } from '../domain/clock.js';
import { processHolderId } from '../instance-id.js';
import { errorMessage, type Logger } from '../log.js';
import type { Db } from '../store/db.js';
import { FencedOut, type LeaseStore } from '../store/lease-store.js';

export interface InstanceLeaseOptions {
  store: LeaseStore;
  clock: Clock;
  logger: Logger;
  /** A lease not renewed for this long is taken over by another instance. */
  leaseMs: number;
  /** How often the holder renews it and a waiting instance tries to take it; well below `leaseMs`. */
  heartbeatMs: number;
  /** Default: hostname, pid and a random suffix. */
  holder?: string;
  /** Postgres replicas: waiting for the lease is how a follower runs, not a second instance by mistake. */
  replicas?: boolean;
}

export type LeaseState = 'held' | 'waiting' | 'lost';

export { processHolderId };

/**
 * Keeps dockhand to one instance per database: the holder renews the lease every heartbeat; an instance
 * that finds it held says who holds it and tries again every heartbeat, taking it over once the holder has
 * missed its heartbeats past the expiry. Losing the lease (a stalled process whose lease expired and was
 * taken) is reported through `onLost`, so the jobs stop before they could run twice.
 */
export class InstanceLease {
  readonly holder: string;
  private state: LeaseState = 'waiting';
  private timer: NodeJS.Timeout | null = null;
  private reportedHolder: string | null = null;
  private heldToken: number | null = null;

  constructor(private readonly options: InstanceLeaseOptions) {
    if (options.heartbeatMs >= options.leaseMs) throw new Error('the lease heartbeat must be shorter than the lease');
    this.holder = options.holder ?? processHolderId();
  }

  get status(): LeaseState {
    return this.state;
  }

  get held(): boolean {
    return this.state === 'held';
  }

  /** The fencing token of the lease while this process holds it. */
  get token(): number | null {
    return this.state === 'held' ? this.heldToken : null;
  }

  /** Who held the lease at the last attempt that found it held by another (null: this one, or unknown). */
  get otherHolder(): string | null {
    return this.reportedHolder;
  }

  /** Throws `FencedOut` inside `tx` unless this process still holds the lease with the token it took it with. */
  async checkFence(tx: Db): Promise<void> {
    const token = this.token;
    if (token === null) throw new FencedOut(-1, null);
    await this.options.store.checkFence(tx, this.holder, token);
  }

  /** One attempt to take or renew the lease; returns whether it is held afterwards. */
  async attempt(): Promise<boolean> {
    const { store, clock, leaseMs, logger } = this.options;
    const now = clock.now().getTime();
    let held: boolean;
    try {
      held = this.state === 'held' ? await store.renew(this.holder, now, leaseMs) : await store.take(this.holder, now, leaseMs);
    } catch (error) {
      // A busy or broken database: keep the previous answer until the lease itself says otherwise.
      logger.error('could not read or write the instance lease', { error: errorMessage(error) });
      held = this.state === 'held' && ((await store.current().catch(() => undefined))?.expiresAt ?? 0) > now;
    }
    if (held) {
      if (this.state !== 'held') {
        // The token this holding goes by: read once, right after taking it (a renew keeps it).
        const row = await store.current().catch(() => undefined);
        this.heldToken = row?.holder === this.holder ? row.token : null;
        logger.info('instance lease taken; this instance runs the jobs', { holder: this.holder, token: this.heldToken });
      }
      this.state = 'held';
      this.reportedHolder = null;
      return true;
    }
    const wasHeld = this.state === 'held';
    this.state = wasHeld ? 'lost' : this.state;
    const current = await store.current().catch(() => undefined);
    if (current && current.holder !== this.reportedHolder) {
      this.reportedHolder = current.holder;
      const fields = { holder: current.holder, heartbeatAt: new Date(current.heartbeatAt).toISOString(), expiresAt: new Date(current.expiresAt).toISOString() };
      if (wasHeld) logger.warn('instance lease lost to another instance; stopping jobs', fields);
      else if (this.options.replicas) logger.info('another replica holds the lease and runs the jobs; this one serves Slack and takes over if it stops', fields);
      else logger.warn('another dockhand instance holds the lease; waiting', fields);
    }
    return false;
  }

  /** Attempts now and every heartbeat, calling `onAcquired` and `onLost` on each change. */
  start(handlers: { onAcquired: () => void; onLost: () => void; onBeat?: (held: boolean) => void }): void {
    this.stop();
    // One beat at a time: a slow database skips a heartbeat rather than stacking them.
    let beating = false;
    const beat = async () => {
      if (beating) return;
      beating = true;
      try {
        const before = this.state;
        const held = await this.attempt();
        if (held && before !== 'held') handlers.onAcquired();
        if (!held && before === 'held') handlers.onLost();
        handlers.onBeat?.(held);
      } finally {
        beating = false;
      }
    };
    void beat();
    this.timer = setInterval(() => void beat(), this.options.heartbeatMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Stops renewing and lets the lease expire now, so another instance takes over without waiting. */
  async release(): Promise<void> {
    this.stop();
    if (this.state !== 'held') return;
    try {
      await this.options.store.release(this.holder, this.options.clock.now().getTime());
    } catch (error) {
      this.options.logger.warn('could not release the instance lease; it expires by itself', { error: errorMessage(error) });
    }
    this.state = 'waiting';
  }
}
