import type { CostAnomaly } from '../../domain/cost/anomaly.js';
import type { CostPeriod, CostRow } from '../../domain/cost/report.js';
import type { ChartOutcome } from '../../outbound.js';
import type { CostReport } from '../../store/cost-reports.js';
import { capBlocks, context, header, linesToSections, section, type KnownBlock, type Reply } from './common.js';
import { code, escapeMrkdwn } from './format.js';
import { billed, ESTIMATE_FOOTNOTE, money, sourceNote, trend } from './money.js';
import { utcDay } from '../../domain/time-format.js';

const PERIOD_TITLES: Record<CostPeriod, string> = { '7d': 'last 7 days', '30d': 'last 30 days', mtd: 'month to date' };
/** Below this share of the period sampled, the figures are called partial. */
const WELL_WATCHED_SHARE = 0.95;

function day(at: Date): string {
  return utcDay(at);
}

export function savedText(row: Pick<CostRow, 'saved'>): string | null {
  if (!row.saved || row.saved.parkedHours <= 0) return null;
  return `saved ${money(row.saved.dollars)} (${Math.round(row.saved.parkedHours)} h parked)`;
}

/** An environment sampled for less of the period than the fleet (its region's refreshes failed): a gap. */
function gapText(row: CostRow, fleetWatchedHours: number): string | null {
  if (row.watchedHours === null || row.watchedHours >= fleetWatchedHours * WELL_WATCHED_SHARE) return null;
  return `:warning: sampled ${Math.round(row.watchedHours)} of ${Math.round(fleetWatchedHours)} h`;
}

function rowLine(row: CostRow, fleetWatchedHours: number): string {
  const parts = [code(row.environment), `est. *${money(row.estimate)}*`, billed(row.billed), `${trend(row.trend)} vs previous`, savedText(row), gapText(row, fleetWatchedHours)];
  return parts.filter((part): part is string => part !== null).join(' · ');
}

function coverageNote(report: Pick<CostReport, 'watchedHours' | 'windowHours'>): string | null {
  if (report.watchedHours >= report.windowHours * WELL_WATCHED_SHARE) return null;
  return `:warning: dockhand sampled the fleet for ${Math.round(report.watchedHours)} of the ${Math.round(report.windowHours)} hours in this period; estimates cover only those.`;
}

function gapNote(report: CostReport): string | null {
  if (!report.rows.some((row) => gapText(row, report.watchedHours) !== null)) return null;
  return ':warning: marked environments were sampled for less of the period than the fleet (their region could not be read, or they are new): their estimates cover only the hours sampled.';
}

function notes(report: CostReport): string {
  const caveats = [coverageNote(report), gapNote(report), sourceNote(report.totals.source)].filter((note): note is string => note !== null);
  return [...caveats, ESTIMATE_FOOTNOTE].join('\n');
}

export interface CostView {
  report: CostReport;
  /** Set for a report on one environment. */
  environment: string | null;
  /** Whether to show spend outside any environment. */
  showUnassigned: boolean;
  /** What became of the chart shared with the report; null when there was none to draw. */
  chart?: ChartOutcome | null;
}

/** The chart's title (plain text, drawn in the picture). */
export function costChartTitle(period: CostPeriod, environment: string | null): string {
  return `Cost per day ${environment ? `of ${environment}` : 'by environment'} · ${PERIOD_TITLES[period]}`;
}

function chartNote(chart: ChartOutcome | null | undefined): string | null {
  if (!chart) return null;
  return chart.attached ? ':bar_chart: The chart of cost per day is shared in this channel.' : `:warning: The chart of cost per day could not be shared here: ${escapeMrkdwn(chart.reason)}.`;
}

export function costReply(view: CostView): Reply {
  const { report, environment } = view;
  const { period, current, previous } = report.windows;
  const span = `${day(current.from)} → now (UTC), compared with ${day(previous.from)} → ${day(previous.to)}`;
  // The header is plain text (shown as typed); the rest is mrkdwn (escaped).
  const plainTitle = `Cost${environment ? ` of ${environment}` : ''}, ${PERIOD_TITLES[period]}`;
  const title = `Cost${environment ? ` of ${escapeMrkdwn(environment)}` : ''}, ${PERIOD_TITLES[period]}`;
  if (report.rows.length === 0) {
    const text = `${title}: nothing to show${environment ? '' : ' for the environments you can see'} yet.`;
    return { text, blocks: [section(text), context(notes(report))] };
  }
  const blocks: KnownBlock[] = [header(plainTitle), context(span)];
  const { totals } = report;
  if (environment) {
    const row = report.rows[0]!;
    blocks.push(section(rowLine(row, report.watchedHours)));
    const serviceLines = report.services.map(
      (s) => `${escapeMrkdwn(s.name)} · est. ${money(s.dollars)} · ${Math.round(s.taskHours)} task-hours${s.source === 'unpriced' ? ' · _task size unknown_' : ''}`,
    );
    if (serviceLines.length > 0) blocks.push(section('*By service* (billing does not split by service)'), ...linesToSections(serviceLines));
  } else {
    const total = [`*Total* est. *${money(totals.estimate)}*`, billed(totals.billed), totals.saved > 0 ? `saved ${money(totals.saved)}` : null];
    blocks.push(section(total.filter(Boolean).join(' · ')), ...linesToSections(report.rows.map((row) => rowLine(row, report.watchedHours))));
    if (view.showUnassigned && (report.unassigned.estimate > 0 || report.unassigned.billed)) {
      blocks.push(section(`_Outside any environment_ · est. ${money(report.unassigned.estimate)} · ${billed(report.unassigned.billed)} (untagged)`));
    }
  }
  const chart = chartNote(view.chart);
  if (chart) blocks.push(context(chart));
  blocks.push(context(notes(report)));
  const text = `${title}: est. ${money(totals.estimate)}, ${billed(totals.billed)}`;
  return { text, blocks: capBlocks(blocks, 'Ask for one environment: `/env cost &lt;env&gt;`.') };
}

/** The alert an environment's channel gets when its spend jumps. */
export function anomalyAlertReply(anomaly: CostAnomaly, hours: number): Reply {
  const increase = anomaly.increase.percent === null ? 'from nothing' : `+${Math.round(anomaly.increase.percent)}%`;
  const text =
    `:chart_with_upwards_trend: ${code(anomaly.environment)} is spending more than usual: est. ${money(anomaly.recentDollars)} over the last ${hours} h, ` +
    `against ${money(anomaly.baselineDollars)} for the same hours on an average day (${increase}, +${money(anomaly.increase.dollars)}).`;
  return {
    text,
    blocks: [
      section(text),
      context(`Compared with the same ${hours} hours of the previous ${anomaly.baselineDays} day(s) dockhand watched. See ${code(`/env cost ${anomaly.environment}`)} and ${code(`/env who ${anomaly.environment}`)}.`),
    ],
  };
}

/** Said where a chart should have been: the figures in the message stand without it. */
export function chartMissingReply(title: string, reason: string): Reply {
  const text = `:warning: The chart "${escapeMrkdwn(title)}" could not be attached: ${escapeMrkdwn(reason)}. The figures in the message are complete without it.`;
  return { text: `The chart could not be attached: ${escapeMrkdwn(reason)}`, blocks: [context(text)] };
}
