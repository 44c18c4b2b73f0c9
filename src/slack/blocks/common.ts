import type { types } from '@slack/bolt';

export type KnownBlock = types.KnownBlock;

/** What every command answers with: Block Kit for Slack, plus plain text for notifications and fallbacks. */
export interface Reply {
  text: string;
  blocks: KnownBlock[];
}

export const MAX_BLOCKS = 50;
export const MAX_SECTION_TEXT = 3000;

export function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

export function context(text: string): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}

export function header(text: string): KnownBlock {
  return { type: 'header', text: { type: 'plain_text', text: text.slice(0, 150), emoji: true } };
}

/** Packs lines into as few sections as Slack's 3,000-character limit allows, never splitting a line. */
export function linesToSections(lines: readonly string[], limit = MAX_SECTION_TEXT): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  let current = '';
  for (const line of lines) {
    const clipped = line.length > limit ? `${line.slice(0, limit - 1)}…` : line;
    if (current && current.length + 1 + clipped.length > limit) {
      blocks.push(section(current));
      current = '';
    }
    current = current ? `${current}\n${clipped}` : clipped;
  }
  if (current) blocks.push(section(current));
  return blocks;
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
