import { diagnoseService, isHealthy } from '../../domain/diagnosis.js';
import type { Environment } from '../../domain/environments.js';
import type { ServiceSnapshot } from '../../domain/inventory.js';
import { refreshFooter } from '../blocks/list.js';
import { WHY_ACTION, whyReply, type ServiceLogLines } from '../blocks/why.js';
import type { LogAnswer } from '../../aws/logs/reader.js';
import { isAllowed, maySeeAccountIds } from '../../domain/access/permissions.js';
import { errorMessage } from '../../log.js';
import type { CommandModule } from './command-module.js';
import { namedService } from './service.js';
import type { CommandContext } from './context.js';

/** Error lines shown per service, and the window they are read from. */
const LOG_LINES_PER_SERVICE = 3;
const LOG_WINDOW = '1h';

/** A service's answer from the log reader, as `/env why` shows it. */
function logLinesOfAnswer(answer: LogAnswer): ServiceLogLines {
  switch (answer.kind) {
    case 'lines':
      return { kind: 'lines', lines: answer.lines.map((line) => line.text), window: LOG_WINDOW };
    case 'unreadable':
      return { kind: 'unreadable', message: answer.message };
    case 'elsewhere':
      return { kind: 'elsewhere', drivers: answer.drivers };
    case 'none':
    case 'no-task-definition':
      return { kind: answer.kind };
  }
}

/**
 * The last few error lines of each service, read as the asker (masked by the reader), each under the short
 * `/env why` deadline so the answer comes in time; only for someone who may read this environment's logs.
 */
async function logLinesOf(services: readonly ServiceSnapshot[], ctx: CommandContext, env: Environment): Promise<Map<string, ServiceLogLines>> {
  if (!isAllowed(ctx.access(), ctx.subject, 'logs', env.name)) return new Map(services.map((service) => [service.name, { kind: 'needs-logs' }]));
  const read = async (service: ServiceSnapshot): Promise<ServiceLogLines> => {
    try {
      return logLinesOfAnswer(await ctx.logs.recentErrorLines(service, LOG_WINDOW, LOG_LINES_PER_SERVICE, ctx.subject.userId, ctx.whyLogDeadlineMs));
    } catch (error) {
      return { kind: 'unreadable', message: errorMessage(error) };
    }
  };
  return new Map(await Promise.all(services.map(async (service) => [service.name, await read(service)] as const)));
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
    const found = service === null ? null : namedService(env, service);
    if (found && 'refusal' in found) return found.refusal;
    const named = found?.service ?? null;
    const asked = named ? [named] : env.services.filter((s) => !isHealthy(s));
    const diagnoses = await Promise.all(asked.map(async (s) => diagnoseService(s, await ctx.stoppedTasks.forService(s.arn), now)));
    const unhealthy = asked.filter((s) => !isHealthy(s));
    const logLines = await logLinesOf(unhealthy, ctx, env);
    const failures = await Promise.all(unhealthy.map(async (s) => [s.name, await ctx.stoppedTasks.sampleFailure(s.arn)] as const));
    const sampleFailures = new Map(failures.flatMap(([name, failure]) => (failure ? [[name, failure] as const] : [])));
    const footer = refreshFooter(ctx.fleet.lastRefresh(), now, (account, region) => ctx.fleet.locationReadAt(account, region), maySeeAccountIds(ctx.access(), ctx.subject));
    const reply = whyReply({ env, diagnoses, service: named?.name ?? null, now, footer, logLines, sampleFailures });
    return { reply, environment: env.name, outcome: 'ok', detail: `${diagnoses.filter((d) => d.symptoms.length > 0).length} services not healthy` };
  },
};
