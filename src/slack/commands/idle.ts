import { approvalRequired } from '../../domain/access/approvals.js';
import { holdersOf, isAllowed } from '../../domain/access/permissions.js';
import type { Environment } from '../../domain/environments.js';
import type { NoticesStore } from '../../store/notices-store.js';
import { heldBy } from '../blocks/access.js';
import { section } from '../blocks/common.js';
import { code } from '../blocks/format.js';
import { IDLE_SNOOZE_ACTION, idleReply, snoozedReply } from '../blocks/idle.js';
import { askerAudience } from './audience.js';
import type { CommandModule } from './command-module.js';
import type { Snoozer } from './context.js';

const DAY_MS = 86_400_000;

/** `/env idle`: idle and orphaned environments the asker can see, by monthly cost, with Stop and Snooze. */
export const idleCommand: CommandModule = {
  verb: 'idle',
  typed: {
    help: { verb: 'idle', usage: '/env idle', summary: 'idle and orphaned environments, ranked by what they cost a month', example: '/env idle' },
    parse: () => ({}),
  },
  permission: () => null,
  async run(_args, ctx) {
    const report = await ctx.reports.idle(ctx.clock.now(), askerAudience(ctx));
    return { reply: idleReply({ report, snoozeDays: ctx.snoozeDays }), outcome: 'ok', detail: `${report.findings.length} idle` };
  },
};

/** Hides an environment from `/env idle` and digests for `snoozeDays`; the Snooze button's work. */
export function idleSnoozer(deps: { store: Pick<NoticesStore, 'snooze'>; snoozeDays: number }): Snoozer {
  return async (environment, userId, now) => {
    const until = new Date(now.getTime() + deps.snoozeDays * DAY_MS);
    await deps.store.snooze(environment, until, userId, now);
    return { environment, until, reply: snoozedReply(environment, until) };
  };
}

/**
 * The idle report's Snooze button (nobody types it). Hiding an environment from /env idle and digests
 * takes the same permission as stopping it, and on an environment whose stop a protect rule gives to two
 * people, it takes one of the second people: someone holding `approve` there. A snooze changes nothing
 * that runs (so it files no request), but it hides what the approvers watch; one person who may only ask
 * for a stop must not be able to hide the finding alone.
 */
export const snoozeCommand: CommandModule<{ environment: string }> = {
  verb: 'snooze',
  typed: null,
  buttons: [{ actionId: IDLE_SNOOZE_ACTION, args: (value) => ({ environment: value ?? '' }) }],
  permission: ({ environment }) => ({ verb: 'stop', environment }),
  async run({ environment }, ctx, env: Environment) {
    if (approvalRequired(ctx.protect, 'stop', env.name) && !isAllowed(ctx.access(), ctx.subject, 'approve', env.name)) {
      const held = heldBy(holdersOf(ctx.access(), 'approve', env.name));
      const text = `${code(env.name)} is protected: stopping it needs a second person, so only someone holding ${code('approve')} on it may snooze it.${held} Nothing was snoozed.`;
      return { reply: { text, blocks: [section(`:lock: ${text}`)] }, environment: env.name, outcome: 'denied', detail: 'protected: snoozing needs approve' };
    }
    const result = await ctx.snooze(environment, ctx.subject.userId, ctx.clock.now());
    return { reply: result.reply, environment, outcome: 'ok', params: { until: result.until.toISOString() } };
  },
};
