import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { approvalRequired } from '../domain/access/approvals.js';
import { allowsOn, globsHolding, hasAnyBinding, isAllowed, maySeeAccountIds, whoToAsk, type Subject } from '../domain/access/permissions.js';
import type { Environment } from '../domain/environments.js';
import { ownerKey } from '../domain/idle.js';
import { errorMessage } from '../log.js';
import { RateLimiter, type Sleep } from '../rate-limit.js';
import { homeView, type HomeEnvironment, type HomeModel } from './blocks/home.js';
import { refreshFooter } from './blocks/list.js';
import { scheduleSummary } from './blocks/schedule.js';
import type { EnvCommandHandlerDeps } from './commands/env.js';
import type { SlackClient } from './directory.js';

/** The verbs that make an environment one the viewer operates (and so lists on their Home). */
const OPERATING_VERBS = ['start', 'stop', 'restart', 'scale', 'extend', 'schedule'] as const;

/**
 * views.publish is a Tier 4 method (100+ calls a minute per workspace, api.slack.com/methods/views.publish):
 * dockhand stays at 100 in any minute, and the WebClient waits out a 429 if Slack says otherwise. Redraws
 * after changes use at most 60 of them, so people opening their Home always have 40 left.
 */
export const PUBLISH_LIMIT = { limit: 100, intervalMs: 60_000 };
export const CHANGE_PUBLISH_LIMIT = { limit: 60, intervalMs: 60_000 };
/** Changes this close together (an approval, then its operation finishing, then the refresh) make one redraw. */
export const CHANGE_DEBOUNCE_MS = 2_000;
/** Redraw rounds after changes start at least this far apart: changes meanwhile wait for the next round. */
export const CHANGE_ROUND_MS = 5_000;
/** Only Homes opened this recently are republished when something changes; older ones are redrawn on opening. */
export const RECENT_HOME_MS = 60 * 60_000;
/** A view the same as the one published for that person less than this ago is not published again. */
export const SAME_VIEW_MS = 60_000;
/** Bounds the memory of who opened their Home, and of the event ids seen: the oldest are forgotten first. */
const MAX_REMEMBERED = 2_000;

type Why = 'opened' | 'changed';

export interface HomeDeps {
  client: Pick<SlackClient, 'views'>;
  command: EnvCommandHandlerDeps;
  /** Resolves once the refresh an operation started is done, so a republished Home shows its outcome. */
  fleetSettled?: () => Promise<void>;
  /**
   * What the redraw debounce waits with, on the command's clock. Default: a real sleep that keeps no process
   * alive; tests pass one they release by hand (and move their ManualClock with).
   */
  sleep?: Sleep;
}

/** A real sleep that does not hold the process open (as an unref'd timer). */
const backgroundSleep: Sleep = (ms) => delay(ms, undefined, { ref: false });

/** Whether the owner tag names the viewer (by id or mention) or one of their user groups. */
function owns(env: Environment, subject: Subject): boolean {
  if (!env.owner) return false;
  const key = ownerKey(env.owner);
  return key === subject.userId.toLowerCase() || subject.groupIds.some((group) => group.toLowerCase() === key);
}

function isProblem(env: Environment, scheduleProblem: boolean): boolean {
  return env.state === 'degraded' || env.state === 'partial' || env.state === 'transitioning' || scheduleProblem;
}

/**
 * Everyone's App Home: drawn when they open it, and redrawn (debounced, rate-limited) when something it
 * shows changes, for those who opened it recently; never on a timer. What it shows is what `/env list`,
 * `/env schedule`, `/env cost` and `/env approvals` compute, for the viewer's access.
 *
 * Each person has at most one draw waiting (asking again merges into it), so the queues are never longer
 * than the people waiting; someone opening their Home goes ahead of redraws after changes, and a view the
 * same as the one last published for that person is not published again.
 */
