import { DIGEST_SECTIONS } from '../../config/report-policy.js';
import { quoted } from '../../domain/bounded-text.js';
import { UsageError } from '../../domain/command.js';
import { localDateOf } from '../../domain/digest.js';
import { matchesAny } from '../../domain/glob.js';
import { digestPreviewReply } from '../blocks/digest.js';
import { askerAudience } from './audience.js';
import type { CommandModule } from './command-module.js';

/**
 * `/env digest preview`: the digest as it would look now, to the asker only. In a channel with a digest it
 * is that digest (its sections and time zone); anywhere else every section, in UTC. Either way it shows only
 * environments the asker can see.
 */
export const digestCommand: CommandModule<{ action: 'preview' }> = {
  verb: 'digest',
  typed: {
    help: { verb: 'digest', usage: '/env digest preview', summary: 'the daily digest, now, just for you', example: '/env digest preview' },
    parse(w) {
      const action = w.take()?.toLowerCase();
      if (action !== 'preview') throw new UsageError(action ? `\`${quoted(action)}\` is not a digest action: use preview` : '`digest` needs an action: preview');
      return { action };
    },
  },
  permission: () => null,
  async run(_args, ctx) {
    const now = ctx.clock.now();
    const configured = ctx.digests.find((digest) => digest.channel === ctx.channelId);
    const timeZone = configured?.time_zone ?? 'UTC';
    const asker = askerAudience(ctx);
    const audience = configured
      ? { sees: (env: string) => asker.sees(env) && matchesAny(configured.environments, env), seesUnplaced: asker.seesUnplaced && configured.environments.includes('*') }
      : asker;
    const spec = { sections: configured?.sections ?? DIGEST_SECTIONS, timeZone, localDate: localDateOf(now, timeZone) };
    const model = await ctx.reports.digest(spec, now, audience);
    return { reply: digestPreviewReply(model), outcome: 'ok', detail: configured ? `preview of ${configured.channel}'s digest` : 'preview' };
  },
};
