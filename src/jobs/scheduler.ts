import { DateTime } from 'luxon';
import pLimit from 'p-limit';
import type { Clock } from '../domain/clock.js';
import type { Environment } from '../domain/environments.js';
import { decide, SCHEDULER_ACTOR, type ScheduledEnvironment, type SchedulerAction } from '../domain/schedules/decide.js';
import { nextEdge, type Edge } from '../domain/schedules/schedule.js';
import type { ResolvedSchedule } from '../domain/schedules/resolve.js';
import { errorMessage, type Logger } from '../log.js';
import type { Outbound } from '../outbound.js';
import type { OperationRunner } from '../operations/runner.js';
import type { ScheduleService } from '../schedules/schedule-service.js';
import type { Db } from '../store/db.js';
import type { Fleet } from '../store/fleet.js';
import { isFencedOut } from '../store/lease-store.js';
import { CronTasks } from './cron.js';
import type { NativeSchedules, SyncResult } from './native-schedules.js';
import type { OperationsStore } from '../store/operations-store.js';
import type { SchedulesStore } from '../store/schedules-store.js';
import { utcMinute, utcTime } from '../domain/time-format.js';

export { SCHEDULER_ACTOR };

export interface SchedulerDeps {
  /** Which schedule applies, and the overrides: the tick reads and ends them there. */
  schedules: ScheduleService;
  fleet: Fleet;
  /** The tick's own memory: grace and warnings per environment, and the last tick. */
  store: SchedulesStore;
  operations: OperationsStore;
  runner: OperationRunner;
  outbound: Outbound;
  clock: Clock;
  logger: Logger;
  channel: string | undefined;
  graceMs: number;
  warnMs: number;
  catchUpMs: number;
  /** Native mode's daily drift check; changes of schedule and override reach it through the schedule service. */
  native?: NativeSchedules;
  /** When a person last acted on the environment through dockhand (ISO time), for "was it used today". */
  lastActivity?: (environment: string) => Promise<string | undefined>;
  /** Told of every park or restore at an edge: on time, caught up after downtime, or failed (metrics). */
  onEdge?: (action: 'park' | 'restore', result: 'acted' | 'caught_up' | 'failed') => void;
  /** When ticks run, as node-cron sees it; default every minute (tests of whole processes tick every second). */
  tickCron?: string;
}

/** A tick whose window is longer than this is catching up on edges missed while dockhand was down. */
const CATCH_UP_AFTER_MS = 2 * 60_000;

export interface TickReport {
  at: Date;
  considered: number;
  actions: Array<{ environment: string; owner: string | null; action: SchedulerAction; outcome: string }>;
}

const PARALLEL_ENVIRONMENTS = 4;
const NO_OP_PROGRESS = { show: async () => undefined, messageTs: () => null };

/**
 * The reconciler: every minute it asks the domain what is due for each scheduled environment and does it
 * through the same journaled park/restore as `/env stop` and `/env start`. Everything it did in one tick is
 * reported as one message, never one per environment or service. Which schedule applies, and the overrides,
 * are the schedule service's (schedules/schedule-service.ts).
 */
export class Scheduler {
  private readonly cron: CronTasks;
  /**
   * The first edge after the last tick, per environment and schedule: most ticks need no time-zone maths.
   * Keyed by the schedule's text, which fixes the schedule (named ones do not change while dockhand runs):
   * setting another schedule misses the cache by itself.
   */
  private readonly upcoming = new Map<string, { schedule: string; edge: Edge | null }>();

  /** The lease check a leader's edge journals under (set by the lifecycle once the lease exists). */
  private fence: ((tx: Db) => Promise<void>) | undefined;

  /** From now on every park or restore is journaled only while `fence` passes in the journal's transaction. */
  fenceWith(fence: (tx: Db) => Promise<void>): void {
    this.fence = fence;
  }

  constructor(private readonly deps: SchedulerDeps) {
    this.cron = new CronTasks(deps.logger);
  }