export class HomePublisher {
  /** Who opened their Home, when (by the injected clock), the groups they had then, and what they were last shown. */
  private readonly recent = new Map<string, { openedAt: number; subject: Subject; shown?: { view: string; at: number } }>();
  /** Waiting draws, one per person, oldest first; opening moves a person from `changes` to `opens`. */
  private readonly opens = new Set<string>();
  private readonly changes = new Set<string>();
  private readonly draining: Record<Why, boolean> = { opened: false, changed: false };
  private readonly limiter = new RateLimiter(PUBLISH_LIMIT);
  private readonly changeShare = new RateLimiter(CHANGE_PUBLISH_LIMIT);
  /** Environments changed since the last redraw round, and whether the debounce that starts it is waiting. */
  private readonly changedEnvironments = new Set<string>();
  private changeWaiting = false;
  /** Bumped by stop(): a debounce that was waiting then starts no round when it ends. */
  private generation = 0;
  /** When the last redraw round started, by the command's clock. */
  private lastRound = -Infinity;
  private readonly sleep: Sleep;
  /** Event ids of `app_home_opened` already handled: Slack's retries and replays draw nothing more. */
  private readonly seenEvents = new Set<string>();
  private stopped = false;

  constructor(private readonly deps: HomeDeps) {
    this.sleep = deps.sleep ?? backgroundSleep;
  }

  /** `app_home_opened` on the Home tab: draws it next, ahead of redraws after changes. */
  opened(userId: string, eventId?: string): void {
    if (eventId) {
      if (this.seenEvents.has(eventId)) return;
      this.seenEvents.add(eventId);
      while (this.seenEvents.size > MAX_REMEMBERED) this.seenEvents.delete(this.seenEvents.values().next().value as string);
    }
    const { clock } = this.deps.command;
    const seen = this.recent.get(userId);
    this.recent.delete(userId);
    this.recent.set(userId, { openedAt: clock.now().getTime(), subject: seen?.subject ?? { userId, groupIds: [] }, ...(seen?.shown ? { shown: seen.shown } : {}) });
    while (this.recent.size > MAX_REMEMBERED) this.recent.delete(this.recent.keys().next().value as string);
    this.changes.delete(userId);
    this.opens.add(userId);
    this.drain('opened');
  }

  /** Something about an environment changed: the recent Homes that can see it are redrawn, once per burst. */
  changed(environment: string): void {
    if (this.stopped) return;
    this.changedEnvironments.add(environment);
    if (this.changeWaiting) return;
    this.changeWaiting = true;
    const generation = this.generation;
    const { clock } = this.deps.command;
    // Rounds start CHANGE_ROUND_MS apart; capped so a clock set back never makes a wait longer than a round.
    const wait = Math.min(CHANGE_ROUND_MS, Math.max(CHANGE_DEBOUNCE_MS, this.lastRound + CHANGE_ROUND_MS - clock.now().getTime()));
    void this.sleep(wait)
      .then(() => {
        if (generation !== this.generation) return;
        this.changeWaiting = false;
        this.lastRound = clock.now().getTime();
        return (this.deps.fleetSettled?.() ?? Promise.resolve()).then(() => this.queueChanged());
      })
      .catch((error) => this.deps.command.logger.warn('could not redraw the App Homes', { error: errorMessage(error) }));
  }

  private async queueChanged(): Promise<void> {
    const environments = [...this.changedEnvironments];
    this.changedEnvironments.clear();
    if (this.stopped) return;
    const now = this.deps.command.clock.now().getTime();
    const access = await this.deps.command.access();
    for (const [userId, { openedAt, subject }] of this.recent) {
      if (now - openedAt > RECENT_HOME_MS) {
        this.recent.delete(userId);
        continue;
      }
      if (!this.opens.has(userId) && environments.some((environment) => isAllowed(access, subject, 'view', environment))) this.changes.add(userId);
    }
    this.drain('changed');
  }

  /** One drawer per queue: the shared limiter then has at most one redraw ahead of an opening. */
  private drain(why: Why): void {
    // Stopped means no redraws after changes; someone opening their Home is still answered, as before.
    if (this.draining[why] || (why === 'changed' && this.stopped)) return;
    const queue = why === 'opened' ? this.opens : this.changes;
    const userId = queue.values().next().value as string | undefined;
    if (userId === undefined) return;
    queue.delete(userId);
    this.draining[why] = true;
    void this.publish(userId, why)
      .catch((error) => this.deps.command.logger.warn('could not publish the App Home', { user: userId, error: errorMessage(error) }))
      .finally(() => {
        this.draining[why] = false;
        this.drain(why);
      });
  }

