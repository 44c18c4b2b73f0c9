import { afterHoursApprovalRequired, approvalRequired } from '../../domain/access/approvals.js';
import { isUp } from '../../domain/schedules/schedule.js';
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
import { PARK_TAG_KEY, parseParkTag } from '../../domain/park-tag.js';
import { code, who } from '../blocks/format.js';
import { slackDayTime } from '../blocks/slack-date.js';
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

  if (verb === 'stop' || verb === 'start') {
    const already = await alreadyThere(verb, env, ctx);
    if (already) return already;
  }

  // dockhand itself set a parked environment's bounds to 0–0: scaling it would only fail against them.
  if (verb === 'scale' && (await ctx.fleet.parkedEnvironments()).has(env.name)) {
    const text = `\`${env.name}\` is parked; \`/env start ${env.name}\` brings it back.`;
    return { reply: { text, blocks: [section(`:zzz: ${text}`)] }, environment: env.name, outcome: 'invalid', detail: 'parked' };
  }

  const needsApproval = approvalRequired(ctx.protect, verb, env.name) ? 'needs approval' : verb === 'start' && (await startsAfterHours(env, ctx)) ? 'start outside its schedule needs approval' : null;
  if (needsApproval) {
    const reply = approvalFiledReply(await ctx.approvals.request({ verb, environment: env.name, params: { service, count }, requestedBy: ctx.subject.userId, channelId: ctx.channelId }));
    return { reply, environment: env.name, outcome: 'requested', detail: needsApproval };
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

/**
 * A person's start is an override until the next edge: outside the schedule's hours it keeps the environment up
 * until the next morning, so where the policy lists `start` under after_hours_approval, a lead approves it, as an
 * extension past the hours. Within them, or with no schedule, it runs as asked.
 */
async function startsAfterHours(env: Environment, ctx: CommandContext): Promise<boolean> {
  if (!afterHoursApprovalRequired(ctx.protect, 'start', env.name)) return false;
  const { resolved } = await ctx.schedules.explain(env);
  return resolved.schedule !== null && !isUp(resolved.schedule, ctx.clock.now());
}

/** Who parked the environment and when: the park records, else the park tag a service carries. */
async function parkedBy(env: Environment, ctx: CommandContext): Promise<{ parkedAt: string; parkedBy: string } | undefined> {
  const stored = await ctx.lastParked?.(env.name);
  if (stored) return stored;
  for (const service of env.services) {
    const read = service.tags[PARK_TAG_KEY] === undefined ? null : parseParkTag(service.tags[PARK_TAG_KEY]);
    if (read?.ok) return { parkedAt: read.tag.at, parkedBy: read.tag.by };
  }
  return undefined;
}

/**
 * A stop of an environment whose every service is at zero, or a start of one whose every service runs and that
 * dockhand holds nothing parked of, changes nothing: said (and audited) without an operation, an approval or
 * any AWS call. Partly parked or running, the operation runs and its steps leave alone what is already there.
 */
async function alreadyThere(verb: 'stop' | 'start', env: Environment, ctx: CommandContext): Promise<CommandOutcome | null> {
  if (env.services.length === 0) return null;
  const name = code(env.name);
  if (verb === 'stop') {
    if (env.services.some((s) => s.desired > 0)) return null;
    const parked = await parkedBy(env, ctx);
    const text = parked
      ? `${name} is already parked since ${slackDayTime(parked.parkedAt)} by ${who(parked.parkedBy)}; nothing was changed. ${code(`/env start ${env.name}`)} brings it back.`
      : `${name} is already stopped: every service is at 0 tasks, and dockhand did not park it, so nothing was recorded; nothing was changed.`;
    return { reply: { text, blocks: [section(`:zzz: ${text}`)] }, environment: env.name, outcome: 'ok', detail: 'no-op: already parked' };
  }
  if (env.services.some((s) => s.desired === 0) || (await ctx.fleet.parkedEnvironments()).has(env.name)) return null;
  const text = `${name} is already running (${env.running}/${env.desired} tasks); nothing was changed.`;
  return { reply: { text, blocks: [section(`:large_green_circle: ${text}`)] }, environment: env.name, outcome: 'ok', detail: 'no-op: already running' };
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
    help: { verb: 'start', usage: '/env start <env>', summary: 'bring a parked environment back exactly as it was; it stays up until its next schedule edge (outside its hours, a lead approves where the policy says so)', example: '/env start qa-2' },
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