  private upcomingEdge(name: string, resolved: ResolvedSchedule, since: Date): Edge | null {
    const cached = this.upcoming.get(name);
    if (cached && cached.schedule === resolved.text && (cached.edge === null || cached.edge.at > since)) return cached.edge;
    const edge = resolved.schedule ? nextEdge(resolved.schedule, since) : null;
    this.upcoming.set(name, { schedule: resolved.text ?? '', edge });
    return edge;
  }

  /** Ticks run one after another: each reads what the one before stored (its last tick, its memory). */
  private ticking: Promise<unknown> = Promise.resolve();

  tick(now: Date = this.deps.clock.now()): Promise<TickReport> {
    const run = this.ticking.then(() => this.tickOnce(now));
    this.ticking = run.catch(() => undefined);
    return run;
  }

  private async tickOnce(now: Date): Promise<TickReport> {
    const { store, fleet } = this.deps;
    const last = (await store.lastTick()) ?? new Date(now.getTime() - 60_000);
    const since = new Date(Math.max(last.getTime(), now.getTime() - this.deps.catchUpMs));
    const memory = await store.memory();
    const parked = await fleet.parkedEnvironments();
    const window = { since, now, graceMs: this.deps.graceMs, warnMs: this.deps.warnMs };

    const due: Array<{ env: Environment; actions: SchedulerAction[] }> = [];
    let considered = 0;
    for (const { environment: env, resolved, override } of await this.deps.schedules.applying(fleet.environments())) {
      if (!resolved.schedule) continue;
      considered += 1;
      const remembered = memory.get(env.name);
      const scheduled: ScheduledEnvironment = {
        name: env.name,
        schedule: resolved.schedule,
        running: env.desired > 0,
        parkedByDockhand: parked.has(env.name),
        override,
        graceUntil: remembered?.graceUntil ? new Date(remembered.graceUntil) : null,
        warnedFor: remembered?.warnedFor ? new Date(remembered.warnedFor) : null,
      };
      const actions = decide(scheduled, window, this.upcomingEdge(env.name, resolved, since));
      if (actions.length > 0) due.push({ env, actions });
    }

    const limit = pLimit(PARALLEL_ENVIRONMENTS);
    const catchingUp = now.getTime() - since.getTime() > CATCH_UP_AFTER_MS;
    const done = await Promise.all(due.map(({ env, actions }) => limit(() => this.apply(env, actions, now, catchingUp))));
    await store.setLastTick(now);
    const report: TickReport = { at: now, considered, actions: done.flat() };
    await this.reportTick(report);
    return report;
  }

  private async apply(env: Environment, actions: SchedulerAction[], now: Date, catchingUp: boolean): Promise<TickReport['actions']> {
    const { store, schedules } = this.deps;
    const results: TickReport['actions'] = [];
    const remember = async (change: { graceUntil?: Date | null; warnedFor?: Date | null }) => {
      const current = (await store.memory()).get(env.name);
      await store.remember({
        environment: env.name,
        graceUntil: change.graceUntil === undefined ? (current?.graceUntil ?? null) : (change.graceUntil?.toISOString() ?? null),
        warnedFor: change.warnedFor === undefined ? (current?.warnedFor ?? null) : (change.warnedFor?.toISOString() ?? null),
      });
    };
    for (const action of actions) {
      let outcome = '';
      try {
        switch (action.kind) {
          case 'park':
          case 'restore': {
            const result = await this.operate(env, action.kind === 'park' ? 'stop' : 'start');
            outcome = result.text;
            this.deps.onEdge?.(action.kind, result.ok ? (catchingUp ? 'caught_up' : 'acted') : 'failed');
            if (action.kind === 'park') await remember({ graceUntil: null });
            break;
          }
          case 'end-override':
            await schedules.endOverride(env, now);
            outcome = 'override ended';
            break;
          case 'announce-new':
            await remember({ graceUntil: action.parkAt });
            outcome = `parking it at ${utcTime(action.parkAt)} UTC unless someone extends it`;
            break;
          case 'report-external': {
            const until = action.until ?? new Date(now.getTime() + 24 * 3600_000);
            await schedules.noteExternalStart(env.name, until);
            outcome = `started from outside dockhand while parked; left running until ${utcMinute(until)} UTC`;
            break;
          }
          case 'warn':
            await remember({ warnedFor: action.stopAt });
            if (await this.usedToday(env, now)) {
              await this.warn(env, action.stopAt, action.because);
              outcome = 'owner warned';
            } else {
              outcome = 'not warned: nobody used it today';
            }
            break;
        }
      } catch (error) {
        if (isFencedOut(error)) {
          // This replica lost the lease since it decided: another leads now and decides for itself.
          outcome = 'refused: this replica no longer holds the instance lease; nothing journaled or sent to AWS';
          this.deps.logger.warn('scheduler edge refused: the instance lease changed hands', { environment: env.name, action: action.kind, error: errorMessage(error) });
          results.push({ environment: env.name, owner: env.owner, action, outcome });
          continue;
        }
        outcome = `failed: ${errorMessage(error)}`;
        if (action.kind === 'park' || action.kind === 'restore') this.deps.onEdge?.(action.kind, 'failed');
        this.deps.logger.error('scheduler action failed', { environment: env.name, action: action.kind, error: errorMessage(error) });
      }
      results.push({ environment: env.name, owner: env.owner, action, outcome });
    }
    return results;
  }

