import { describeRequest } from '../../domain/access/approvals.js';
import type { ActiveOverride, DigestCostRow, DigestModel, DigestSectionModel, PendingApproval } from '../../domain/digest.js';
import { context, header, linesToSections, MAX_BLOCKS, section, type KnownBlock, type Reply } from './common.js';
import { savedText } from './cost.js';
import { findingLine, orphanLine } from './idle.js';
import { code, escapeMrkdwn, who } from './format.js';
import { billed, ESTIMATE_FOOTNOTE, money } from './money.js';
import { countLine, eventLine, gapLines } from './who.js';
import { slackDayTime, slackTime } from './slack-date.js';

const IDLE_LISTED = 15;
const ORPHANS_LISTED = 10;
/** Degraded environments named in the fleet line (one section): the rest are counted. */
const DEGRADED_NAMED = 40;

function costLine(row: DigestCostRow): string {
  const yesterday = row.yesterday ? `yesterday est. ${money(row.yesterday.estimate)}, ${billed(row.yesterday.billed)}` : 'yesterday —';
  const month = row.monthToDate ? `month est. *${money(row.monthToDate.estimate)}*, ${billed(row.monthToDate.billed)}` : 'month —';
  const saved = row.monthToDate ? savedText(row.monthToDate) : null;
  return [code(row.environment), yesterday, month, saved].filter(Boolean).join(' · ');
}

function approvalLine(approval: PendingApproval): string {
  return `#${approval.id} ${code(describeRequest(approval))} by ${who(approval.requestedBy)}`;
}

function overrideLine({ environment, override }: ActiveOverride): string {
  return `${code(environment)} ${override.reason === 'extend' ? 'extended' : 'overridden'} ${override.kind} until ${slackDayTime(override.until)}`;
}

function lines(title: string, items: readonly string[], empty: string): KnownBlock[] {
  return [section(`*${title}*`), ...(items.length > 0 ? linesToSections(items) : [context(empty)])];
}

function sectionBlocks(model: DigestSectionModel): KnownBlock[] {
  switch (model.kind) {
    case 'fleet': {
      const s = model.summary;
      const named = s.degradedNames.slice(0, DEGRADED_NAMED).map(code);
      if (s.degradedNames.length > DEGRADED_NAMED) named.push(`…and ${s.degradedNames.length - DEGRADED_NAMED} more (\`/env list\`)`);
      const degraded = named.length > 0 ? `\n:red_circle: degraded: ${named.join(', ')}` : '';
      return [section(`*Fleet* · ${s.total} environments: ${s.running} running · ${s.parked} parked · ${s.degraded} degraded · ${s.other} other${degraded}`)];
    }
    case 'idle': {
      const total = model.findings.reduce((sum, f) => sum + f.monthlyCost, 0) + model.orphans.reduce((sum, o) => sum + o.monthlyCost, 0);
      const items = [
        ...model.findings.slice(0, IDLE_LISTED).map(findingLine),
        ...(model.findings.length > IDLE_LISTED ? [`…and ${model.findings.length - IDLE_LISTED} more (\`/env idle\`)`] : []),
        ...model.orphans.slice(0, ORPHANS_LISTED).map((o) => `:ghost: ${orphanLine(o)}`),
      ];
      return lines(`Idle and orphaned · about ${money(total)}/month`, items, 'Nothing idle. :sparkles:');
    }
    case 'cost':
      return [...lines('Cost (UTC days)', model.rows.map(costLine), 'No cost figures yet.'), context(ESTIMATE_FOOTNOTE)];
    case 'changes': {
      const flagged = model.flagged.map((event) => eventLine(event, false));
      const gaps = gapLines(model.gaps, model.now);
      const unread = gaps.length > 0 ? [section(model.counts.length > 0 ? ':warning: *There may be more:* CloudTrail was not read for all of the day.' : ':warning: dockhand cannot say what changed: CloudTrail was not read for all of the day.'), ...linesToSections(gaps)] : [];
      return [
        ...(model.counts.length > 0 || gaps.length === 0 ? lines('Who changed what · last 24 h', model.counts.map(countLine), 'No changes.') : [section('*Who changed what · last 24 h*')]),
        ...unread,
        ...(flagged.length > 0 ? [section('*Flagged*'), ...linesToSections(flagged)] : []),
      ];
    }
    case 'anomalies': {
      const items = model.alerts.map(
        (a) => `:chart_with_upwards_trend: ${code(a.environment)} est. ${money(a.recentDollars)} vs usual ${money(a.baselineDollars)} (from ${slackTime(a.windowStart)})`,
      );
      return lines('Cost anomalies · last 24 h', items, 'None.');
    }
    case 'approvals':
      return lines('Pending approvals', model.pending.map(approvalLine), 'None pending.');
    case 'overrides':
      return lines('Active overrides', model.overrides.map(overrideLine), 'None.');
  }
}

/** The whole digest as blocks, in the policy's section order. */
export function digestBlocks(model: DigestModel): KnownBlock[] {
  const blocks: KnownBlock[] = [header(`dockhand digest · ${model.localDate}`), context(`${model.environments} environments · ${escapeMrkdwn(model.timeZone)}`)];
  for (const part of model.sections) blocks.push({ type: 'divider' }, ...sectionBlocks(part));
  return blocks;
}

export interface DigestMessages {
  main: Reply;
  /** Posted in the main message's thread, in order. */
  thread: Reply[];
}

/**
 * At most 50 blocks a message: the main message keeps the first 49 and says the rest is in the thread,
 * which gets the remainder 50 blocks at a time.
 */
export function digestMessages(model: DigestModel): DigestMessages {
  const blocks = digestBlocks(model);
  const text = `dockhand digest for ${model.localDate}: ${model.environments} environments`;
  if (blocks.length <= MAX_BLOCKS) return { main: { text, blocks }, thread: [] };
  const mainBlocks = [...blocks.slice(0, MAX_BLOCKS - 1), context(':thread: Continued in the thread.')];
  const rest = blocks.slice(MAX_BLOCKS - 1);
  const thread: Reply[] = [];
  for (let i = 0; i < rest.length; i += MAX_BLOCKS) thread.push({ text: `${text} (continued)`, blocks: rest.slice(i, i + MAX_BLOCKS) });
  return { main: { text, blocks: mainBlocks }, thread };
}

/** For `/env digest preview`: one ephemeral message, cut at 50 blocks with a note. */
export function digestPreviewReply(model: DigestModel): Reply {
  const { main, thread } = digestMessages(model);
  if (thread.length === 0) return { text: `Preview: ${main.text}`, blocks: main.blocks };
  const blocks = [...main.blocks.slice(0, MAX_BLOCKS - 1), context(`Preview cut here; the posted digest continues in its thread (${thread.length} more message(s)).`)];
  return { text: `Preview: ${main.text}`, blocks };
}
