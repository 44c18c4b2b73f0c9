/**
 * Whether dockhand is ready to serve, check by check. What goes into the answer is safe for anyone who can
 * reach the port (it is unauthenticated): states, ages and counts, never AWS error texts, account ids or
 * who asked for a refresh.
 */

export interface ReadinessInput {
  now: Date;
  /** null when the database took the probe write; otherwise why not (kept out of the answer). */
  databaseError: string | null;
  lease: 'held' | 'waiting' | 'lost';
  /** Postgres replicas: one not holding the lease still serves Slack, so it is ready as a follower. */
  replicas?: boolean;
  /** Socket Mode's connection state; null in HTTP mode, where there is no connection to hold. */
  slack: { mode: 'http' } | { mode: 'socket'; state: 'connected' | 'connecting' | 'disconnected' | 'not started' } | { mode: 'off' };
  /** When the last refresh that read every account and region finished; null if none has. */
  lastSuccessfulRefresh: Date | null;
  /** Locations that failed in the most recent refresh (counted, not named). */
  failedLocationsLastRefresh: number;
  refreshIntervalMs: number;
}

export interface CheckState {
  ok: boolean;
  [detail: string]: unknown;
}

export interface Readiness {
  status: 'ok' | 'unavailable';
  /** The names of the checks that failed, so a 503 says what is wrong at a glance. */
  failing: string[];
  checks: Record<'database' | 'lease' | 'slack' | 'inventory', CheckState>;
}

/** A refresh counts as recent while it is younger than this many intervals. */
export const STALE_AFTER_INTERVALS = 3;

export function readiness(input: ReadinessInput): Readiness {
  const slack: CheckState =
    input.slack.mode === 'socket' ? { ok: input.slack.state === 'connected', mode: 'socket', state: input.slack.state } : { ok: true, mode: input.slack.mode };
  const ageMs = input.lastSuccessfulRefresh ? input.now.getTime() - input.lastSuccessfulRefresh.getTime() : null;
  const maxAgeMs = STALE_AFTER_INTERVALS * input.refreshIntervalMs;
  const checks: Readiness['checks'] = {
    database: input.databaseError === null ? { ok: true, writable: true } : { ok: false, writable: false },
    lease: input.replicas
      ? { ok: true, state: input.lease, role: input.lease === 'held' ? 'leader' : 'follower' }
      : { ok: input.lease === 'held', state: input.lease },
    slack,
    inventory: {
      ok: ageMs !== null && ageMs < maxAgeMs,
      last_success_age_seconds: ageMs === null ? null : Math.round(ageMs / 1000),
      max_age_seconds: Math.round(maxAgeMs / 1000),
      failed_locations_last_refresh: input.failedLocationsLastRefresh,
    },
  };
  const failing = Object.entries(checks)
    .filter(([, check]) => !check.ok)
    .map(([name]) => name);
  return { status: failing.length === 0 ? 'ok' : 'unavailable', failing, checks };
}
