import type { App } from '@slack/bolt';
import { isAllowed } from '../../domain/access/permissions.js';
import { isEnvironmentName } from '../../domain/command.js';
import { errorMessage } from '../../log.js';
import { clipText } from '../blocks/common.js';
import { EXTEND_FIELDS, EXTEND_MODAL, MAX_SPEC_INPUT, MAX_ZONE_INPUT, SCHEDULE_FIELDS, SCHEDULE_MODAL, SCHEDULE_PREVIEW_ACTION, WHOLE_PRESET, WINDOW_PRESET } from '../blocks/modals.js';
import { handleEnvCommand, type EnvCommandHandlerDeps } from '../commands/env.js';
import { parseEnvCommand } from '../commands/registry.js';
import { scheduleEditorFor } from '../commands/schedule.js';
import { formMetadataSchema, formSchema, type FormValues } from '../schema.js';
import { directAnswer } from './command-buttons.js';

/**
 * The schedule editor and the extension form. A submission becomes the typed command's text, checked by
 * the same parser (and, for a schedule, the same grammar) before the form closes, so mistakes are shown
 * on the field; a valid one then runs as `/env …` typed by the submitter: permission checked again,
 * approvals and the audit trail as ever, the answer by DM.
 */

/** Slack shows a field's error under it; a long parser message is cut. */
const MAX_FIELD_ERROR = 300;
const STALE_FORM = 'This form is out of date: open it again from `/env`.';

type Errors = Record<string, string>;

interface Form {
  userId: string;
  environment: string;
  values: FormValues;
  viewId: string | undefined;
  hash: string | undefined;
  callbackId: string | undefined;
}

/** The form as sent; null when its metadata does not name an environment (forged or stale), which is never trusted as text. */
function formOf(body: unknown): Form | null {
  const parsed = formSchema.safeParse(body);
  if (!parsed.success) return null;
  let metadata: unknown;
  try {
    metadata = JSON.parse(parsed.data.view.private_metadata);
  } catch {
    return null;
  }
  const named = formMetadataSchema.safeParse(metadata);
  if (!named.success || !isEnvironmentName(named.data.environment)) return null;
  const { view, user } = parsed.data;
  return { userId: user.id, environment: named.data.environment, values: view.state.values, viewId: view.id, hash: view.hash, callbackId: view.callback_id };
}

const WINDOW_AT_END = /\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}$/;

/** The spec a filled-in editor stands for, and the field a problem with it belongs to. */
export function composeScheduleSpec(values: FormValues): { spec: string; field: string; zone: string } | { errors: Errors } {
  const field = (block: string) => values[block]?.[SCHEDULE_PREVIEW_ACTION];
  const preset = field(SCHEDULE_FIELDS.preset)?.selected_option?.value ?? null;
  const typed = field(SCHEDULE_FIELDS.spec)?.value?.trim() || null;
  const zone = field(SCHEDULE_FIELDS.zone)?.value?.trim() || '';
  // Bounded before anything is composed or parsed (the modal says the same; a forged form may not).
  if (zone.length > MAX_ZONE_INPUT) return { errors: { [SCHEDULE_FIELDS.zone]: `At most ${MAX_ZONE_INPUT} characters.` } };
  if (typed !== null) {
    if (typed.length > MAX_SPEC_INPUT) return { errors: { [SCHEDULE_FIELDS.spec]: `At most ${MAX_SPEC_INPUT} characters.` } };
    return { spec: WINDOW_AT_END.test(typed) && zone ? `${typed} ${zone}` : typed, field: SCHEDULE_FIELDS.spec, zone };
  }
  if (preset?.startsWith(WINDOW_PRESET)) {
    if (!zone) return { errors: { [SCHEDULE_FIELDS.zone]: 'This schedule needs a time zone, e.g. Europe/Berlin or UTC.' } };
    return { spec: `${preset.slice(WINDOW_PRESET.length)} ${zone}`, field: SCHEDULE_FIELDS.zone, zone };
  }
  if (preset?.startsWith(WHOLE_PRESET)) return { spec: preset.slice(WHOLE_PRESET.length), field: SCHEDULE_FIELDS.preset, zone };
  return { errors: { [SCHEDULE_FIELDS.preset]: 'Choose a schedule, or type one below.' } };
}

