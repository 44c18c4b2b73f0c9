import { edgesBetween, isUp, nextEdge, type Edge, type Schedule } from './schedule.js';

/**
 * The scheduler's decisions, as a pure function of an environment's schedule, what it looks like now and
 * what dockhand knows about it. It acts at schedule edges, never continuously: whatever people did between
 * two edges stands until the next one.
 */

/** Operations the schedule starts are journaled under this name, in place of a Slack user id. */
export const SCHEDULER_ACTOR = 'scheduler';

export interface Override {
  /** `up` keeps the environment running (extend, or a start from outside); `down` keeps it parked. */
  kind: 'up' | 'down';
  until: Date;
  reason: 'extend' | 'manual' | 'external';
}

export interface ScheduledEnvironment {
  name: string;
  schedule: Schedule;
  /** Any service has a desired count above zero. */
  running: boolean;
  /** dockhand holds park records for it: it was parked by dockhand and can be restored exactly. */
  parkedByDockhand: boolean;
  override: Override | null;
  /** Set when dockhand first saw the environment up outside its hours: it is parked after this time. */
  graceUntil: Date | null;
  /** The down edge the owner was last warned about, so each edge warns once. */
  warnedFor: Date | null;
}

export type SchedulerAction =
  | { kind: 'park'; reason: string }
  | { kind: 'restore'; reason: string }
  | { kind: 'announce-new'; parkAt: Date }
  | { kind: 'report-external'; until: Date | null }
  | { kind: 'warn'; stopAt: Date; because: 'schedule' | 'override' }
  | { kind: 'end-override' };

export interface TickWindow {
  /** The previous tick (exclusive): edges after it and up to `now` are due. After downtime this is long ago. */
  since: Date;
  now: Date;
  graceMs: number;
  warnMs: number;
}

function latest(edges: readonly Edge[]): Edge | undefined {
  return edges[edges.length - 1];
}

/** When the environment will next be parked on its own: the override's end, or the schedule's next down edge. */
export function nextStop(env: Pick<ScheduledEnvironment, 'schedule' | 'override'>, now: Date): { at: Date; because: 'schedule' | 'override' } | null {
  if (env.override?.kind === 'up' && env.override.until > now) {
    return isUp(env.schedule, env.override.until) ? null : { at: env.override.until, because: 'override' };
  }
  let edge = nextEdge(env.schedule, now);
  // A window ending in a missing hour can leave an up edge first; the next down edge is what parks it.
  while (edge && edge.kind !== 'down') edge = nextEdge(env.schedule, edge.at);
  return edge ? { at: edge.at, because: 'schedule' } : null;
}

function warning(env: ScheduledEnvironment, now: Date, warnMs: number, stop: { at: Date; because: 'schedule' | 'override' } | null): SchedulerAction[] {
  if (!stop || !env.running || stop.at.getTime() - now.getTime() > warnMs) return [];
  return env.warnedFor?.getTime() === stop.at.getTime() ? [] : [{ kind: 'warn', stopAt: stop.at, because: stop.because }];
}

/**
 * One tick for one environment. Most ticks find nothing due: they cost one edge look-up (none when the caller
 * passes the first edge after `since` it computed before), because the state between two edges is the
 * opposite of the next edge's kind.
 */
export function decide(env: ScheduledEnvironment, window: TickWindow, upcoming: Edge | null = nextEdge(env.schedule, window.since)): SchedulerAction[] {
  const { since, now, warnMs } = window;
  const edgeDue = upcoming !== null && upcoming.at <= now;
  const wantUp = upcoming && !edgeDue ? upcoming.kind === 'down' : isUp(env.schedule, now);

  if (env.override && env.override.until <= now) {
    // The override has ended: the schedule takes over again, as at an edge.
    if (!wantUp && env.running) return [{ kind: 'end-override' }, { kind: 'park', reason: `${env.override.reason === 'extend' ? 'the extension' : 'the override'} ended` }];
    if (wantUp && !env.running && env.parkedByDockhand) return [{ kind: 'end-override' }, { kind: 'restore', reason: 'the override ended' }];
    return [{ kind: 'end-override' }];
  }
  if (env.override) return warning(env, now, warnMs, nextStop(env, now));

  const edge = edgeDue ? latest(edgesBetween(env.schedule, since, now)) : undefined;
  if (edge?.kind === 'down' && env.running) return [{ kind: 'park', reason: `its schedule ends the day at ${edge.at.toISOString()}` }];
  if (edge?.kind === 'up' && !env.running && env.parkedByDockhand) return [{ kind: 'restore', reason: `its schedule starts the day at ${edge.at.toISOString()}` }];

  if (!wantUp && env.running) {
    // Parked by dockhand, yet running: someone started it from the console, CLI or Terraform. Reported, and
    // left up until the next edge rather than fought.
    if (env.parkedByDockhand) return [{ kind: 'report-external', until: nextEdge(env.schedule, now)?.at ?? null }];
    // Up outside its hours without dockhand having parked it: new, or newly scheduled. Announce, then park.
    if (env.graceUntil === null) return [{ kind: 'announce-new', parkAt: new Date(now.getTime() + window.graceMs) }];
    if (env.graceUntil <= now) return [{ kind: 'park', reason: 'it was up outside its hours past the grace period' }];
    return [];
  }
  if (!wantUp || !env.running) return [];
  const stop = upcoming && !edgeDue && upcoming.kind === 'down' ? { at: upcoming.at, because: 'schedule' as const } : nextStop(env, now);
  return warning(env, now, warnMs, stop);
}
