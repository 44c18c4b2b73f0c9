import type { Clock } from '../domain/clock.js';
import type { Environment } from '../domain/environments.js';
import type { Extension } from '../domain/notices.js';
import { quoted } from '../domain/bounded-text.js';
import { SCHEDULER_ACTOR, type Override } from '../domain/schedules/decide.js';
import { edgesBetween, nextEdge, parseSchedule, type Edge, type Schedule } from '../domain/schedules/schedule.js';
import { resolveSchedule, type ResolvedSchedule, type ScheduleRules } from '../domain/schedules/resolve.js';
import { errorMessage, type Logger } from '../log.js';
import { Topic } from '../topic.js';
import type { Fleet } from '../store/fleet.js';
import type { OperationRow } from '../store/operations-store.js';
import { overrideOf, type OverrideRow, type ScheduleSetting, type SchedulesStore } from '../store/schedules-store.js';

/**
 * What the service needs of native mode (jobs/native-schedules.ts): AWS's scheduled actions follow every
 * schedule set, and are suspended while an override holds.
 */
export interface NativeScheduleSync {
  applies(environment: string): boolean;
  sync(env: Environment, schedule: Schedule | null): Promise<unknown>;
  setSuspended(env: Environment, suspended: boolean): Promise<void>;
}

export interface ScheduleServiceDeps {
  fleet: Fleet;
  store: SchedulesStore;
  rules: ScheduleRules;
  clock: Clock;
  logger: Logger;
  /** Native mode, for the environments it applies to. */
  native?: NativeScheduleSync;
}

export interface ScheduleExplanation {
  resolved: ResolvedSchedule;
  /** The override in force now, if any. */
  override: Override | null;
  /** The schedule's next edge (an override may postpone what it does). */
  next: Edge | null;
}

/** An environment's schedule and its open override: one that has run out is still open until a tick ends it. */
export interface AppliedSchedule {
  environment: Environment;
  resolved: ResolvedSchedule;
  override: Override | null;
}

export type SetScheduleResult = { ok: true; resolved: ResolvedSchedule } | { ok: false; problem: string; example: string };

/** What a spec would do, checked as `/env schedule <env> <spec>` checks it: drop the setting, turn it off, or a schedule. */
export type SpecCheck = { ok: true; kind: 'default' | 'off' | 'schedule' } | { ok: false; problem: string; example: string };

/** The schedule a spec would give an environment, and its next edges: the schedule editor's preview. */
export type SpecPreview = (SpecCheck & { ok: false }) | { ok: true; resolved: ResolvedSchedule; edges: Edge[] };

function applied(environments: readonly Environment[], settings: ReadonlyMap<string, ScheduleSetting>, overrides: ReadonlyMap<string, OverrideRow>, rules: ScheduleRules): AppliedSchedule[] {
  return environments.map((environment) => ({
    environment,
    resolved: resolveSchedule(environment, settings.get(environment.name), rules),
    override: overrideOf(overrides.get(environment.name)),
  }));
}

/** How far ahead the editor's preview looks for edges. */
const PREVIEW_DAYS = 8;

/**
 * Which schedule applies to an environment and why, and the overrides on it: what commands, approvals and
 * reports ask and change. The scheduler's tick (jobs/scheduler.ts) reads it to decide what is due.
 */
export class ScheduleService {
  /** A schedule was set or an extension opened or ended: the App Home hears it. */
  readonly changed: Topic<{ environment: string }>;

  /** explainAll's last answer for an array of environments, and how long it holds. */
  private readonly explained = new WeakMap<readonly Environment[], { settings: unknown; overrides: unknown; from: number; until: number; result: ReadonlyMap<string, ScheduleExplanation> }>();

  constructor(private readonly deps: ScheduleServiceDeps) {
    this.changed = new Topic('schedule changed', deps.logger);
  }

  async resolve(environment: Environment): Promise<ResolvedSchedule> {
    return resolveSchedule(environment, (await this.deps.store.settings()).get(environment.name), this.deps.rules);
  }

  /** The schedule and open override of each environment, reading the settings and overrides once. */
  async applying(environments: readonly Environment[]): Promise<AppliedSchedule[]> {
    return applied(environments, await this.deps.store.settings(), await this.deps.store.openOverrides(), this.deps.rules);
  }

  /** What `/env schedule <env>`, `/env list` and `/env status` show: the schedule, where it came from, what is next. */
  async explain(environment: Environment): Promise<ScheduleExplanation> {
    return (await this.explainAll([environment])).get(environment.name) as ScheduleExplanation;
  }

  /**
   * The same for many environments, reading the settings and overrides once. Asked again for the same array
   * (the fleet's, while its snapshot stands) with the same settings and overrides (SQLite keeps them), before
   * the clock reaches an edge or an override's end, it answers with the same map: `/env list` keys on it.
   */
  async explainAll(environments: readonly Environment[]): Promise<ReadonlyMap<string, ScheduleExplanation>> {
    const now = this.deps.clock.now().getTime();
    const settings = await this.deps.store.settings();
    const overrides = await this.deps.store.openOverrides();
    const kept = this.explained.get(environments);
    if (kept && kept.settings === settings && kept.overrides === overrides && kept.from <= now && now < kept.until) return kept.result;
    const result = new Map<string, ScheduleExplanation>();
    // An hour at most: past that, compute again rather than reason about far edges.
    let until = now + 3_600_000;
    for (const { environment, resolved, override } of applied(environments, settings, overrides, this.deps.rules)) {
      const next = resolved.schedule ? nextEdge(resolved.schedule, new Date(now)) : null;
      const inForce = override && override.until.getTime() > now ? override : null;
      until = Math.min(until, next?.at.getTime() ?? until, inForce?.until.getTime() ?? until);
      result.set(environment.name, { resolved, override: inForce, next });
    }
    this.explained.set(environments, { settings, overrides, from: now, until, result });
    return result;
  }

