import type { Environment } from '../../domain/environments.js';
import type { ServiceSnapshot } from '../../domain/inventory.js';
import { lookupService } from '../../domain/service-lookup.js';
import { problemReply } from '../blocks/common.js';
import { code, escapeMrkdwn } from '../blocks/format.js';
import type { CommandOutcome } from './context.js';

/** The service a verb names (restart, scale, logs, why), or the answer that there is none, with the closest names. */
export function namedService(env: Environment, typed: string): { service: ServiceSnapshot } | { refusal: CommandOutcome } {
  const found = lookupService(env, typed);
  if ('service' in found) return found;
  const names = env.services.map((s) => s.name);
  const reply = problemReply(
    `${code(env.name)} has no service called ${code(typed)}.`,
    `${found.suggestions.length > 0 ? `Did you mean ${found.suggestions.map(code).join(', ')}? ` : ''}Its services: ${escapeMrkdwn(names.join(', ') || 'none')}.`,
  );
  return { refusal: { reply, environment: env.name, outcome: 'not-found' } };
}
