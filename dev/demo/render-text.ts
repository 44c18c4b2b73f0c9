import type { KnownBlock } from '../../src/slack/blocks/common.js';

const EMOJI: Record<string, string> = {
  large_green_circle: '🟢',
  black_circle: '⚫',
  large_yellow_circle: '🟡',
  red_circle: '🔴',
  arrows_counterclockwise: '🔄',
  warning: '⚠️',
  no_entry: '⛔',
  mag: '🔍',
  hourglass_flowing_sand: '⏳',
  hourglass: '⌛',
  white_circle: '⚪',
  white_check_mark: '✅',
  x: '❌',
  heavy_minus_sign: '➖',
  lock: '🔒',
  key: '🔑',
  no_entry_sign: '🚫',
};

/** Slack mrkdwn as a terminal shows it: emoji as characters, entities unescaped, markup left readable. */
function mrkdwnToText(text: string): string {
  return text
    .replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => EMOJI[name] ?? whole)
    // <!date^epoch^{time}|fallback>: Slack renders it in the reader's time zone; the fallback is UTC text.
    .replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function textOf(element: unknown): string {
  const text = (element as { text?: unknown }).text;
  return typeof text === 'string' ? mrkdwnToText(text) : '';
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
