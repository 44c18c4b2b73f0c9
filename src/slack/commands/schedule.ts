import type { Environment } from '../../domain/environments.js';
import { isAllowed } from '../../domain/access/permissions.js';
import { describeSchedule } from '../../domain/schedules/schedule.js';
import { timeZoneOf } from '../../domain/schedules/resolve.js';
import type { ScheduleService } from '../../schedules/schedule-service.js';
import { context, problemReply, type Reply } from '../blocks/common.js';
import { EDIT_SCHEDULE_ACTION, editScheduleButton, scheduleEditorModal, schedulePresets, type SchedulePreview } from '../blocks/modals.js';
import { explainSource, scheduleExplanationReply, scheduleSummary } from '../blocks/schedule.js';
import type { CommandModule } from './command-module.js';
import type { CommandContext } from './context.js';
import { code } from '../blocks/format.js';

/** A spec typed in quotes or backticks, as the docs show specs: `"weekdays 08:00-18:00"` is that spec. */
const QUOTED = /^(["'`“”‘’])(.*)(["'`“”‘’])$/s;

/** `/env schedule <env> edit` (and the Edit schedule button) opens the editor instead of setting a spec. */
const EDIT = 'edit';

function unquoted(spec: string | null): string | null {
  const match = spec === null ? null : QUOTED.exec(spec);
  return match ? (match[2] ?? '').trim() || null : spec;
}

const isEdit = (spec: string | null) => spec?.toLowerCase() === EDIT;

/** The schedule editor for an environment, with a preview of `spec` (null: of what applies now). */
export async function scheduleEditorFor(env: Environment, schedules: ScheduleService, spec: string | null, zone?: string, problem?: string) {
  const explanation = await schedules.explain(env);
  const { resolved } = explanation;
  const what = resolved.schedule ? code(describeSchedule(resolved.schedule)) : resolved.text === 'off' ? 'no schedule (off)' : 'no schedule';
  const found = await schedules.preview(env, spec);
  const preview: SchedulePreview = problem ? { ok: false, problem } : found.ok ? found : { ok: false, problem: found.problem };
  return scheduleEditorModal({
    environment: env.name,
    current: `Now: ${what}, ${explainSource(resolved.source)}.\n${scheduleSummary(explanation)}`,
    presets: schedulePresets(schedules.namedSchedules()),
    zone: zone ?? timeZoneOf(resolved.schedule),
    preview: spec === null && !resolved.schedule && !problem ? null : preview,
  });
}

/** The explanation, with the Edit schedule button for someone who may set one. */
async function explanationFor(env: Environment, ctx: CommandContext): Promise<Reply> {
  const reply = scheduleExplanationReply(env.name, await ctx.schedules.explain(env));
  if (!isAllowed(ctx.access(), ctx.subject, 'schedule', env.name)) return reply;
  return { ...reply, blocks: [...reply.blocks, editScheduleButton(env.name)] };
}

/**
 * `/env schedule <env>` explains (needs view); with a spec, name, `off` or `default` it sets (needs
 * schedule); `edit` opens the schedule editor (needs schedule), whose submission sets a spec the same way.
 */
export const scheduleCommand: CommandModule<{ environment: string; spec: string | null }> = {
  verb: 'schedule',
  typed: {
    help: {
      verb: 'schedule',
      usage: '/env schedule <env> [spec | name | off | default | edit]',
      summary: 'show why an environment has its schedule, set one, or `edit` it in a form with a preview',
      example: '/env schedule qa-2 weekdays 08:00-18:00 Europe/Berlin',
    },
    parse: (w) => ({ environment: w.name('the environment’s name'), spec: unquoted(w.rest()) }),
  },
  // "Edit schedule" on `/env schedule <env>` and the App Home: the editor, as the clicker.
  buttons: [{ actionId: EDIT_SCHEDULE_ACTION, text: (environment) => `schedule ${environment} ${EDIT}` }],
  permission: ({ environment, spec }) => ({ verb: spec === null ? 'view' : 'schedule', environment }),
  async run({ spec }, ctx, env: Environment) {
    if (spec === null) return { reply: await explanationFor(env, ctx), environment: env.name, outcome: 'ok' };
    if (isEdit(spec)) {
      if (!ctx.openModal) {
        const reply = scheduleExplanationReply(env.name, await ctx.schedules.explain(env));
        return { reply: { ...reply, blocks: [...reply.blocks, context(`The schedule editor opens in Slack; here, type ${code(`/env schedule ${env.name} <spec>`)}.`)] }, environment: env.name, outcome: 'ok' };
      }
      await ctx.openModal(await scheduleEditorFor(env, ctx.schedules, null));
      return { reply: null, environment: env.name, outcome: 'ok', detail: 'opened the schedule editor' };
    }
    const result = await ctx.schedules.setSchedule(env.name, spec, ctx.subject.userId);
    if (!result.ok) {
      return { reply: problemReply(`That schedule does not parse: ${result.problem}.`, `Example: ${code(`/env schedule ${env.name} ${result.example}`)}`), environment: env.name, outcome: 'invalid', detail: result.problem };
    }
    const now = result.resolved.schedule ? describeSchedule(result.resolved.schedule) : 'none';
    return { reply: await explanationFor(env, ctx), environment: env.name, outcome: 'ok', detail: `schedule set to ${spec} (${now})` };
  },
};
