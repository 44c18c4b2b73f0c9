import type { TopLevelSpec } from 'vega-lite';
import type { CostPerDay } from '../domain/cost/daily.js';

/** The PNG's size in pixels: wide enough for 30 days of paired bars, the shape Slack previews well. */
export const COST_CHART_WIDTH = 1200;
export const COST_CHART_HEIGHT = 600;
/** The font shipped in assets/fonts (the container has none of its own). */
export const CHART_FONT = 'DejaVu Sans';

const PARKED = 'parked (would have cost)';
const ESTIMATE = 'estimate';
const BILLED = 'billed (Cost Explorer)';
/** Tableau 10 without its grey, which is kept for the parked hours. */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f'];
const PARKED_GREY = '#c8c8c8';
/** Longest label shown whole (Vega estimates text widths without a canvas, on the short side for this font). */
const LABEL_LIMIT_PX = 260;

export interface CostChartRow {
  day: string;
  environment: string;
  kind: typeof ESTIMATE | typeof BILLED;
  dollars: number;
  /** Stack order: environments bottom up in legend order, the parked hours on top. */
  order: number;
}

/** `Mon 23 Nov`; today's bar is marked as still counting. */
export function dayLabel(day: string, partialDay: string | null): string {
  const label = new Date(`${day}T00:00:00Z`).toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
  return day === partialDay ? `${label} (so far)` : label;
}

function money(dollars: number): string {
  return dollars >= 100 ? `$${Math.round(dollars).toLocaleString('en-US')}` : `$${dollars.toFixed(2)}`;
}

/** The rows the chart stacks: per day an estimate bar (with the parked hours on top) beside a billed bar. */
export function costChartRows(data: CostPerDay): CostChartRow[] {
  const order = new Map(data.environments.map((name, i) => [name, i]));
  const rows: CostChartRow[] = [];
  for (const point of data.points) {
    const day = dayLabel(point.day, data.partialDay);
    const rank = order.get(point.environment) ?? data.environments.length;
    if (point.estimate > 0) rows.push({ day, environment: point.environment, kind: ESTIMATE, dollars: point.estimate, order: rank });
    if (point.billed !== null && point.billed > 0) rows.push({ day, environment: point.environment, kind: BILLED, dollars: point.billed, order: rank });
  }
  // The parked hours of all environments as one shaded segment on each day's estimate bar.
  const parked = new Map<string, number>();
  for (const point of data.points) parked.set(point.day, (parked.get(point.day) ?? 0) + point.saved);
  for (const [day, dollars] of parked) {
    if (dollars > 0) rows.push({ day: dayLabel(day, data.partialDay), environment: PARKED, kind: ESTIMATE, dollars, order: data.environments.length + 1 });
  }
  return rows;
}

/** The line under the title: how to read the bars, and what is missing. */
export function costChartSubtitle(data: CostPerDay): string {
  const parkedHours = data.points.reduce((sum, p) => sum + p.parkedHours, 0);
  const saved = data.points.reduce((sum, p) => sum + p.saved, 0);
  const parts = [
    data.hasBilled ? 'left bar: estimate from inventory samples' : 'bars: estimate from inventory samples',
    data.hasBilled ? `right bar: billed by Cost Explorer${data.billedEstimated ? ' (recent days still being billed)' : ''}` : 'no billed figures from Cost Explorer for these days',
    parkedHours > 0 ? `grey: ${Math.round(parkedHours)} h parked, ${money(saved)} saved` : 'nothing parked',
  ];
  return parts.join(' · ');
}

/** A one-paragraph text of what the chart shows, for Slack's alt text (screen readers, notifications). */
export function costChartAltText(title: string, data: CostPerDay): string {
  const totals = new Map<string, number>();
  for (const point of data.points) totals.set(point.environment, (totals.get(point.environment) ?? 0) + point.estimate);
  const top = data.environments.slice(0, 3).map((name) => `${name} ${money(totals.get(name) ?? 0)}`);
  const span = data.days.length > 0 ? `${data.days[0]} to ${data.days.at(-1)}` : 'no days';
  return `${title}: estimated cost per day by environment, ${span}${top.length > 0 ? `; largest: ${top.join(', ')}` : ''}. ${costChartSubtitle(data)}.`.slice(0, 1000);
}

/**
 * The Vega-Lite spec of cost per day by environment: per day a stacked estimate bar (the parked hours shaded
 * grey on top) beside a stacked billed bar, one colour per environment. Pure: the same data draws the same chart.
 */
export function costChartSpec(title: string, data: CostPerDay): TopLevelSpec {
  const colours = data.environments.map((_, i) => PALETTE[i % PALETTE.length] as string);
  const rows = costChartRows(data);
  const days = data.days.map((day) => dayLabel(day, data.partialDay));
  // Only what is drawn is in a legend: no grey entry when nothing was parked, no billed one without Cost Explorer.
  const parked = rows.some((row) => row.environment === PARKED);
  const kinds = data.hasBilled ? [ESTIMATE, BILLED] : [ESTIMATE];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: COST_CHART_WIDTH,
    height: COST_CHART_HEIGHT,
    autosize: { type: 'fit', contains: 'padding' },
    padding: 16,
    background: 'white',
    title: { text: title, subtitle: costChartSubtitle(data), anchor: 'start', fontSize: 20, subtitleFontSize: 13, subtitleColor: '#555' },
    data: { values: rows as unknown as Record<string, unknown>[] },
    mark: { type: 'bar', width: { band: 0.9 } },
    encoding: {
      // Every day of the period has its place, a day with nothing sampled too.
      x: { field: 'day', type: 'ordinal', sort: days, scale: { domain: days }, title: null, axis: { labelAngle: data.days.length > 10 ? -45 : 0, labelLimit: LABEL_LIMIT_PX } },
      xOffset: { field: 'kind', type: 'nominal', sort: kinds, scale: { domain: kinds } },
      y: { field: 'dollars', type: 'quantitative', aggregate: 'sum', stack: 'zero', title: 'USD per day', axis: { format: '$,.2~f' } },
      color: {
        field: 'environment',
        type: 'nominal',
        title: 'environment',
        scale: parked ? { domain: [...data.environments, PARKED], range: [...colours, PARKED_GREY] } : { domain: data.environments, range: colours },
        legend: { labelLimit: LABEL_LIMIT_PX, orient: 'right' },
      },
      opacity: { field: 'kind', type: 'ordinal', sort: [ESTIMATE, BILLED], title: 'bar', scale: { domain: [ESTIMATE, BILLED], range: [1, 0.55] }, legend: data.hasBilled ? { orient: 'right', labelLimit: LABEL_LIMIT_PX } : null },
      order: { field: 'order', type: 'quantitative', sort: 'ascending' },
    },
    config: { font: CHART_FONT, view: { stroke: null }, axis: { labelFontSize: 12, titleFontSize: 13 }, legend: { labelFontSize: 12, titleFontSize: 13 } },
  };
}
