import { diagnoseService, isHealthy } from '../../domain/diagnosis.js';
import type { Environment } from '../../domain/environments.js';
import type { ServiceSnapshot } from '../../domain/inventory.js';
import { problemReply } from '../blocks/common.js';
import { refreshFooter } from '../blocks/list.js';
import { code, escapeMrkdwn } from '../blocks/format.js';
import { WHY_ACTION, whyReply } from '../blocks/why.js';
import type { CommandModule } from './command-module.js';
import type { CommandContext } from './context.js';

/** Error lines shown per service when a logs reader is wired. */
const LOG_LINES_PER_SERVICE = 3;

/** A service by its ECS name, or by that name without the environment's prefix (`worker` for `staging-2-worker`). */
function findService(env: Environment, name: string): ServiceSnapshot | undefined {
  return env.services.find((s) => s.name === name) ?? env.services.find((s) => s.name === `${env.name}-${name}`) ?? env.services.find((s) => s.name.endsWith(`-${name}`));
}

async function logLinesOf(services: readonly ServiceSnapshot[], ctx: CommandContext): Promise<Map<string, readonly string[]> | undefined> {
  const reader = ctx.recentErrorLines;
  if (!reader) return undefined;
  const lines = await Promise.all(services.map(async (service) => [service.name, await reader(service, LOG_LINES_PER_SERVICE).catch(() => [])] as const));
  return new Map(lines);
}

/** `/env why <env> [service]`: for each service that is not healthy, its rollout, its last stopped tasks decoded, what to do. */
export const whyCommand: CommandModule<{ environment: string; service: string | null }> = {
  verb: 'why',
  typed: {
    help: { verb: 'why', usage: '/env why <env> [service]', summary: 'why services are unhealthy, in plain words', example: '/env why staging-2' },
    parse: (w) => ({ environment: w.name('the environment’s name'), service: w.optionalName('a service name') }),
  },
  buttons: [{ actionId: WHY_ACTION, text: (environment) => `why ${environment}` }],
  permission: ({ environment }) => ({ verb: 'view', environment }),
  async run({ service }, ctx, env: Environment) {
    const now = ctx.clock.now();
    const named = service === null ? null : findService(env, service);
    if (service !== null && !named) {
      const known = env.services.map((s) => s.name).join(', ') || 'none';
      return { reply: problemReply(`${code(env.name)} has no service called ${code(service)}.`, `Its services: ${escapeMrkdwn(known)}.`), environment: env.name, outcome: 'not-found' };
    }
    const asked = named ? [named] : env.services.filter((s) => !isHealthy(s));
    const diagnoses = asked.map((s) => diagnoseService(s, ctx.stoppedTasks.forService(s.arn), now));
    const logLines = await logLinesOf(asked.filter((s) => !isHealthy(s)), ctx);
    const footer = refreshFooter(ctx.fleet.lastRefresh(), now, (account, region) => ctx.fleet.locationReadAt(account, region));
    const reply = whyReply({ env, diagnoses, service: named?.name ?? null, now, footer, ...(logLines ? { logLines } : {}) });
    return { reply, environment: env.name, outcome: 'ok', detail: `${diagnoses.filter((d) => d.symptoms.length > 0).length} services not healthy` };
  },
};
