/** Bounds on what dockhand keeps or repeats of text someone else wrote: user input is hostile. */

/** The most of one piece of user text that goes into a record (audit rows, approvals, grants, logs). */
export const MAX_STORED_TEXT = 500;
/** The most of a typed word an error message repeats back. */
export const MAX_QUOTED_WORD = 60;

/** The first `max` characters, never half a surrogate pair. */
function prefix(text: string, max: number): string {
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return text.slice(0, end);
}

/** `text`, or its first `max` characters marked as cut with the full length: `abc…[cut, 4000000 chars]`. */
export function cut(text: string, max = MAX_STORED_TEXT): string {
  if (text.length <= max) return text;
  return `${prefix(text, max)}…[cut, ${text.length} chars]`;
}

/**
 * Text for Slack mrkdwn, shown as typed: `& < >` as the entities Slack turns back into those characters (so
 * `<!channel>` neither mentions anyone nor reads as a link), and a backquote as `'` (none can be escaped in
 * a code span). The one escape: src/slack/blocks/format.ts re-exports it.
 */
const NEEDS_ESCAPE = /[&<>`]/;

export function escapeMrkdwn(text: string): string {
  // Most names hold none of the four: one scan instead of four replacements.
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/`/g, "'");
}

/** The text an escaped message stands for (`&lt;` back to `<`): for records, which are escaped again when shown. */
export function unescapeMrkdwn(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Control characters, and the invisible and direction-changing ones a terminal or a chat would act on. */
// eslint-disable-next-line no-control-regex -- matching them is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;

/**
 * A typed word as an error message quotes it: short, mrkdwn-escaped (`<!channel>` shows as typed, mentioning
 * nobody, and cannot end its code span), and with control and direction characters shown as `?`.
 */
export function quoted(word: string): string {
  return escapeMrkdwn(clipWord(word).replace(UNPRINTABLE, '?'));
}

/** A word as long as a quote may be (`…` past MAX_QUOTED_WORD), for echoes that escape it themselves. */
export function clipWord(word: string): string {
  return word.length > MAX_QUOTED_WORD ? `${prefix(word, MAX_QUOTED_WORD)}…` : word;
}

/** Every string in a JSON-like value cut to `max`, arrays to their first 50 entries: a record of bounded size. */
export function cutStrings(value: unknown, max = MAX_STORED_TEXT, depth = 0): unknown {
  if (typeof value === 'string') return cut(value, max);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 4) return '…[cut]';
  if (Array.isArray(value)) {
    const kept = value.slice(0, 50).map((item) => cutStrings(item, max, depth + 1));
    return value.length > 50 ? [...kept, `…[cut, ${value.length} items]`] : kept;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  const kept = entries.slice(0, 50).map(([key, item]) => [cut(key, 100), cutStrings(item, max, depth + 1)]);
  return Object.fromEntries(entries.length > 50 ? [...kept, ['…', `[cut, ${entries.length} keys]`]] : kept);
}
