import { DateTime } from 'luxon';
import pLimit from 'p-limit';
import type { Clock } from '../domain/clock.js';
import type { Environment } from '../domain/environments.js';
import type { Extension } from '../domain/notices.js';
import { decide, SCHEDULER_ACTOR, type Override, type ScheduledEnvironment, type SchedulerAction } from '../domain/schedules/decide.js';
import { nextEdge, parseSchedule, type Edge } from '../domain/schedules/schedule.js';
import { resolveSchedule, type ResolvedSchedule, type ScheduleRules } from '../domain/schedules/resolve.js';
import { errorMessage, type Logger } from '../log.js';
import type { Outbound } from '../outbound.js';
import type { OperationRunner } from '../operations/runner.js';
import type { Fleet } from '../store/fleet.js';
import { CronTasks } from './cron.js';
import type { NativeSchedules, SyncResult } from './native-schedules.js';
import type { OperationsStore, OperationRow } from '../store/operations-store.js';
import { overrideOf, type SchedulesStore } from '../store/schedules-store.js';
import { quoted } from '../domain/bounded-text.js';
import { utcMinute, utcTime } from '../domain/time-format.js';

export { SCHEDULER_ACTOR };

export interface SchedulerDeps {
  fleet: Fleet;
  store: SchedulesStore;
  operations: OperationsStore;
  runner: OperationRunner;
  outbound: Outbound;
  clock: Clock;
  logger: Logger;
  rules: ScheduleRules;
  channel: string | undefined;
  graceMs: number;
  warnMs: number;
  catchUpMs: number;
  /** Native mode, for the environments it applies to. */
  native?: NativeSchedules;
  /** When a person last acted on the environment through dockhand (ISO time), for "was it used today". */
  lastActivity?: (environment: string) => string | undefined;
  /** Told of every park or restore at an edge: on time, caught up after downtime, or failed (metrics). */
  onEdge?: (action: 'park' | 'restore', result: 'acted' | 'caught_up' | 'failed') => void;
  /** When ticks run, as node-cron sees it; default every minute (tests of whole processes tick every second). */
  tickCron?: string;
}

/** A tick whose window is longer than this is catching up on edges missed while dockhand was down. */
const CATCH_UP_AFTER_MS = 2 * 60_000;

export interface ScheduleExplanation {
  resolved: ResolvedSchedule;
  /** The override in force now, if any. */
  override: Override | null;
  /** The schedule's next edge (an override may postpone what it does). */
  next: Edge | null;
}

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
 * reported as one message, never one per environment or service.
 */
export class Scheduler {
  private readonly cron: CronTasks;
  /** The first edge after the last tick, per environment and schedule: most ticks need no time-zone maths. */
  private readonly upcoming = new Map<string, { schedule: string; edge: Edge | null }>();

  constructor(private readonly deps: SchedulerDeps) {
    this.cron = new CronTasks(deps.logger);
  }

  resolve(environment: Environment): ResolvedSchedule {
    return resolveSchedule(environment, this.deps.store.settings().get(environment.name), this.deps.rules);
  }

  private upcomingEdge(name: string, resolved: ResolvedSchedule, since: Date): Edge | null {
    const cached = this.upcoming.get(name);
    if (cached && cached.schedule === resolved.text && (cached.edge === null || cached.edge.at > since)) return cached.edge;
    const edge = resolved.schedule ? nextEdge(resolved.schedule, since) : null;
    this.upcoming.set(name, { schedule: resolved.text ?? '', edge });
    return edge;
  }

