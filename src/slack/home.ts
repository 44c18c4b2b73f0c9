import { approvalRequired } from '../domain/access/approvals.js';
import { globsHolding, hasAnyBinding, isAllowed, seesFleetErrors, whoToAsk, type Subject } from '../domain/access/permissions.js';
import type { Environment } from '../domain/environments.js';
import { ownerKey } from '../domain/idle.js';
import { errorMessage } from '../log.js';
import { RateLimiter } from '../rate-limit.js';
import { homeView, type HomeEnvironment, type HomeModel } from './blocks/home.js';
import { refreshFooter } from './blocks/list.js';
import { scheduleSummary } from './blocks/schedule.js';
import type { EnvCommandHandlerDeps } from './commands/env.js';
import type { SlackClient } from './directory.js';

/** The verbs that make an environment one the viewer operates (and so lists on their Home). */
const OPERATING_VERBS = ['start', 'stop', 'restart', 'scale', 'extend', 'schedule'] as const;

/**
 * views.publish is a Tier 4 method (100+ calls a minute per workspace, api.slack.com/methods/views.publish):
 * dockhand stays at 100 in any minute, and the WebClient waits out a 429 if Slack says otherwise.
 */
export const PUBLISH_LIMIT = { limit: 100, intervalMs: 60_000 };
/** A burst of changes (an approval, then its operation finishing) republishes a Home once. */
export const CHANGE_DEBOUNCE_MS = 2_000;
/** Only Homes opened this recently are republished when something changes; older ones are redrawn on opening. */
export const RECENT_HOME_MS = 60 * 60_000;
/** Bounds the memory of who opened their Home: the oldest are forgotten first. */
const MAX_REMEMBERED = 2_000;

export interface HomeDeps {
  client: Pick<SlackClient, 'views'>;
  command: EnvCommandHandlerDeps;
  /** Resolves once the refresh an operation started is done, so a republished Home shows its outcome. */
  fleetSettled?: () => Promise<void>;
}

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
 */
export class HomePublisher {
  /** Who opened their Home, when (by the injected clock), and the groups they had then. */
  private readonly recent = new Map<string, { openedAt: number; subject: Subject }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Homes being drawn now: opening one again meanwhile redraws it once afterwards rather than twice at once. */
  private readonly drawing = new Set<string>();
  private stopped = false;
  private readonly limiter = new RateLimiter(PUBLISH_LIMIT);

  constructor(private readonly deps: HomeDeps) {}

  /** `app_home_opened` on the Home tab: draws it now. */
  async opened(userId: string): Promise<void> {
    const { clock } = this.deps.command;
    this.recent.delete(userId);
    this.recent.set(userId, { openedAt: clock.now().getTime(), subject: { userId, groupIds: [] } });
    while (this.recent.size > MAX_REMEMBERED) this.recent.delete(this.recent.keys().next().value as string);
    if (this.drawing.has(userId)) return this.soon(userId);
    await this.publish(userId);
  }

  /** Something about an environment changed: the recent Homes that can see it are redrawn, once per burst. */
  changed(environment: string): void {
    const now = this.deps.command.clock.now().getTime();
    const access = this.deps.command.access();
    for (const [userId, { openedAt, subject }] of this.recent) {
      if (now - openedAt > RECENT_HOME_MS) {
        this.recent.delete(userId);
        continue;
      }
      if (isAllowed(access, subject, 'view', environment)) this.soon(userId);
    }
  }

  private soon(userId: string): void {
    if (this.stopped || this.timers.has(userId)) return;
    const timer = setTimeout(() => {
      this.timers.delete(userId);
      void (this.deps.fleetSettled?.() ?? Promise.resolve())
        .then(() => (this.stopped ? undefined : this.publish(userId)))
        .catch((error) => this.deps.command.logger.warn('could not redraw an App Home', { user: userId, error: errorMessage(error) }));
    }, CHANGE_DEBOUNCE_MS);
    timer.unref();
    this.timers.set(userId, timer);
  }

  /** Redraws on changes again (this instance is active again). */
  resume(): void {
    this.stopped = false;
  }

  /** Forgets pending redraws and makes none until resumed (shutting down, or the lease lost). */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  async publish(userId: string): Promise<void> {
    this.drawing.add(userId);
    try {
      const model = await this.model(userId);
      await this.limiter.run(() => this.deps.client.views.publish({ user_id: userId, view: homeView(model) as never }));
    } finally {
      this.drawing.delete(userId);
    }
  }

  /** What one person's Home shows. */
  async model(userId: string): Promise<HomeModel> {
    const deps = this.deps.command;
    const subject: Subject = { userId, groupIds: await deps.directory.groupsOf(userId) };
    const seen = this.recent.get(userId);
    if (seen) seen.subject = subject;
    const access = deps.access();
    if (!hasAnyBinding(access, subject)) return { kind: 'unbound', userId, whoToAsk: whoToAsk(access, 'view', '*') };
    const now = deps.clock.now();
    const visible = deps.fleet.environments().filter((env) => isAllowed(access, subject, 'view', env.name));
    const mine = visible.filter((env) => owns(env, subject) || OPERATING_VERBS.some((verb) => isAllowed(access, subject, verb, env.name)));
    const names = new Set(mine.map((env) => env.name));
    const include = (name: string) => names.has(name);
    // The same reports `/env cost mtd` and `/env cost 7d` show.
    const monthToDate = new Map(deps.costs.report('mtd', now, include).rows.map((row) => [row.environment, row.estimate]));
    const week = deps.costs.report('7d', now, include).rows.reduce((sum, row) => ({ parkedHours: sum.parkedHours + (row.saved?.parkedHours ?? 0), dollars: sum.dollars + (row.saved?.dollars ?? 0) }), { parkedHours: 0, dollars: 0 });
    const explanations = deps.schedules.explainAll(mine);
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
      ? deps.approvals
          .pending()
          .filter((request) => isAllowed(access, subject, 'approve', request.environment))
          .map((request) => ({ request, own: request.requestedBy === userId }))
      : null;
    const footer = refreshFooter(deps.fleet.lastRefresh(), now, (account, region) => deps.fleet.locationReadAt(account, region), seesFleetErrors(access, subject));
    return { kind: 'member', userId, now, environments, otherVisible: visible.length - mine.length, approvals, week, footer };
  }
}