  /** Redraws on changes again (this instance is active again). */
  resume(): void {
    this.stopped = false;
  }

  /** Forgets waiting redraws and makes none after changes until resumed (shutting down, or the lease lost). */
  stop(): void {
    this.stopped = true;
    this.generation += 1;
    this.changeWaiting = false;
    this.changedEnvironments.clear();
    this.changes.clear();
  }

  private async publish(userId: string, why: Why): Promise<void> {
    const view = homeView(await this.model(userId));
    const hash = createHash('sha256').update(JSON.stringify(view)).digest('base64');
    const last = this.recent.get(userId)?.shown;
    // Slack keeps the view published last: the same one again, so soon, would change nothing.
    if (last?.view === hash && this.deps.command.clock.now().getTime() - last.at < SAME_VIEW_MS) return;
    const send = () => this.limiter.run(() => this.deps.client.views.publish({ user_id: userId, view: view as never }));
    await (why === 'changed' ? this.changeShare.run(send) : send());
    const seen = this.recent.get(userId);
    if (seen) seen.shown = { view: hash, at: this.deps.command.clock.now().getTime() };
  }

  /** What one person's Home shows. */
  async model(userId: string): Promise<HomeModel> {
    const deps = this.deps.command;
    const subject: Subject = { userId, groupIds: await deps.directory.groupsOf(userId) };
    const seen = this.recent.get(userId);
    if (seen) seen.subject = subject;
    const access = await deps.access();
    if (!hasAnyBinding(access, subject)) return { kind: 'unbound', userId, whoToAsk: whoToAsk(access, 'view', '*') };
    const now = deps.clock.now();
    const canView = allowsOn(access, subject, 'view');
    const canOperate = OPERATING_VERBS.map((verb) => allowsOn(access, subject, verb));
    const visible = deps.fleet.environments().filter((env) => canView(env.name));
    const mine = visible.filter((env) => owns(env, subject) || canOperate.some((can) => can(env.name)));
    const names = new Set(mine.map((env) => env.name));
    const include = (name: string) => names.has(name);
    // The same reports `/env cost mtd` and `/env cost 7d` show.
    const monthToDate = new Map((await deps.costs.report('mtd', now, include)).rows.map((row) => [row.environment, row.estimate]));
    const week = (await deps.costs.report('7d', now, include)).rows.reduce((sum, row) => ({ parkedHours: sum.parkedHours + (row.saved?.parkedHours ?? 0), dollars: sum.dollars + (row.saved?.dollars ?? 0) }), { parkedHours: 0, dollars: 0 });
    const explanations = await deps.schedules.explainAll(mine);
    const environments: HomeEnvironment[] = mine.map((env) => {
      const explanation = explanations.get(env.name);
      const may = (verb: string) => isAllowed(access, subject, verb, env.name);
      return {
        env,
        schedule: explanation && (explanation.resolved.schedule || explanation.resolved.problem) ? scheduleSummary(explanation) : null,
        monthToDate: monthToDate.get(env.name) ?? null,
        problem: isProblem(env, Boolean(explanation?.resolved.problem)),
        may: { start: may('start'), stop: may('stop'), extend: may('extend'), schedule: may('schedule') },
        protectedVerbs: { stop: approvalRequired(deps.protect, 'stop', env.name), start: approvalRequired(deps.protect, 'start', env.name) },
      };
    });
    environments.sort((a, b) => Number(b.problem) - Number(a.problem) || Number(owns(b.env, subject)) - Number(owns(a.env, subject)) || a.env.name.localeCompare(b.env.name));
    const approves = globsHolding(access, subject, 'approve').length > 0;
    const approvals = approves
      ? (await deps.approvals.pending())
          .filter((request) => isAllowed(access, subject, 'approve', request.environment))
          .map((request) => ({ request, own: request.requestedBy === userId }))
      : null;
    const footer = refreshFooter(deps.fleet.lastRefresh(), now, (account, region) => deps.fleet.locationReadAt(account, region), maySeeAccountIds(access, subject));
    return { kind: 'member', userId, now, environments, otherVisible: visible.length - mine.length, approvals, week, footer };
  }
}
