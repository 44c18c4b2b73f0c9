import { DIGEST_SECTIONS } from '../../config/report-policy.js';
import { localDateOf } from '../../domain/digest.js';
import { matchesAny } from '../../domain/glob.js';
import { digestPreviewReply } from '../blocks/digest.js';
import type { CommandOutcome } from './context.js';
import { askerAudience, type ReportContext } from './report-context.js';

/**
 * `/env digest preview`: the digest as it would look now, to the asker only. In a channel with a digest it
 * is that digest (its sections and time zone); anywhere else every section, in UTC. Either way it shows only
 * environments the asker can see.
 */
export async function digestCommand(_args: { action: 'preview' }, ctx: ReportContext): Promise<CommandOutcome> {
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
}