/** The extension form as the typed command's words, or what is missing. */
export function composeExtension(values: FormValues): { words: string; field: string } | { errors: Errors } {
  const duration = values[EXTEND_FIELDS.duration]?.[EXTEND_FIELDS.duration]?.selected_option?.value ?? null;
  const until = values[EXTEND_FIELDS.until]?.[EXTEND_FIELDS.until]?.selected_time ?? null;
  if (duration && until) return { errors: { [EXTEND_FIELDS.until]: 'Choose how long or until when, not both.' } };
  if (duration) return { words: duration, field: EXTEND_FIELDS.duration };
  if (until) return { words: `until ${until}`, field: EXTEND_FIELDS.until };
  return { errors: { [EXTEND_FIELDS.duration]: 'Choose how long, or until when.' } };
}

/** The parser's verdict on the text a form stands for: it must read as that verb on the form's environment. */
function typedProblem(text: string, verb: string, environment: string): string | null {
  const parsed = parseEnvCommand(text);
  if (!parsed.ok) return parsed.problem;
  const command = parsed.command as { verb: string; environment?: unknown };
  return command.verb === verb && command.environment === environment ? null : STALE_FORM;
}

const fieldErrors = (errors: Errors) => ({ response_action: 'errors' as const, errors: Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, clipText(v, MAX_FIELD_ERROR)])) });

export function registerForms(app: App, deps: EnvCommandHandlerDeps): void {
  /** Runs the text as typed by the submitter, after the form has closed; the answer goes by DM. */
  const runTyped = async (client: Parameters<typeof directAnswer>[0], userId: string, text: string) => {
    const answer = directAnswer(client, userId, deps.logger);
    const reply = await handleEnvCommand({ userId, channelId: userId, text, respond: answer }, deps);
    if (reply) await answer(reply);
  };

  app.view(SCHEDULE_MODAL, async ({ ack, body, client }) => {
    const form = formOf(body);
    if (!form) return void (await ack(fieldErrors({ [SCHEDULE_FIELDS.preset]: STALE_FORM })));
    const composed = composeScheduleSpec(form.values);
    if ('errors' in composed) return void (await ack(fieldErrors(composed.errors)));
    const text = `schedule ${form.environment} ${composed.spec}`;
    // Someone who may not set this schedule gets the command's refusal (audited, by DM); their spec is not parsed.
    const subject = { userId: form.userId, groupIds: await deps.directory.groupsOf(form.userId) };
    if (!isAllowed(await deps.access(), subject, 'schedule', form.environment)) {
      await ack();
      return void (await runTyped(client, form.userId, text));
    }
    const check = deps.schedules.checkSpec(composed.spec);
    const problem = typedProblem(text, 'schedule', form.environment) ?? (check.ok ? null : `That schedule does not parse: ${check.problem}.`);
    if (problem) return void (await ack(fieldErrors({ [composed.field]: problem })));
    await ack();
    await runTyped(client, form.userId, text);
  });

  app.view(EXTEND_MODAL, async ({ ack, body, client }) => {
    const form = formOf(body);
    if (!form) return void (await ack(fieldErrors({ [EXTEND_FIELDS.duration]: STALE_FORM })));
    const composed = composeExtension(form.values);
    if ('errors' in composed) return void (await ack(fieldErrors(composed.errors)));
    const text = `extend ${form.environment} ${composed.words}`;
    const problem = typedProblem(text, 'extend', form.environment);
    if (problem) return void (await ack(fieldErrors({ [composed.field]: problem })));
    await ack();
    await runTyped(client, form.userId, text);
  });

  // A preset chosen, or Enter pressed in a field: the preview is redrawn, for someone who may see the environment.
  app.action(SCHEDULE_PREVIEW_ACTION, async ({ ack, body, client }) => {
    await ack();
    const form = formOf(body);
    // Only the schedule editor is redrawn, and only the version of it the click came from (Slack refuses a
    // stale or foreign hash): a payload naming another view must not replace it.
    if (!form?.viewId || !form.hash || form.callbackId !== SCHEDULE_MODAL) return;
    const env = deps.fleet.environment(form.environment);
    const subject = { userId: form.userId, groupIds: await deps.directory.groupsOf(form.userId) };
    if (!env || !isAllowed(await deps.access(), subject, 'view', env.name)) return;
    const composed = composeScheduleSpec(form.values);
    // A field over its bound is named in the preview, never echoed back into the form.
    const view =
      'errors' in composed
        ? await scheduleEditorFor(env, deps.schedules, null, undefined, Object.values(composed.errors).join(' '))
        : await scheduleEditorFor(env, deps.schedules, composed.spec, composed.zone || undefined);
    await client.views
      .update({ view_id: form.viewId, hash: form.hash, view })
      .catch((error) => deps.logger.warn('could not redraw the schedule preview', { error: errorMessage(error) }));
  });
}
