import { matchesGlob } from '../../domain/glob.js';
import { allowsOn, holdsOnAll, maySeeAccountIds, type AccessPolicy, type Subject } from '../../domain/access/permissions.js';
import type { Environment } from '../../domain/environments.js';
import { isUp } from '../../domain/schedules/schedule.js';
import type { ScheduleExplanation } from '../../schedules/schedule-service.js';
import type { Reply } from '../blocks/common.js';
import { listMessages, MAX_LIST_MESSAGES, refreshFooter } from '../blocks/list.js';
import { scheduleSummary } from '../blocks/schedule.js';
import type { CommandModule } from './command-module.js';

/** `/env list [glob]`: every environment the asker can see (the filter is a glob, or a substring). */
export const listCommand: CommandModule<{ filter: string | null }> = {
  verb: 'list',
  typed: {
    aliases: ['ls'],
    help: { verb: 'list', usage: '/env list [glob]', summary: 'every environment you can see: what needs attention first, then by tier, with state, tasks, owner', example: '/env list staging-*' },
    parse: (w) => ({ filter: w.left > 0 ? w.glob('a glob') : null }),
  },
  permission: () => null,
  async run({ filter }, ctx) {
    const access = ctx.access();
    const visible = visibleEnvironments(ctx.fleet.environments(), access, ctx.subject, filter);
    const explained = await ctx.schedules.explainAll(visible);
    const now = ctx.clock.now();
    const errorDetails = maySeeAccountIds(access, ctx.subject);
    const locationReadAt = (account: string, region: string) => ctx.fleet.locationReadAt(account, region);
    const inputs: ListInputs = {
      explained,
      footer: refreshFooter(ctx.fleet.lastRefresh(), now, locationReadAt, errorDetails),
      // Services in no environment could belong to anyone: only someone who sees every name hears of them.
      orphanServices: holdsOnAll(access, ctx.subject, 'view', '*') ? ctx.fleet.orphanServices() : 0,
      maxMessages: ctx.respond ? MAX_LIST_MESSAGES : 1,
    };
    let kept = keptLists.get(visible);
    if (!kept || !sameInputs(kept.inputs, inputs)) {
      kept = { inputs, messages: listMessages({ environments: visible, filter, orphanServices: inputs.orphanServices, lastRefresh: ctx.fleet.lastRefresh(), errorDetails, locationReadAt, now, ...scheduleColumns(visible, explained, now) }, inputs.maxMessages) };
      keptLists.set(visible, kept);
    }
    // The first message is the reply; a long list continues in more (the response_url takes five).
    const messages = [...kept.messages];
    const last = messages.pop() ?? null;
    for (const message of messages) await ctx.respond?.(message);
    return { reply: last, environment: filter, outcome: 'ok', detail: `${visible.length} environments shown${messages.length > 0 ? ` in ${messages.length + 1} messages` : ''}` };
  },
};

/**
 * Everything a list shows besides its environments. The explanations are the same map until a schedule, an
 * override or an edge changes them (ScheduleService.explainAll), and the footer is the only text that ages,
 * so while these are equal the messages already built for the same environments are the answer again: a
 * burst of `/env list` builds the list once.
 */
interface ListInputs {
  explained: ReadonlyMap<string, ScheduleExplanation>;
  footer: string;
  orphanServices: number;
  maxMessages: number;
}

function sameInputs(a: ListInputs, b: ListInputs): boolean {
  return a.explained === b.explained && a.footer === b.footer && a.orphanServices === b.orphanServices && a.maxMessages === b.maxMessages;
}

/** Built lists by the array of environments they show (kept with that array, which `visibleEnvironments` keeps). */
const keptLists = new WeakMap<readonly Environment[], { inputs: ListInputs; messages: Reply[] }>();

/** Per fleet array and access policy (both the same objects while nothing changed), the environments each asker and filter see. */
const keptVisible = new WeakMap<readonly Environment[], WeakMap<AccessPolicy, Map<string, readonly Environment[]>>>();
/** Askers × filters kept per policy: typed filters must not grow it without end. */
const MAX_KEPT_VIEWS = 256;

function visibleEnvironments(environments: readonly Environment[], access: AccessPolicy, subject: Subject, filter: string | null): readonly Environment[] {
  let byPolicy = keptVisible.get(environments);
  if (!byPolicy) keptVisible.set(environments, (byPolicy = new WeakMap()));
  let views = byPolicy.get(access);
  if (!views) byPolicy.set(access, (views = new Map()));
  const key = JSON.stringify([subject.userId, subject.groupIds, filter]);
  const kept = views.get(key);
  if (kept) return kept;
  const canView = allowsOn(access, subject, 'view');
  const glob = filter === null ? null : filter.includes('*') || filter.includes('?') ? filter : `*${filter}*`;
  const visible = environments.filter((env) => canView(env.name) && (glob === null || matchesGlob(glob, env.name)));
  if (views.size >= MAX_KEPT_VIEWS) views.clear();
  views.set(key, visible);
  return visible;
}

/** The schedule summary of each environment that has one, and those running while it says parked with no override keeping them up. */
function scheduleColumns(visible: readonly Environment[], explained: ReadonlyMap<string, ScheduleExplanation>, now: Date): { schedules: Map<string, string>; outsideSchedule: Set<string> } {
  const schedules = new Map<string, string>();
  const outsideSchedule = new Set<string>();
  for (const env of visible) {
    const e = explained.get(env.name);
    if (!e) continue;
    if (e.resolved.text !== null) schedules.set(env.name, scheduleSummary(e));
    if (env.running > 0 && e.resolved.schedule && !e.override && !isUp(e.resolved.schedule, now)) outsideSchedule.add(env.name);
  }
  return { schedules, outsideSchedule };
}

