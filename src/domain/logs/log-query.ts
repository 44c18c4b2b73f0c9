/** What `/env logs` asks for: a window, errors or everything, and a text to look for. */

export const LOG_WINDOWS = ['15m', '1h', '6h'] as const;
export type LogWindow = (typeof LOG_WINDOWS)[number];
export const DEFAULT_LOG_WINDOW: LogWindow = '1h';
export const LOG_WINDOW_MS: Record<LogWindow, number> = { '15m': 15 * 60_000, '1h': 3_600_000, '6h': 6 * 3_600_000 };

/** The most of a searched text dockhand sends to CloudWatch. */
export const MAX_LOG_TEXT = 100;

export interface LogQuery {
  window: LogWindow;
  errorsOnly: boolean;
  /** The text to look for, already bounded; null for every line. */
  text: string | null;
}

export function isLogWindow(word: string): word is LogWindow {
  return (LOG_WINDOWS as readonly string[]).includes(word);
}

/** A typed text made safe to search for: control characters, quotes and backslashes dropped, bounded. */
export function searchText(typed: string | null): string | null {
  if (typed === null) return null;
  // eslint-disable-next-line no-control-regex
  const clean = typed.replace(/[\u0000-\u001f\u007f"\\]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_LOG_TEXT).trim();
  return clean === '' ? null : clean;
}

/**
 * CloudWatch Logs' filter pattern for a text: one quoted term, which matches the exact phrase anywhere in a
 * line, case-sensitively. `searchText` already removed what could end the quotes (`"`, `\`), so none of the
 * pattern syntax (`?`, `-`, `{ $.… }`, `[ … ]`) inside it has a meaning.
 */
export function filterPatternOf(text: string | null): string | undefined {
  const clean = searchText(text);
  return clean === null ? undefined : `"${clean}"`;
}

