import type { CostSource } from '../../domain/cost/estimate.js';
import type { BilledTotal } from '../../domain/cost/report.js';
import { RATES_AS_OF } from '../../domain/cost/fargate-rates.js';
import { escapeMrkdwn } from './format.js';

const USD = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });

/**
 * `$1,442.05`, as mrkdwn; a few tenths of a cent show as `<$0.01` (escaped: Slack would read a bare `<` as
 * the start of a link or mention) rather than pretending to be nothing.
 */
export function money(dollars: number): string {
  if (dollars > 0 && dollars < 0.005) return escapeMrkdwn('<$0.01');
  return USD.format(dollars);
}

/** `▲ 12%`, `▼ 3%`, `— 0%`; `n/a` when there is nothing to compare with. */
export function trend(percent: number | null): string {
  if (percent === null || !Number.isFinite(percent)) return 'n/a';
  const rounded = Math.round(percent);
  return rounded > 0 ? `▲ ${rounded}%` : rounded < 0 ? `▼ ${-rounded}%` : '— 0%';
}

/** Billed spend, marked while Cost Explorer is still billing some of its days. */
export function billed(total: BilledTotal | null): string {
  if (!total) return 'billed —';
  return `billed ${money(total.dollars)}${total.estimated ? '*' : ''}`;
}

const SOURCE_NOTES: Record<Exclude<CostSource, 'table'>, string> = {
  override: 'rates from dockhand.yml',
  fallback: 'a region without listed rates, priced at us-east-1',
  unpriced: 'task size unknown for some services (priced at $0)',
};

/** A figure's caveat, if its rates are not the table's. */
export function sourceNote(source: CostSource): string | null {
  return source === 'table' ? null : SOURCE_NOTES[source];
}

export const ESTIMATE_FOOTNOTE =
  `_est._ = running tasks × Fargate list prices (as of ${RATES_AS_OF}), from dockhand's inventory samples. ` +
  '_billed_ = Cost Explorer, UTC days; * = days still being billed.';