  private async operate(env: Environment, verb: 'stop' | 'start'): Promise<{ text: string; ok: boolean }> {
    const result = await this.deps.runner.run(
      { verb, environment: env, service: null, count: null, requestedBy: SCHEDULER_ACTOR, approvedBy: null, channelId: this.deps.channel ?? '' },
      NO_OP_PROGRESS,
      this.fence,
    );
    if (result.kind === 'busy') return { text: `skipped: operation #${result.running.id} by <@${result.running.requestedBy}> is running`, ok: false };
    return { text: `${result.operation.status} (${result.operation.summary}, operation #${result.operation.id})`, ok: result.operation.status === 'succeeded' };
  }

  /**
   * Only environments someone used today are worth a warning: deployed today, or acted on through dockhand
   * today (local midnight in the schedule's zone).
   */
  private async usedToday(env: Environment, now: Date): Promise<boolean> {
    const resolved = await this.deps.schedules.resolve(env);
    const zone = resolved.schedule?.kind === 'windows' ? resolved.schedule.timeZone : 'UTC';
    const midnight = DateTime.fromJSDate(now, { zone }).startOf('day').toJSDate().toISOString();
    if (env.services.some((s) => s.lastDeployAt !== null && s.lastDeployAt >= midnight)) return true;
    return (await this.deps.lastActivity?.(env.name))?.localeCompare(midnight) === 1;
  }

  private async warn(env: Environment, stopAt: Date, because: 'schedule' | 'override'): Promise<void> {
    if (!this.deps.channel) return;
    await this.deps.outbound.post(this.deps.channel, { kind: 'schedule-warning', environment: env, stopAt, because });
  }

  private async reportTick(report: TickReport): Promise<void> {
    const worth = report.actions.filter((a) => a.action.kind !== 'warn' && a.action.kind !== 'end-override');
    if (worth.length === 0 || !this.deps.channel) return;
    await this.deps.outbound
      .post(this.deps.channel, { kind: 'tick-report', at: report.at, actions: worth })
      .catch((error) => this.deps.logger.warn('could not post the scheduler report', { error: errorMessage(error) }));
  }

  /** Native mode's daily drift check (and the first sync at start): every native environment's actions as the policy says. */
  async repairNative(): Promise<SyncResult | null> {
    if (!this.deps.native) return null;
    const environments = (await this.deps.schedules.applying(this.deps.fleet.environments())).map(({ environment: env, resolved }) => ({ env, schedule: resolved.schedule }));
    return this.deps.native.repairAll(environments);
  }

  start(): void {
    this.cron.add('scheduler tick', this.deps.tickCron ?? '* * * * *', () => this.tick());
    // Native mode's daily drift check.
    if (this.deps.native?.enabled) this.cron.add('native schedule repair', '17 3 * * *', () => this.repairNative());
  }

  stop(): Promise<void> {
    return this.cron.stop();
  }
}
