import { z } from 'zod';

const amount = z.object({ Amount: z.coerce.number(), Unit: z.string().optional() });

/** What dockhand relies on in a GetCostAndUsage answer grouped by one tag. */
export const costAndUsagePageSchema = z.object({
  ResultsByTime: z
    .array(
      z.object({
        TimePeriod: z.object({ Start: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), End: z.string() }),
        /** True while AWS is still billing the period. */
        Estimated: z.boolean().optional(),
        Groups: z.array(z.object({ Keys: z.array(z.string()).min(1), Metrics: z.record(z.string(), amount) })).default([]),
      }),
    )
    .default([]),
  NextPageToken: z.string().optional(),
});

export type CostAndUsagePage = z.infer<typeof costAndUsagePageSchema>;
