import { z } from 'zod';

/** What dockhand relies on in a LookupEvents answer: each event's id and its record, which decoding validates. */
export const lookupEventsPageSchema = z.object({
  Events: z
    .array(
      z.object({
        EventId: z.string(),
        /** The whole CloudTrail record as a JSON string; domain/cloudtrail.ts validates its fields. */
        CloudTrailEvent: z.string(),
      }),
    )
    .default([]),
  NextToken: z.string().optional(),
});

export type LookupEventsPage = z.infer<typeof lookupEventsPageSchema>;
