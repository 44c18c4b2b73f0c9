import { approvalRequired } from '../../domain/access/approvals.js';
import type { Environment } from '../../domain/environments.js';
import type { Words } from '../../domain/command.js';
import { ALERT_START_ACTION } from '../blocks/alerts.js';
import { approvalFiledReply } from '../blocks/approval.js';
import { section } from '../blocks/common.js';
import { busyText, operationReply } from '../blocks/operation.js';
import { STOP_NOW_ACTION } from '../blocks/scheduler.js';
import { IDLE_STOP_ACTION } from '../blocks/idle.js';
import { HOME_START_ACTION, HOME_STOP_ACTION } from '../blocks/home.js';
import type { CommandModule } from './command-module.js';
import type { CommandContext, CommandOutcome } from './context.js';
import { namedService } from './service.js';

type OperateVerb = 'restart' | 'stop' | 'start' | 'scale';
interface OperateArgs {
  environment: string;
  service?: string | null;
  count?: number;
}

/**
 * restart, stop, start and scale: (the pipeline checked the verb on the environment) approval where the
 * policy protects the environment, then the operation itself, whose progress is one message in the channel.
 */
async function operate(verb: OperateVerb, args: OperateArgs, env: Environment, ctx: CommandContext): Promise<CommandOutcome> {
  const count = verb === 'scale' ? (args.count ?? null) : null;
  // The service as ECS names it: typed as `api` or `staging-1-api`, the same lookup as logs and why.
  const found = args.service ? namedService(env, args.service) : null;
  if (found && 'refusal' in found) return found.refusal;
  const service = found?.service.name ?? null;

  // dockhand itself set a parked environment's bounds to 0–0: scaling it would only fail against them.
  if (verb === 'scale' && ctx.fleet.parkedEnvironments().has(env.name)) {
    const text = `\`${env.name}\` is parked; \`/env start ${env.name}\` brings it back.`;
    return { reply: { text, blocks: [section(`:zzz: ${text}`)] }, environment: env.name, outcome: 'invalid', detail: 'parked' };
  }

  if (approvalRequired(ctx.protect, verb, env.name)) {
    const reply = approvalFiledReply(await ctx.approvals.request({ verb, environment: env.name, params: { service, count }, requestedBy: ctx.subject.userId, channelId: ctx.channelId }));
    return { reply, environment: env.name, outcome: 'requested', detail: 'needs approval' };
  }

  const { respond } = ctx;
  const result = await ctx.launcher.launch(
    { verb, environment: env, service, count, requestedBy: ctx.subject.userId, approvedBy: null, channelId: ctx.channelId },
    respond && ((operation) => respond(operationReply(operation))),
  );
  if (result.kind === 'busy') {
    const text = busyText(result.running, ctx.clock.now());
    return { reply: { text, blocks: [section(`:no_entry_sign: ${text}`)] }, environment: env.name, outcome: 'busy', detail: `operation #${result.running.id} running` };
  }
  const { operation } = result;
  const outcome = operation.status === 'succeeded' ? 'ok' : operation.status === 'partial' ? 'partial' : 'error';
  return { reply: null, environment: env.name, outcome, detail: `operation #${operation.id}: ${operation.summary}` };
}

const environmentOnly = (w: Words) => ({ environment: w.name('the environment’s name') });

function operateCommand<Args extends OperateArgs>(verb: OperateVerb, rest: Pick<CommandModule<Args>, 'typed' | 'buttons'>): CommandModule<Args> {
  return { verb, ...rest, permission: ({ environment }) => ({ verb, environment }), run: (args, ctx, env: Environment) => operate(verb, args, env, ctx) };
}

export const restartCommand = operateCommand('restart', {
  typed: {
    help: { verb: 'restart', usage: '/env restart <env> [service]', summary: 'a fresh deployment of every service (or one); briefly runs up to 2× the tasks', example: '/env restart staging-3 api' },
    parse: (w) => ({ environment: w.name('the environment’s name'), service: w.optionalName('service name') }),
  },
});

export const stopCommand = operateCommand('stop', {
  typed: {
    aliases: ['park'],
    help: { verb: 'stop', usage: '/env stop <env>', summary: 'park it: desired counts and autoscaling bounds are saved, then set to 0', example: '/env stop qa-2' },
    parse: environmentOnly,
  },
  // "Stop now" on a schedule warning, "Stop" on an idle environment and on the App Home: the command, as the clicker.
  buttons: [STOP_NOW_ACTION, IDLE_STOP_ACTION, HOME_STOP_ACTION].map((actionId) => ({ actionId, text: (environment: string) => `stop ${environment}` })),
});

export const startCommand = operateCommand('start', {
  typed: {
    aliases: ['restore'],
    help: { verb: 'start', usage: '/env start <env>', summary: 'bring a parked environment back exactly as it was', example: '/env start qa-2' },
    parse: environmentOnly,
  },
  // "Start again" on a live alert (scaled to zero outside dockhand, a parked environment reset), "Start" on the App Home: the command, as the clicker.
  buttons: [ALERT_START_ACTION, HOME_START_ACTION].map((actionId) => ({ actionId, text: (environment: string) => `start ${environment}` })),
});

export const scaleCommand = operateCommand('scale', {
  typed: {
    help: { verb: 'scale', usage: '/env scale <env> <service> <count>', summary: 'set a service’s desired count, within its autoscaling bounds', example: '/env scale staging-3 api 3' },
    parse: (w) => ({ environment: w.name('the environment’s name'), service: w.name('the service’s name'), count: w.count() }),
  },
});
