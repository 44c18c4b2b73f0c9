import { z } from 'zod';

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


/** A button click: who clicked, and the button's value (for approvals, only the request id). */
export const buttonClickSchema = z.object({
  user: z.object({ id: z.string() }),
  trigger_id: z.string(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional() })).min(1),
});

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
  selected_option: z.object({ value: z.string().max(150) }).nullish(),
  selected_time: z.string().max(16).nullish(),
});

/** The schedule editor and extension form: who sent it, what it says it is about, what was filled in. */
export const formSchema = z.object({
  user: z.object({ id: z.string() }),
  view: z.object({
    id: z.string().optional(),
    hash: z.string().optional(),
    private_metadata: z.string().max(3000),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), fieldValueSchema)) }),
  }),
});

export type FormValues = z.infer<typeof formSchema>['view']['state']['values'];

/** What the forms keep in private_metadata: the environment's name (re-checked when it comes back). */
export const formMetadataSchema = z.object({ environment: z.string() });