  /** The policy's named schedules, by name: what the schedule editor offers besides typing one. */
  namedSchedules(): string[] {
    return Object.keys(this.deps.rules.named);
  }

  /** Checks a spec with the schedule grammar (the policy's names included), changing nothing. */
  checkSpec(spec: string): SpecCheck {
    const text = spec.trim();
    if (text.toLowerCase() === 'default') return { ok: true, kind: 'default' };
    if (text.toLowerCase() === 'off') return { ok: true, kind: 'off' };
    const parsed = parseSchedule(text, this.deps.rules.named);
    if (parsed.ok) return { ok: true, kind: 'schedule' };
    const pointer = parsed.error.token ? ` at \`${quoted(parsed.error.token)}\` (character ${parsed.error.index + 1})` : '';
    return { ok: false, problem: `${parsed.error.message}${pointer}`, example: parsed.error.example };
  }

  /**
   * The schedule the spec would give the environment (for `default`: what applies without a setting; for
   * null: what applies now), and its next edges.
   */
  async preview(environment: Environment, spec: string | null, edges = 4): Promise<SpecPreview> {
    let resolved: ResolvedSchedule;
    if (spec === null) {
      resolved = await this.resolve(environment);
    } else {
      const check = this.checkSpec(spec);
      if (!check.ok) return check;
      const setting = check.kind === 'default' ? undefined : { schedule: spec.trim(), setBy: '', setAt: '' };
      resolved = resolveSchedule(environment, setting, this.deps.rules);
    }
    const now = this.deps.clock.now();
    const ahead = new Date(now.getTime() + PREVIEW_DAYS * 86_400_000);
    return { ok: true, resolved, edges: resolved.schedule ? edgesBetween(resolved.schedule, now, ahead).slice(0, edges) : [] };
  }

  /** `/env schedule <env> <spec | name | off | default>`: validated here, so a bad spec changes nothing. */
  async setSchedule(environment: string, spec: string, setBy: string): Promise<SetScheduleResult> {
    const now = this.deps.clock.now().toISOString();
    const text = spec.trim();
    const check = this.checkSpec(text);
    if (!check.ok) return check;
    if (check.kind === 'default') await this.deps.store.clearSchedule(environment);
    else await this.deps.store.setSchedule({ environment, schedule: text, setBy, setAt: now });
    const env = this.deps.fleet.environment(environment);
    const resolved = env ? await this.resolve(env) : resolveSchedule({ name: environment, services: [] }, undefined, this.deps.rules);
    if (env && this.deps.native?.applies(environment)) await this.deps.native.sync(env, resolved.schedule);
    this.changed.publish({ environment });
    return { ok: true, resolved };
  }

  /** Keeps an environment up until `until`; the scheduler parks it then if its schedule says down. */
  async extend(environment: string, until: Date, requestedBy: string, approvedBy: string | null): Promise<Extension> {
    await this.deps.store.openOverride(environment, { kind: 'up', until, reason: 'extend' }, requestedBy, this.deps.clock.now().toISOString());
    const env = this.deps.fleet.environment(environment);
    if (env) await this.suspendNative(env, true);
    this.changed.publish({ environment });
    return { environment, until, approvedBy };
  }

  /**
   * A start or stop by a person is an override until the next edge after it was asked (or approved); the
   * schedule resumes after it. Called for every finished operation (the runner's `finished` event); the
   * scheduler's own are not overrides. Counted from when it began, not ended: a start asked at 18:59 that
   * finishes after a 19:00 edge is parked at the next tick, not kept up until the morning without approval.
   */
  async noteOperation(operation: OperationRow): Promise<void> {
    if (operation.requestedBy === SCHEDULER_ACTOR || (operation.verb !== 'start' && operation.verb !== 'stop') || operation.status === 'failed') return;
    const env = this.deps.fleet.environment(operation.environment);
    const resolved = env ? await this.resolve(env) : null;
    if (!resolved?.schedule) return;
    const now = this.deps.clock.now();
    const edge = nextEdge(resolved.schedule, new Date(operation.startedAt));
    if (!edge) return;
    const override: Override = { kind: operation.verb === 'start' ? 'up' : 'down', until: edge.at, reason: 'manual' };
    await this.deps.store.openOverride(operation.environment, override, operation.requestedBy, now.toISOString());
    if (env) void this.suspendNative(env, true);
  }

  /** Started from outside dockhand while parked: left running until `until`, an override like any other. */
  async noteExternalStart(environment: string, until: Date): Promise<void> {
    await this.deps.store.openOverride(environment, { kind: 'up', until, reason: 'external' }, 'outside dockhand', this.deps.clock.now().toISOString());
  }

  /** An override that has run out: the schedule applies again, natively too. */
  async endOverride(env: Environment, at: Date): Promise<void> {
    await this.deps.store.endOverride(env.name, at.toISOString());
    this.changed.publish({ environment: env.name });
    await this.suspendNative(env, false);
  }

  private async suspendNative(env: Environment, suspended: boolean): Promise<void> {
    if (!this.deps.native?.applies(env.name)) return;
    await this.deps.native.setSuspended(env, suspended).catch((error) => {
      this.deps.logger.error('could not change scheduled scaling suspension', { environment: env.name, suspended, error: errorMessage(error) });
    });
  }
}
