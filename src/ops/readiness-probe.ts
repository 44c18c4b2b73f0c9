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
  /** How long the database may take to answer the probe (default READINESS_DATABASE_DEADLINE_MS). */
  databaseDeadlineMs?: number;
}

/**
 * A load balancer's health check gives up after 5 s by default: a database that has not answered the probe
 * by this is reported as not answering, rather than the check timing out with no answer at all.
 */
export const READINESS_DATABASE_DEADLINE_MS = 3000;

interface DatabaseFindings {
  databaseError: string | null;
  lastSuccess: string | null;
}

/**
 * Gathers what readiness needs, each time it is asked: a real database write, the lease, Slack, the last
 * refresh. The database's part has a deadline, and one probe at a time: while a hung database still holds
 * one, the next asks share it instead of queueing more queries in the pool.
 */
export function readinessProbe(deps: ReadinessProbeDeps): () => Promise<Readiness> {
  const deadlineMs = deps.databaseDeadlineMs ?? READINESS_DATABASE_DEADLINE_MS;
  // Shared until its queries end, not only until the deadline: a hung database holds one pool connection for it.
  let probing: { findings: Promise<DatabaseFindings>; lateSaid: boolean } | null = null;
  const probeDatabase = (nowMs: number): Promise<DatabaseFindings> => {
    const probe = (probing ??= {
      findings: askDatabase(deps, nowMs).finally(() => {
        probing = null;
      }),
      lateSaid: false,
    });
    return answeredWithin(deadlineMs, probe);
  };
  return async () => {
    const now = deps.clock.now();
    const { databaseError, lastSuccess } = await probeDatabase(now.getTime());
    const app = deps.slack;
    const slack: ReadinessInput['slack'] = !app ? { mode: 'off' } : app.mode === 'http' ? { mode: 'http' } : { mode: 'socket', state: app.socketState() ?? 'not started' };
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

  function answeredWithin(ms: number, probe: { findings: Promise<DatabaseFindings>; lateSaid: boolean }): Promise<DatabaseFindings> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<DatabaseFindings>((resolve) => {
      timer = setTimeout(() => {
        const databaseError = `the database did not answer within ${ms} ms`;
        if (!probe.lateSaid) deps.logger.error('readiness: the database does not take writes', { error: databaseError });
        probe.lateSaid = true;
        resolve({ databaseError, lastSuccess: lastRefreshHere(deps) });
      }, ms);
    });
    return Promise.race([probe.findings, late]).finally(() => clearTimeout(timer));
  }
}

/**
 * The last refresh this process finished without errors, for when the database cannot say: the inventory's
 * check is about AWS, and a hung database must not make it fail too.
 */
function lastRefreshHere(deps: ReadinessProbeDeps): string | null {
  const last = deps.inventory.lastRefresh();
  return last && last.errors.length === 0 ? last.finishedAt : null;
}

async function askDatabase(deps: ReadinessProbeDeps, nowMs: number): Promise<DatabaseFindings> {
  let databaseError: string | null = null;
  try {
    await deps.leaseStore.probeWrite(nowMs);
  } catch (error) {
    databaseError = errorMessage(error);
    deps.logger.error('readiness: the database does not take writes', { error: databaseError });
  }
  let lastSuccess: string | null = null;
  try {
    lastSuccess = await deps.inventory.lastSuccessfulRefreshAt();
  } catch (error) {
    databaseError ??= errorMessage(error);
    lastSuccess = lastRefreshHere(deps);
  }
  return { databaseError, lastSuccess };
}