  async tick(now: Date = this.deps.clock.now()): Promise<TickReport> {
    const { store, fleet } = this.deps;
    const last = store.lastTick() ?? new Date(now.getTime() - 60_000);
    const since = new Date(Math.max(last.getTime(), now.getTime() - this.deps.catchUpMs));
    const settings = store.settings();
    const overrides = store.openOverrides();
    const memory = store.memory();
    const parked = fleet.parkedEnvironments();
    const window = { since, now, graceMs: this.deps.graceMs, warnMs: this.deps.warnMs };

    const due: Array<{ env: Environment; actions: SchedulerAction[] }> = [];
    let considered = 0;
    for (const env of fleet.environments()) {
      const resolved = resolveSchedule(env, settings.get(env.name), this.deps.rules);
      if (!resolved.schedule) continue;
      considered += 1;
      const remembered = memory.get(env.name);
      const scheduled: ScheduledEnvironment = {
        name: env.name,
        schedule: resolved.schedule,
        running: env.desired > 0,
        parkedByDockhand: parked.has(env.name),
        override: overrideOf(overrides.get(env.name)),
        graceUntil: remembered?.graceUntil ? new Date(remembered.graceUntil) : null,
        warnedFor: remembered?.warnedFor ? new Date(remembered.warnedFor) : null,
      };
      const actions = decide(scheduled, window, this.upcomingEdge(env.name, resolved, since));
      if (actions.length > 0) due.push({ env, actions });
    }

    const limit = pLimit(PARALLEL_ENVIRONMENTS);
    const catchingUp = now.getTime() - since.getTime() > CATCH_UP_AFTER_MS;
    const done = await Promise.all(due.map(({ env, actions }) => limit(() => this.apply(env, actions, now, catchingUp))));
    store.setLastTick(now);
    const report: TickReport = { at: now, considered, actions: done.flat() };
    await this.reportTick(report);
    return report;
  }

  private async apply(env: Environment, actions: SchedulerAction[], now: Date, catchingUp: boolean): Promise<TickReport['actions']> {
    const { store, clock } = this.deps;
    const results: TickReport['actions'] = [];
    const remember = (change: { graceUntil?: Date | null; warnedFor?: Date | null }) => {
      const current = store.memory().get(env.name);
      store.remember({
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
            if (action.kind === 'park') remember({ graceUntil: null });
            break;
          }
          case 'end-override':
            store.endOverride(env.name, now.toISOString());
            await this.suspendNative(env, false);
            outcome = 'override ended';
            break;
          case 'announce-new':
            remember({ graceUntil: action.parkAt });
            outcome = `parking it at ${utcTime(action.parkAt)} UTC unless someone extends it`;
            break;
          case 'report-external': {
            const until = action.until ?? new Date(now.getTime() + 24 * 3600_000);
            store.openOverride(env.name, { kind: 'up', until, reason: 'external' }, 'outside dockhand', clock.now().toISOString());
            outcome = `started from outside dockhand while parked; left running until ${utcMinute(until)} UTC`;
            break;
          }
          case 'warn':
            remember({ warnedFor: action.stopAt });
            if (this.usedToday(env, now)) {
              await this.warn(env, action.stopAt, action.because);
              outcome = 'owner warned';
            } else {
              outcome = 'not warned: nobody used it today';
            }
            break;
        }
      } catch (error) {
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
    );
    if (result.kind === 'busy') return { text: `skipped: operation #${result.running.id} by <@${result.running.requestedBy}> is running`, ok: false };
    return { text: `${result.operation.status} (${result.operation.summary}, operation #${result.operation.id})`, ok: result.operation.status === 'succeeded' };
  }

