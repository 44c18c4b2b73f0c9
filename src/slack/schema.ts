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
