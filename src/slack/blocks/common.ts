import type { types } from '@slack/bolt';

export type KnownBlock = types.KnownBlock;
export type ModalView = types.ModalView;

/** What every command answers with: Block Kit for Slack, plus plain text for notifications and fallbacks. */
export interface Reply {
  text: string;
  blocks: KnownBlock[];
}

export const MAX_BLOCKS = 50;
export const MAX_SECTION_TEXT = 3000;
/** Slack's limits on a block_id or action_id, and on a button's value. */
export const MAX_ID_LENGTH = 255;
export const MAX_BUTTON_VALUE = 2000;
const MAX_HEADER_TEXT = 150;

/**
 * Text cut to `limit` characters with a `…`, never inside an escape entity (`&amp;`) or a surrogate pair,
 * so a cut cannot leave a stray `&` or half a character.
 */
export function clipText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let end = limit - 1;
  const amp = text.lastIndexOf('&', end);
  if (amp >= 0 && amp > end - 6 && !text.slice(amp, end).includes(';')) end = amp;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/** A block_id or action_id that carries a name: cut to Slack's limit. */
export function blockId(prefix: string, name: string): string {
  return `${prefix}${name}`.slice(0, MAX_ID_LENGTH);
}

export function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: clipText(text, MAX_SECTION_TEXT) } };
}

/** Slack's limits on a section's fields: at most 10, each at most 2,000 characters. */
export const MAX_FIELDS = 10;
export const MAX_FIELD_TEXT = 2000;

/** A section with its facts as fields (Slack lays them out two to a row): `*Label*\nvalue` each. */
export function fieldsSection(text: string, fields: ReadonlyArray<readonly [label: string, value: string]>): KnownBlock {
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: clipText(text, MAX_SECTION_TEXT) },
    fields: fields.slice(0, MAX_FIELDS).map(([label, value]) => ({ type: 'mrkdwn' as const, text: clipText(`*${label}*\n${value}`, MAX_FIELD_TEXT) })),
  };
}

export function context(text: string): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: clipText(text, MAX_SECTION_TEXT) }] };
}

/** Plain text is not parsed for mentions or links, so a header needs no escaping, only its length cut. */
export function header(text: string): KnownBlock {
  return { type: 'header', text: { type: 'plain_text', text: clipText(text, MAX_HEADER_TEXT), emoji: true } };
}

/**
 * The dialog Slack shows before a button that is hard to undo does anything: plain text (names need no
 * escaping there), cut to Slack's limits (title 100, text 300, buttons 30 characters).
 */
export function confirmDialog(title: string, text: string, confirm: string, style: 'danger' | 'primary' = 'danger') {
  const plain = (value: string, limit: number) => ({ type: 'plain_text' as const, text: clipText(value, limit) });
  return { title: plain(title, 100), text: plain(text, 300), confirm: plain(confirm, 30), deny: plain('Cancel', 30), style };
}

/** Packs lines into as few sections as Slack's 3,000-character limit allows, never splitting a line. */
export function linesToSections(lines: readonly string[], limit = MAX_SECTION_TEXT): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  let current = '';
  for (const line of lines) {
    const clipped = clipText(line, limit);
    if (current && current.length + 1 + clipped.length > limit) {
      blocks.push(section(current));
      current = '';
    }
    current = current ? `${current}\n${clipped}` : clipped;
  }
  if (current) blocks.push(section(current));
  return blocks;
}

/**
 * Lines packed into at most `room` sections, as linesToSections does; when they do not all fit, the last
 * block is a context line saying how many were left out (`more`), never a silent cut. `room` is at least 2.
 */
export function sectionsWithin(lines: readonly string[], room: number, more: (left: number) => string): KnownBlock[] {
  const all = linesToSections(lines);
  if (all.length <= room) return all;
  const blocks: KnownBlock[] = [];
  let current = '';
  let used = 0;
  for (const line of lines) {
    const clipped = clipText(line, MAX_SECTION_TEXT);
    if (current && current.length + 1 + clipped.length > MAX_SECTION_TEXT) {
      if (blocks.length >= room - 2) break; // room for this section and the count
      blocks.push(section(current));
      current = '';
    }
    current = current ? `${current}\n${clipped}` : clipped;
    used++;
  }
  if (current) blocks.push(section(current));
  return [...blocks, context(more(lines.length - used))];
}

/** Keeps a message within Slack's 50 blocks, saying how much was left out rather than failing to post. */
export function capBlocks(blocks: KnownBlock[], hint: string): KnownBlock[] {
  if (blocks.length <= MAX_BLOCKS) return blocks;
  const kept = blocks.slice(0, MAX_BLOCKS - 1);
  return [...kept, context(`…${blocks.length - kept.length} more blocks not shown. ${hint}`)];
}

export function problemReply(problem: string, advice: string): Reply {
  return { text: `${problem} ${advice}`, blocks: [section(`:warning: ${problem}`), context(advice)] };
}

/** When the database failed a command before it ran: its request could not be recorded, so it was not run. */
export function databaseFailedReply(): Reply {
  return problemReply('dockhand could not reach its database, so it did not run this command.', 'Try again in a minute. If it keeps happening, tell your dockhand administrator: its log says why.');
}