  /**
   * Only environments someone used today are worth a warning: deployed today, or acted on through dockhand
   * today (local midnight in the schedule's zone).
   */
  private usedToday(env: Environment, now: Date): boolean {
    const resolved = this.resolve(env);
    const zone = resolved.schedule?.kind === 'windows' ? resolved.schedule.timeZone : 'UTC';
    const midnight = DateTime.fromJSDate(now, { zone }).startOf('day').toJSDate().toISOString();
    if (env.services.some((s) => s.lastDeployAt !== null && s.lastDeployAt >= midnight)) return true;
    return this.deps.lastActivity?.(env.name)?.localeCompare(midnight) === 1;
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

  /**
   * A start or stop by a person is an override until the next edge; the schedule resumes after it. Called
   * for every finished operation that was not the scheduler's own.
   */
  noteOperation(operation: OperationRow): void {
    if (operation.requestedBy === SCHEDULER_ACTOR || (operation.verb !== 'start' && operation.verb !== 'stop') || operation.status === 'failed') return;
    const env = this.deps.fleet.environment(operation.environment);
    const resolved = env ? this.resolve(env) : null;
    if (!resolved?.schedule) return;
    const now = this.deps.clock.now();
    const edge = nextEdge(resolved.schedule, now);
    if (!edge) return;
    const override: Override = { kind: operation.verb === 'start' ? 'up' : 'down', until: edge.at, reason: 'manual' };
    this.deps.store.openOverride(operation.environment, override, operation.requestedBy, now.toISOString());
    if (env) void this.suspendNative(env, true);
  }

  /** What `/env schedule <env>`, `/env list` and `/env status` show: the schedule, where it came from, what is next. */
  explain(environment: Environment): ScheduleExplanation {
    return this.explainAll([environment]).get(environment.name) as ScheduleExplanation;
  }

  /** The same for many environments, reading the settings and overrides once. */
  explainAll(environments: readonly Environment[]): Map<string, ScheduleExplanation> {
    const now = this.deps.clock.now();
    const settings = this.deps.store.settings();
    const overrides = this.deps.store.openOverrides();
    return new Map(
      environments.map((environment) => {
        const resolved = resolveSchedule(environment, settings.get(environment.name), this.deps.rules);
        const override = overrideOf(overrides.get(environment.name));
        const next = resolved.schedule ? nextEdge(resolved.schedule, now) : null;
        return [environment.name, { resolved, override: override && override.until > now ? override : null, next }];
      }),
    );
  }

  private async suspendNative(env: Environment, suspended: boolean): Promise<void> {
    if (!this.deps.native?.applies(env.name)) return;
    await this.deps.native.setSuspended(env, suspended).catch((error) => {
      this.deps.logger.error('could not change scheduled scaling suspension', { environment: env.name, suspended, error: errorMessage(error) });
    });
  }

  /** Native mode's daily drift check (and the first sync at start): every native environment's actions as the policy says. */
  async repairNative(): Promise<SyncResult | null> {
    if (!this.deps.native) return null;
    const environments = this.deps.fleet.environments().map((env) => ({ env, schedule: this.resolve(env).schedule }));
    return this.deps.native.repairAll(environments);
  }

  /** `/env schedule <env> <spec | name | off | default>`: validated here, so a bad spec changes nothing. */
  async setSchedule(environment: string, spec: string, setBy: string): Promise<{ ok: true; resolved: ResolvedSchedule } | { ok: false; problem: string; example: string }> {
    const now = this.deps.clock.now().toISOString();
    const text = spec.trim();
    if (text.toLowerCase() === 'default') {
      this.deps.store.clearSchedule(environment);
    } else {
      if (text.toLowerCase() !== 'off') {
        const parsed = parseSchedule(text, this.deps.rules.named);
        if (!parsed.ok) {
          const pointer = parsed.error.token ? ` at \`${quoted(parsed.error.token)}\` (character ${parsed.error.index + 1})` : '';
          return { ok: false, problem: `${parsed.error.message}${pointer}`, example: parsed.error.example };
        }
      }
      this.deps.store.setSchedule({ environment, schedule: text, setBy, setAt: now });
    }
    this.upcoming.delete(environment);
    const env = this.deps.fleet.environment(environment);
    const resolved = env ? this.resolve(env) : resolveSchedule({ name: environment, services: [] }, undefined, this.deps.rules);
    if (env && this.deps.native?.applies(environment)) await this.deps.native.sync(env, resolved.schedule);
    return { ok: true, resolved };
  }

  /** Keeps an environment up until `until`; the scheduler parks it then if its schedule says down. */
  async extend(environment: string, until: Date, requestedBy: string, approvedBy: string | null): Promise<Extension> {
    this.deps.store.openOverride(environment, { kind: 'up', until, reason: 'extend' }, requestedBy, this.deps.clock.now().toISOString());
    const env = this.deps.fleet.environment(environment);
    if (env) await this.suspendNative(env, true);
    return { environment, until, approvedBy };
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
