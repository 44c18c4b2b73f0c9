import { z } from 'zod';
import { MAX_BUTTON_VALUE } from './blocks/common.js';

/** What dockhand relies on in Slack API responses and payloads. */

export const userGroupsListSchema = z.object({
  ok: z.literal(true),
  usergroups: z.array(z.object({ id: z.string(), users: z.array(z.string()).default([]) })),
});

export const slashCommandSchema = z.object({
  command: z.string(),
  text: z.string().default(''),
  user_id: z.string().regex(/^[UW][A-Z0-9]+$/),
  channel_id: z.string().min(1),
  team_id: z.string().optional(),
  response_url: z.string().optional(),
});


/** Slack's bound on a menu option's value (a button's is MAX_BUTTON_VALUE). */
export const MAX_OPTION_VALUE = 150;

/** A button click: who clicked, and the button's value (for approvals, only the request id). */
export const buttonClickSchema = z.object({
  user: z.object({ id: z.string() }),
  trigger_id: z.string(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional(), selected_option: z.object({ value: z.string() }).nullish() })).min(1),
});

export type ButtonClick = z.infer<typeof buttonClickSchema>;

/**
 * The length of a value in the click longer than Slack ever sends (a button's 2,000 characters, an option's
 * 150), or null: such a click is forged, and is refused before anything parses its value.
 */
export function oversizedValue(click: ButtonClick): { length: number; limit: number } | null {
  for (const action of click.actions) {
    if (action.value !== undefined && action.value.length > MAX_BUTTON_VALUE) return { length: action.value.length, limit: MAX_BUTTON_VALUE };
    const option = action.selected_option?.value;
    if (option !== undefined && option.length > MAX_OPTION_VALUE) return { length: option.length, limit: MAX_OPTION_VALUE };
  }
  return null;
}

export const denyModalSubmissionSchema = z.object({
  user: z.object({ id: z.string() }),
  view: z.object({
    private_metadata: z.string().regex(/^\d+$/),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), z.object({ value: z.string().max(3000).nullish() }))) }),
  }),
});

/**
 * A field's value in a submitted form or a form's dispatch action: typed text, a chosen option, a picked time.
 * Bounded by what Slack itself sends (a text input holds at most 3,000 characters, an option value 150), so a
 * forged payload is refused before anything parses it.
 */
const fieldValueSchema = z.object({
  value: z.string().max(3000).nullish(),
  selected_option: z.object({ value: z.string().max(MAX_OPTION_VALUE) }).nullish(),
  selected_time: z.string().max(16).nullish(),
});

/** The schedule editor and extension form: who sent it, what it says it is about, what was filled in. */
export const formSchema = z.object({
  user: z.object({ id: z.string() }),
  view: z.object({
    id: z.string().optional(),
    hash: z.string().optional(),
    callback_id: z.string().max(255).optional(),
    private_metadata: z.string().max(3000),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), fieldValueSchema)) }),
  }),
});

export type FormValues = z.infer<typeof formSchema>['view']['state']['values'];

/** What the forms keep in private_metadata: the environment's name (re-checked when it comes back). */
export const formMetadataSchema = z.object({ environment: z.string() });
