import type { Edge } from '../../domain/schedules/schedule.js';
import { describeSchedule } from '../../domain/schedules/schedule.js';
import { blockId, clipText, context, MAX_BUTTON_VALUE, MAX_SECTION_TEXT, section, type KnownBlock, type ModalView } from './common.js';
import { code, escapeMrkdwn } from './format.js';
import { slackDayTime } from './slack-date.js';
import type { ResolvedSchedule } from '../../domain/schedules/resolve.js';

/**
 * The forms for arguments that are hard to type: the schedule editor (`/env schedule <env> edit`, the
 * **Edit schedule** button) and the extension form (`/env extend <env>` with no duration). What they send
 * back is turned into the typed command's text and runs through the same parse → authorise → run → audit.
 */

export const SCHEDULE_MODAL = 'schedule_editor';
export const EXTEND_MODAL = 'extend_form';
/** The **Edit schedule** button (on `/env schedule <env>` and the App Home): runs `/env schedule <env> edit`. */
export const EDIT_SCHEDULE_ACTION = 'schedule_edit';
/** Choosing a preset or pressing Enter in a field redraws the preview (dispatch_action). */
export const SCHEDULE_PREVIEW_ACTION = 'schedule_editor_preview';

/** Block and action ids of the editor's fields; the submission is read by them. */
export const SCHEDULE_FIELDS = { preset: 'preset', spec: 'spec', zone: 'zone', preview: 'preview' } as const;
export const EXTEND_FIELDS = { duration: 'duration', until: 'until' } as const;

/** Slack's limits: a modal title 24 characters, an option's text 75 and value 150, a plain text input 3,000. */
const MAX_TITLE = 24;
const MAX_OPTION_TEXT = 75;
const MAX_OPTION_VALUE = 150;
const MAX_OPTIONS = 100;
export const MAX_SPEC_INPUT = 300;
/** The time zone field: an IANA name (the longest is 32 characters) or an offset. */
export const MAX_ZONE_INPUT = 64;

/** A preset is a window (the time zone field is appended) or a whole spec (a keyword or a policy name). */
export interface SchedulePreset {
  label: string;
  value: string;
}

export const WINDOW_PRESET = 'w:';
export const WHOLE_PRESET = 'k:';

const WINDOW_PRESETS: readonly SchedulePreset[] = [
  { label: 'Weekdays 09:00–19:00', value: `${WINDOW_PRESET}weekdays 09:00-19:00` },
  { label: 'Weekdays 08:00–18:00', value: `${WINDOW_PRESET}weekdays 08:00-18:00` },
  { label: 'Weekdays 07:00–20:00', value: `${WINDOW_PRESET}weekdays 07:00-20:00` },
  { label: 'Every day 08:00–20:00', value: `${WINDOW_PRESET}daily 08:00-20:00` },
];
const KEYWORD_PRESETS: readonly SchedulePreset[] = [
  { label: 'Always on (never parked)', value: `${WHOLE_PRESET}always-on` },
  { label: 'Always off (kept parked)', value: `${WHOLE_PRESET}always-off` },
  { label: 'No schedule (nothing parks it)', value: `${WHOLE_PRESET}off` },
  { label: 'The default (drop this setting)', value: `${WHOLE_PRESET}default` },
];

/** The presets: common windows, the policy's named schedules, the keywords. */
export function schedulePresets(named: readonly string[]): SchedulePreset[] {
  const names = named
    .filter((name) => name.length + WHOLE_PRESET.length <= MAX_OPTION_VALUE)
    .map((name) => ({ label: `${name} (from the policy)`, value: `${WHOLE_PRESET}${name}` }));
  return [...WINDOW_PRESETS, ...names, ...KEYWORD_PRESETS].slice(0, MAX_OPTIONS);
}

function option(preset: SchedulePreset) {
  return { text: { type: 'plain_text' as const, text: clipText(preset.label, MAX_OPTION_TEXT) }, value: preset.value };
}

/** The next edges a schedule would make, in each reader's own time zone. */
function edgesLine(edges: readonly Edge[]): string {
  if (edges.length === 0) return 'It never starts or parks the environment by itself.';
  return edges.map((edge) => `${edge.kind === 'up' ? 'starts' : 'parks'} ${slackDayTime(edge.at)}`).join(' · ');
}

/** The editor's preview: what the spec would set and its next edges, or what is wrong with it. */
export type SchedulePreview = { ok: true; resolved: ResolvedSchedule; edges: readonly Edge[] } | { ok: false; problem: string } | null;

function previewText(preview: SchedulePreview): string {
  if (preview === null) return '*Preview:* choose a schedule or type one, then press Enter to see its next edges.';
  if (!preview.ok) return `*Preview:* :warning: ${escapeMrkdwn(preview.problem)}`;
  const { resolved } = preview;
  const what = resolved.schedule ? code(describeSchedule(resolved.schedule)) : resolved.text === 'off' ? 'no schedule (off)' : 'no schedule';
  return `*Preview:* ${what}\n${edgesLine(preview.edges)}`;
}

