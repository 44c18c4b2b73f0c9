import { GetCostAndUsageCommand, type CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import type { CostActualsPolicy } from '../../config/report-policy.js';
import { UNTAGGED, type DayRange } from '../../domain/cost/report.js';
import { utcDay } from '../../domain/time-format.js';
import type { ActualDay, CostActualsStore } from '../../store/cost-actuals-store.js';
import { parseAws } from '../ecs/schema.js';
import { costAndUsagePageSchema } from './schema.js';

const DAY_MS = 86_400_000;

function addDays(day: string, days: number): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));
}

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

/** Daily spend per tag value over the days (End is exclusive, so it is the day after the last), every page. */
export async function fetchDailyCosts(
  client: CostExplorerClient,
  query: DailyCostQuery,
  onPage: () => void = () => undefined,
): Promise<{ day: string; environment: string; dollars: number; estimated: boolean }[]> {
  const totals = new Map<string, { day: string; environment: string; dollars: number; estimated: boolean }>();
  let nextPageToken: string | undefined;
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

export interface CostExplorerIngestOptions {
  store: CostActualsStore;
  policy: CostActualsPolicy;
  tagKey: string;
}

export type CostExplorerIngestResult =
  | { account: string; asked: false; reason: 'already asked today' | 'nothing to ask' }
  | { account: string; asked: true; days: DayRange; pages: number; rows: number };

/**
 * Asks Cost Explorer for one account's days that are not final yet, at most once per UTC day: the day is
 * claimed in the store before the first request, so a restart or a second process does not ask again.
 */
export async function ingestCostExplorerAccount(client: CostExplorerClient, account: string, now: Date, options: CostExplorerIngestOptions): Promise<CostExplorerIngestResult> {
  const { store, policy } = options;
  const today = utcDay(now);
  const claim = store.claim(account, today, now);
  if (!claim) return { account, asked: false, reason: 'already asked today' };

  const lookbackFirst = addDays(today, -(policy.lookback_days - 1));
  const afterFinal = claim.finalThrough ? addDays(claim.finalThrough, 1) : lookbackFirst;
  const days = { first: afterFinal > lookbackFirst ? afterFinal : lookbackFirst, last: today };
  if (days.first > days.last) return { account, asked: false, reason: 'nothing to ask' };

  let pages = 0;
  let fetched: ActualDay[];
  try {
    fetched = await fetchDailyCosts(client, { tagKey: options.tagKey, days, metric: policy.metric, services: policy.services }, () => (pages += 1));
  } catch (error) {
    // Nothing answered means nothing billed: give the day back so a later run may try again.
    if (pages === 0) store.release(claim);
    throw error;
  }
  const stillBillingFrom = addDays(today, -policy.still_billing_days);
  const rows = fetched.map((row) => ({ ...row, estimated: row.estimated || row.day >= stillBillingFrom }));
  // Final: every asked day before the first one still being billed.
  const firstOpen = rows.filter((row) => row.estimated).reduce((first, row) => (row.day < first ? row.day : first), stillBillingFrom);
  const lastFinal = addDays(firstOpen < days.first ? days.first : firstOpen, -1);
  const finalThrough = lastFinal >= days.first ? lastFinal : claim.finalThrough;
  store.save(claim, days, rows, pages, finalThrough, now);
  return { account, asked: true, days, pages, rows: rows.length };
}
