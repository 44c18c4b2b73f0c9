import type { Clock } from '../domain/clock.js';
import { readiness, type Readiness, type ReadinessInput } from '../domain/readiness.js';
import type { InstanceLease } from '../jobs/instance-lease.js';
import { errorMessage, type Logger } from '../log.js';
import type { InventoryStore } from '../store/inventory-store.js';
import type { LeaseStore } from '../store/lease-store.js';

/** What readiness asks of Slack: its mode and, in Socket Mode, the WebSocket's state (slack/app.ts's SlackApp is one). */
export interface SlackConnection {
  mode: 'http' | 'socket';
  socketState(): Extract<ReadinessInput['slack'], { mode: 'socket' }>['state'] | null;
}

export interface ReadinessProbeDeps {
  leaseStore: LeaseStore;
  lease: InstanceLease;
  inventory: InventoryStore;
  /** null: Slack is off. */
  slack: SlackConnection | null;
  clock: Clock;
  logger: Logger;
  refreshIntervalMs: number;
  /** Postgres replicas: see `ReadinessInput.replicas`. */
  replicas?: boolean;
}

/** Gathers what readiness needs, each time it is asked: a real database write, the lease, Slack, the last refresh. */
export function readinessProbe(deps: ReadinessProbeDeps): () => Promise<Readiness> {
  return async () => {
    const now = deps.clock.now();
    let databaseError: string | null = null;
    try {
      await deps.leaseStore.probeWrite(now.getTime());
    } catch (error) {
      databaseError = errorMessage(error);
      deps.logger.error('readiness: the database does not take writes', { error: databaseError });
    }
    const app = deps.slack;
    const slack: ReadinessInput['slack'] = !app ? { mode: 'off' } : app.mode === 'http' ? { mode: 'http' } : { mode: 'socket', state: app.socketState() ?? 'not started' };
    let lastSuccess: string | null = null;
    try {
      lastSuccess = await deps.inventory.lastSuccessfulRefreshAt();
    } catch (error) {
      databaseError ??= errorMessage(error);
    }
    return readiness({
      now,
      databaseError,
      lease: deps.lease.status,
      replicas: deps.replicas === true,
      slack,
      lastSuccessfulRefresh: lastSuccess ? new Date(lastSuccess) : null,
      failedLocationsLastRefresh: deps.inventory.lastRefresh()?.errors.length ?? 0,
      refreshIntervalMs: deps.refreshIntervalMs,
    });
  };
}
