import type { Environment } from '../../domain/environments.js';
import { holdersOf, isAllowed, whoToAsk } from '../../domain/permissions.js';
import { closestNames } from '../../domain/suggest.js';
import { deniedReply, unknownEnvironmentReply } from '../blocks/access.js';
import type { CommandContext, CommandOutcome } from './context.js';

/** The named environment if it exists and the asker holds the verb on it; otherwise the answer to give. */
export function authorizedEnvironment(name: string, verb: string, ctx: CommandContext): { env: Environment } | { refusal: CommandOutcome } {
  const access = ctx.access();
  const env = ctx.fleet.environment(name);
  if (!env) {
    // Suggest only names the asker may see, so a typo does not reveal environments they have no access to.
    const visible = ctx.fleet
      .environments()
      .filter((e) => isAllowed(access, ctx.subject, 'view', e.name))
      .map((e) => e.name);
    return { refusal: { reply: unknownEnvironmentReply(name, closestNames(name, visible)), environment: name, outcome: 'not-found' } };
  }
  if (!isAllowed(access, ctx.subject, verb, env.name)) {
    const reply = deniedReply(verb, env.name, holdersOf(access, verb, env.name), whoToAsk(access, verb, env.name));
    return { refusal: { reply, environment: env.name, outcome: 'denied', detail: `missing ${verb}` } };
  }
  return { env };
}
