import { isAllowed, maySeeAccountIds } from '../../domain/access/permissions.js';
import { errorMessage } from '../../log.js';
import type { RefreshRecord } from '../../store/inventory-store.js';
import { problemReply, section } from '../blocks/common.js';
import { ago, escapeMrkdwn, plural } from '../blocks/format.js';
import type { CommandModule } from './command-module.js';
import type { CommandContext } from './context.js';

/**
 * What a refresh found. Fleet-wide counts go only to someone who can view every environment; the errors
 * (account ids, AWS messages) only to someone who can view every name, since the environments of a location
 * that could not be read are not known. Others hear about what they can see, and that something failed.
 */
function refreshText(record: RefreshRecord, ctx: CommandContext): string {
  const access = ctx.access();
  const environments = ctx.fleet.environments();
  const visible = environments.filter((e) => isAllowed(access, ctx.subject, 'view', e.name));
  const seesEverything = maySeeAccountIds(access, ctx.subject);
  if (visible.length === environments.length && (record.errors.length === 0 || seesEverything)) {
    const failed = record.errors.length > 0 ? `\n:warning: ${record.errors.map(escapeMrkdwn).join('\n:warning: ')}` : '';
    return `Read ${record.services} services from AWS in ${record.awsCalls} calls.${failed}`;
  }
  const services = visible.reduce((sum, e) => sum + e.services.length, 0);
  const failed = record.errors.length > 0 ? '\n:warning: Part of the fleet could not be read, so some of it may be out of date; someone who can view every environment sees the details with `/env refresh`.' : '';
  return `Refreshed: ${plural(visible.length, 'environment')} you can see, with ${plural(services, 'service')}.${failed}`;
}

/** `/env refresh`: reads the fleet from AWS now. */
export const refreshCommand: CommandModule = {
  verb: 'refresh',
  typed: {
    help: { verb: 'refresh', usage: '/env refresh', summary: 'read the fleet from AWS now instead of waiting for the next refresh', example: '/env refresh' },
    parse: () => ({}),
  },
  permission: () => null,
  async run(_args, ctx) {
    try {
      const { record, reused } = await ctx.refresh(`slack:${ctx.subject.userId}`);
      const found = refreshText(record, ctx);
      // A refresh that just finished is the answer: asking in a loop cannot make dockhand read all of AWS back to back.
      const text = reused ? `The fleet was read from AWS ${ago(record.finishedAt, ctx.clock.now())}, so it was not read again. ${found}` : found;
      return { reply: { text, blocks: [section(`:arrows_counterclockwise: ${text}`)] }, outcome: record.errors.length > 0 ? 'error' : 'ok', detail: reused ? `not read again: ${found}` : text };
    } catch (error) {
      const why = maySeeAccountIds(ctx.access(), ctx.subject) ? `: ${escapeMrkdwn(errorMessage(error))}` : '.';
      return {
        reply: problemReply(`The refresh failed${why}`, 'The last stored snapshot is still shown by `/env list`.'),
        outcome: 'error',
        detail: errorMessage(error),
      };
    }
  },
};
