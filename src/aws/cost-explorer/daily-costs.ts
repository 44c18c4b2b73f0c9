import type { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import type { CostActualsPolicy } from '../../config/report-policy.js';
import { addDays } from '../../domain/cost/actuals.js';
import { UNTAGGED, type DayRange } from '../../domain/cost/report.js';
import { parseAws } from '../ecs/schema.js';
import { costAndUsagePageSchema } from './schema.js';

/** `environment$staging-3` → `staging-3`; `environment$` (spend without the tag) → `untagged`. */
export function environmentOfKey(key: string): string {
  const value = key.slice(key.indexOf('$') + 1);
  return value === '' ? UNTAGGED : value;
}

export interface DailyCostQuery {
  tagKey: string;
  days: DayRange;
  metric: CostActualsPolicy['metric'];
  /** Cost Explorer SERVICE values; empty for all. */
  services: readonly string[];
}

/** One environment's spend on one day, as Cost Explorer answered it. */
export interface DailyCost {
  day: string;
  environment: string;
  dollars: number;
  estimated: boolean;
}

/**
 * Daily spend per tag value over the days (End is exclusive, so it is the day after the last), every page.
 * `onPage` hears each page that answered (each one is billed), also when a later page fails.
 */
export async function fetchDailyCosts(client: CostExplorerClient, query: DailyCostQuery, onPage: () => void = () => undefined): Promise<DailyCost[]> {
  const totals = new Map<string, DailyCost>();
  let nextPageToken: string | undefined;
  // Loaded with the client (aws/clients.ts), on first use.
  const { GetCostAndUsageCommand } = await import('@aws-sdk/client-cost-explorer');
  do {
    const raw = await client.send(
      new GetCostAndUsageCommand({
        TimePeriod: { Start: query.days.first, End: addDays(query.days.last, 1) },
        Granularity: 'DAILY',
        Metrics: [query.metric],
        GroupBy: [{ Type: 'TAG', Key: query.tagKey }],
        ...(query.services.length > 0 ? { Filter: { Dimensions: { Key: 'SERVICE', Values: [...query.services] } } } : {}),
        NextPageToken: nextPageToken,
      }),
    );
    onPage();
    const page = parseAws(costAndUsagePageSchema, raw, 'GetCostAndUsage');
    for (const result of page.ResultsByTime) {
      for (const group of result.Groups) {
        const environment = environmentOfKey(group.Keys[0] ?? '');
        const key = `${result.TimePeriod.Start}/${environment}`;
        const entry = totals.get(key) ?? { day: result.TimePeriod.Start, environment, dollars: 0, estimated: false };
        entry.dollars += group.Metrics[query.metric]?.Amount ?? 0;
        entry.estimated ||= result.Estimated === true;
        totals.set(key, entry);
      }
    }
    nextPageToken = page.NextPageToken;
  } while (nextPageToken);
  return [...totals.values()];
}
