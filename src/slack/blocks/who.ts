import { formatDecoded, type DecodedEvent } from '../../domain/trail/decode.js';
import { changeCounts, FLAG_LABELS, type ChangeCount, type TrailGap, type WhoWindow } from '../../domain/trail/changes.js';
import type { TrailCursor } from '../../store/trail-store.js';
import { capBlocks, context, linesToSections, section, type KnownBlock, type Reply } from './common.js';
import { ago, code, escapeMrkdwn } from './format.js';
import { slackDayTime, slackTime } from './slack-date.js';

/** Stands for the actor's mention while the rest of an event line is escaped. */
const MENTION_SLOT = '\u0000mention\u0000';

/** Events listed one per line; beyond this the counts still say how many there were. */
const MAX_LINES = 200;

function time(at: Date, withDate: boolean): string {
  return withDate ? slackDayTime(at) : slackTime(at);
}

/** One event for people: time, who (via what) did what, and any flags in words. */
export function eventLine(event: DecodedEvent, withDate: boolean): string {
  const flags = event.flags.map((flag) => FLAG_LABELS[flag]).join(', ');
  const mark = event.flags.length > 0 ? ':warning: ' : event.failed ? ':x: ' : '';
  // A person acting through dockhand is named by a Slack mention, built here from their id: everything
  // else in the line came from CloudTrail and is escaped, so no mention can be smuggled in with it.
  const mentioned = event.who.kind === 'slack-user-via-dockhand' && event.who.slackUserId && event.who.name === `<@${event.who.slackUserId}>`;
  const line = mentioned
    ? escapeMrkdwn(formatDecoded({ ...event, who: { ...event.who, name: MENTION_SLOT } })).split(MENTION_SLOT).join(`<@${event.who.slackUserId}>`)
    : escapeMrkdwn(formatDecoded(event));
  return `${time(event.at, withDate)} ${mark}${line}${flags ? ` — _${flags}_` : ''}`;
}

export function countLine(count: ChangeCount): string {
  const extras = [count.failed > 0 ? `${count.failed} failed` : null, count.flagged > 0 ? `:warning: ${count.flagged} flagged` : null].filter(Boolean);
  const name = count.environment === null ? '_no environment_' : code(count.environment);
  return `${name} · ${count.changes} change${count.changes === 1 ? '' : 's'}${extras.length ? ` (${extras.join(', ')})` : ''}`;
}

/** When CloudTrail was last read, so people know how fresh "who changed what" is. */
export function ingestFooter(cursors: readonly TrailCursor[], now: Date): string {
  if (cursors.length === 0) return 'CloudTrail has not been read yet.';
  const oldest = Math.min(...cursors.map((c) => c.endMs));
  return `CloudTrail read to ${ago(new Date(oldest).toISOString(), now)} (events arrive minutes late); ECS changes only, read-only calls are not listed.`;
}

function gapLine(gap: TrailGap, now: Date): string {
  const where = escapeMrkdwn(gap.label);
  switch (gap.kind) {
    case 'failed':
      return `:x: ${where}: the last read failed ${ago(new Date(gap.atMs).toISOString(), now)}${gap.error ? `: ${escapeMrkdwn(gap.error)}` : ''}`;
    case 'never-read':
      return `:grey_question: ${where}: not read yet`;
    case 'read-since':
      return `:grey_question: ${where}: read only since ${slackDayTime(new Date(gap.fromMs))}`;
    case 'read-until':
      return `:grey_question: ${where}: last read ${ago(new Date(gap.toMs).toISOString(), now)}, nothing since`;
  }
}

/** Where CloudTrail was not read: said instead of "no changes", or beside a list that may be incomplete. */
export function gapLines(gaps: readonly TrailGap[], now: Date): string[] {
  return gaps.map((gap) => gapLine(gap, now));
}

export interface WhoView {
  events: readonly DecodedEvent[];
  /** Why the list may be incomplete: locations CloudTrail was not read for the whole window. */
  gaps: readonly TrailGap[];
  now: Date;
  window: WhoWindow;
  /** Null for every environment the asker can see. */
  environment: string | null;
  footer: string;
}

export function whoReply(view: WhoView): Reply {
  const { events, window, environment } = view;
  const scope = environment ? code(environment) : 'the environments you can see';
  const gaps = gapLines(view.gaps, view.now);
  if (events.length === 0 && gaps.length > 0) {
    const text = `:warning: dockhand cannot say what changed in ${scope} in the last ${window}: CloudTrail was not read for all of it.`;
    return { text: text.replace(/`|:warning: /g, ''), blocks: capBlocks([section(text), ...linesToSections(gaps), context(view.footer)], 'More locations were not read.') };
  }
  if (events.length === 0) {
    const text = `No changes to ${scope} in the last ${window}.`;
    return { text: text.replace(/`/g, ''), blocks: [section(text), context(view.footer)] };
  }
  const flagged = events.filter((e) => e.flags.length > 0).length;
  const blocks: KnownBlock[] = [section(`*${events.length} change${events.length === 1 ? '' : 's'} to ${scope} in the last ${window}*${flagged ? ` · :warning: ${flagged} flagged` : ''}`)];
  if (!environment) blocks.push(...linesToSections(changeCounts(events).map(countLine)));
  const withDate = window !== '24h';
  const listed = events.slice(0, MAX_LINES).map((event) => eventLine(event, withDate));
  blocks.push(...linesToSections(listed));
  if (events.length > MAX_LINES) blocks.push(context(`…${events.length - MAX_LINES} older changes not listed.`));
  if (gaps.length > 0) blocks.push(section(':warning: *There may be more:* CloudTrail was not read for all of the window.'), ...linesToSections(gaps));
  blocks.push(context(view.footer));
  return {
    text: `${events.length} changes to ${environment ? escapeMrkdwn(environment) : 'your environments'} in the last ${window}`,
    blocks: capBlocks(blocks, 'Narrow it with `/env who &lt;env&gt;` or a shorter window.'),
  };
}
