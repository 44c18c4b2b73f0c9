import { z } from 'zod';

/** What dockhand reads of CloudWatch Logs' FilterLogEvents answer; an event without a message is skipped. */
export const filterLogEventsSchema = z.object({
  events: z
    .array(
      z.object({
        timestamp: z.number().optional(),
        message: z.string().optional(),
        logStreamName: z.string().optional(),
      }),
    )
    .default([]),
  nextToken: z.string().optional(),
});

export type FilterLogEventsPage = z.infer<typeof filterLogEventsSchema>;
