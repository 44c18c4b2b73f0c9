import type { Environment } from '../../domain/environments.js';
import { holdersOf, isAllowed, whoToAsk } from '../../domain/access/permissions.js';
import { closestNames } from '../../domain/suggest.js';
import { deniedReply, unknownEnvironmentReply } from '../blocks/access.js';
import type { CommandContext, CommandOutcome } from './context.js';

/**
 * The named environment if it exists and the asker holds the verb on it; otherwise the answer to give.
 * An environment the asker cannot `view` is answered exactly like one that does not exist (suggesting only
 * names they can see), so a refusal tells them nothing about it; holders are named only to those who can see it.
 */
export function authorizedEnvironment(name: string, verb: string, ctx: Pick<CommandContext, 'access' | 'fleet' | 'subject'>): { env: Environment } | { refusal: CommandOutcome } {
  const access = ctx.access();
  const env = ctx.fleet.environment(name);
  if (!env || !isAllowed(access, ctx.subject, 'view', env.name)) {
    const visible = ctx.fleet
      .environments()
      .filter((e) => isAllowed(access, ctx.subject, 'view', e.name))
      .map((e) => e.name);
    const reply = unknownEnvironmentReply(name, closestNames(name, visible));
    // The audit trail, unlike the asker, may know that it exists.
    return { refusal: { reply, environment: env?.name ?? name, ...(env ? { outcome: 'denied', detail: `missing view (asked for ${verb})` } : { outcome: 'not-found' }) } };
  }
  if (!isAllowed(access, ctx.subject, verb, env.name)) {
    const reply = deniedReply(verb, env.name, holdersOf(access, verb, env.name), whoToAsk(access, verb, env.name));
    return { refusal: { reply, environment: env.name, outcome: 'denied', detail: `missing ${verb}` } };
  }
  return { env };
}