export interface ScheduleEditor {
  environment: string;
  /** The explanation of what applies now (already Slack text). */
  current: string;
  presets: readonly SchedulePreset[];
  /** The time zone field's first value: the current schedule's, else UTC. */
  zone: string;
  preview: SchedulePreview;
}

/** private_metadata of both forms: only the environment's name, re-checked when the form comes back. */
export function formMetadata(environment: string): string {
  return JSON.stringify({ environment });
}

export function scheduleEditorModal(editor: ScheduleEditor): ModalView {
  return {
    type: 'modal',
    callback_id: SCHEDULE_MODAL,
    private_metadata: formMetadata(editor.environment),
    title: { type: 'plain_text', text: 'Edit schedule' },
    submit: { type: 'plain_text', text: 'Set schedule' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(`*${code(editor.environment)}*\n${editor.current}`),
      {
        type: 'input',
        block_id: SCHEDULE_FIELDS.preset,
        optional: true,
        dispatch_action: true,
        label: { type: 'plain_text', text: 'Choose a schedule' },
        element: { type: 'static_select', action_id: SCHEDULE_PREVIEW_ACTION, placeholder: { type: 'plain_text', text: 'Pick one' }, options: editor.presets.map(option) },
      },
      {
        type: 'input',
        block_id: SCHEDULE_FIELDS.spec,
        optional: true,
        dispatch_action: true,
        label: { type: 'plain_text', text: 'Or type one (wins over the choice)' },
        hint: { type: 'plain_text', text: 'e.g. mon-thu 08:00-18:00, fri 08:00-15:00 — the time zone below is added when it has none' },
        element: {
          type: 'plain_text_input',
          action_id: SCHEDULE_PREVIEW_ACTION,
          max_length: MAX_SPEC_INPUT,
          placeholder: { type: 'plain_text', text: 'weekdays 09:00-19:00' },
          dispatch_action_config: { trigger_actions_on: ['on_enter_pressed'] },
        },
      },
      {
        type: 'input',
        block_id: SCHEDULE_FIELDS.zone,
        dispatch_action: true,
        label: { type: 'plain_text', text: 'Time zone (IANA)' },
        element: { type: 'plain_text_input', action_id: SCHEDULE_PREVIEW_ACTION, initial_value: editor.zone, max_length: MAX_ZONE_INPUT, dispatch_action_config: { trigger_actions_on: ['on_enter_pressed'] } },
      },
      { type: 'section', block_id: SCHEDULE_FIELDS.preview, text: { type: 'mrkdwn', text: clipText(previewText(editor.preview), MAX_SECTION_TEXT) } },
      context('Checked with the same grammar as `/env schedule`; setting it needs `schedule` on the environment and is recorded in `/env audit`.'),
    ],
  };
}

export interface ExtendForm {
  environment: string;
  /** When its schedule (or override) parks it next, already Slack text. */
  parks: string;
  /** The zone an until-time is read in (the schedule's). */
  zone: string;
}

const DURATIONS = ['30m', '1h', '2h', '4h', '8h', '1d'];

export function extendFormModal(form: ExtendForm): ModalView {
  return {
    type: 'modal',
    callback_id: EXTEND_MODAL,
    private_metadata: formMetadata(form.environment),
    title: { type: 'plain_text', text: clipText('Keep it up', MAX_TITLE) },
    submit: { type: 'plain_text', text: 'Extend' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(`*${code(form.environment)}*\n${form.parks}`),
      {
        type: 'input',
        block_id: EXTEND_FIELDS.duration,
        optional: true,
        label: { type: 'plain_text', text: 'For' },
        element: { type: 'static_select', action_id: EXTEND_FIELDS.duration, placeholder: { type: 'plain_text', text: 'How long' }, options: DURATIONS.map((d) => ({ text: { type: 'plain_text', text: d }, value: d })) },
      },
      {
        type: 'input',
        block_id: EXTEND_FIELDS.until,
        optional: true,
        label: { type: 'plain_text', text: clipText(`Or until (${form.zone})`, 2000) },
        element: { type: 'timepicker', action_id: EXTEND_FIELDS.until, timezone: form.zone },
      },
      context('After its hours an extension may need a lead’s approval, as `/env extend` does.'),
    ],
  };
}

/** The **Edit schedule** button, for someone who holds `schedule` on the environment. */
export function editScheduleButton(environment: string): KnownBlock {
  return {
    type: 'actions',
    block_id: blockId('schedule_edit_', environment),
    elements: [{ type: 'button', action_id: EDIT_SCHEDULE_ACTION, text: { type: 'plain_text', text: 'Edit schedule' }, value: environment.slice(0, MAX_BUTTON_VALUE) }],
  };
}
