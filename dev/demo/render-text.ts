import type { KnownBlock } from '../../src/slack/blocks/common.js';
import { emojiText, slackMarkupToText } from './slack-markup.js';

/** A text object as Slack shows it: mrkdwn's markup rendered (slack-markup.ts); plain_text shows only emoji. */
function textOf(element: unknown): string {
  const { text, type } = element as { text?: unknown; type?: unknown };
  if (typeof text !== 'string') return '';
  return type === 'plain_text' ? emojiText(text) : slackMarkupToText(text);
}

/** Renders a Block Kit message as plain text, so the demo console shows what Slack would. */
export function blocksToText(blocks: readonly KnownBlock[]): string {
  const lines: string[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case 'header':
        lines.push(`== ${textOf(block.text)} ==`);
        break;
      case 'section':
        if (block.text) lines.push(textOf(block.text));
        for (const field of block.fields ?? []) lines.push(`  ${textOf(field)}`);
        break;
      case 'context':
        lines.push(...block.elements.map((element) => `  ${textOf(element)}`));
        break;
      case 'divider':
        lines.push('─'.repeat(40));
        break;
      case 'actions':
        lines.push(block.elements.map((element) => `[${textOf((element as { text?: unknown }).text ?? {})}]`).join(' '));
        break;
      default:
        lines.push(`(${block.type} block)`);
    }
  }
  return lines.join('\n');
}
