import { DateTime } from 'luxon';
import { DEMO_NAMES, type DemoNames } from './users.js';

/** The emoji dockhand's messages use (src/slack, src/domain), as a terminal can show them. */
export const EMOJI: Readonly<Record<string, string>> = {
  alarm_clock: '⏰',
  arrows_counterclockwise: '🔄',
  bar_chart: '📊',
  black_circle: '⚫',
  calendar: '📅',
  chart_with_upwards_trend: '📈',
  ghost: '👻',
  grey_question: '❔',
  heavy_minus_sign: '➖',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  information_source: 'ℹ️',
  key: '🔑',
  large_green_circle: '🟢',
  large_yellow_circle: '🟡',
  lock: '🔒',
  mag: '🔍',
  no_entry: '⛔',
  no_entry_sign: '🚫',
  page_facing_up: '📄',
  red_circle: '🔴',
  sparkles: '✨',
  thread: '🧵',
  warning: '⚠️',
  white_check_mark: '✅',
  white_circle: '⚪',
  x: '❌',
  zzz: '💤',
};

function unescape(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function ordinal(day: number): string {
  const tens = day % 100;
  if (tens >= 11 && tens <= 13) return `${day}th`;
  return `${day}${['th', 'st', 'nd', 'rd'][day % 10] ?? 'th'}`;
}

/** A `{token}` of Slack's date formatting, in the reader's zone (here: the terminal's). */
function dateToken(at: DateTime, token: string, now: DateTime): string | null {
  const relativeDay = (): string | null => {
    const days = Math.round(at.startOf('day').diff(now.startOf('day'), 'days').days);
    return days === 0 ? 'today' : days === -1 ? 'yesterday' : days === 1 ? 'tomorrow' : null;
  };
  switch (token) {
    case 'date_num':
      return at.toFormat('yyyy-MM-dd');
    case 'date':
      return `${at.toFormat('LLLL')} ${ordinal(at.day)}, ${at.year}`;
    case 'date_short':
      return at.toFormat('LLL d, yyyy');
    case 'date_long':
      return `${at.toFormat('cccc, LLLL')} ${ordinal(at.day)}, ${at.year}`;
    case 'date_pretty':
      return relativeDay() ?? `${at.toFormat('LLLL')} ${ordinal(at.day)}, ${at.year}`;
    case 'date_short_pretty':
      return relativeDay() ?? at.toFormat('LLL d, yyyy');
    case 'date_long_pretty':
      return relativeDay() ?? `${at.toFormat('cccc, LLLL')} ${ordinal(at.day)}, ${at.year}`;
    case 'time':
      return at.toFormat('HH:mm');
    case 'time_secs':
      return at.toFormat('HH:mm:ss');
    case 'ago':
      return at.toRelative({ base: now }) ?? null;
    default:
      return null;
  }
}

/** `<!date^1700000000^{date_short_pretty} {time}|fallback>` as Slack shows it: the time in the reader's zone. */
function slackDate(parts: readonly string[], fallback: string, zone: string, now: Date): string {
  const [, epoch, format = ''] = parts;
  const seconds = Number(epoch);
  if (!Number.isFinite(seconds)) return fallback;
  const at = DateTime.fromSeconds(seconds, { zone });
  if (!at.isValid) return fallback;
  const base = DateTime.fromJSDate(now, { zone });
  let ok = true;
  const text = format.replace(/\{([a-z_]+)\}/g, (_, token: string) => {
    const value = dateToken(at, token, base);
    if (value === null) ok = false;
    return value ?? '';
  });
  return ok ? text : fallback;
}

/** One `<…>` control sequence as Slack shows it; unknown ones as their label, or as written. */
function controlText(inner: string, names: DemoNames, zone: string, now: Date): string {
  const bar = inner.indexOf('|');
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? null : unescape(inner.slice(bar + 1));
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return `@${names.user(id) ?? label ?? id}`;
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    return `#${label ?? names.channel(id) ?? id}`;
  }
  if (target.startsWith('!subteam^')) {
    const id = target.slice('!subteam^'.length);
    const handle = label ?? (names.group(id) ? `@${names.group(id)}` : `@${id}`);
    return handle.startsWith('@') ? handle : `@${handle}`;
  }
  if (target.startsWith('!date^')) return slackDate(target.split('^'), label ?? '', zone, now);
  if (target === '!here' || target === '!channel' || target === '!everyone') return `@${target.slice(1)}`;
  const url = unescape(target);
  return label !== null && label !== url ? `${label} (${url})` : url;
}

export interface MarkupOptions {
  names?: DemoNames;
  /** The reader's time zone; the terminal's by default. */
  zone?: string;
  now?: Date;
}

/**
 * Slack mrkdwn as Slack would show it in a terminal: mentions of people, groups and channels by name, dates in
 * the local zone, links as "text (url)", entities unescaped, the emoji dockhand uses as characters.
 */
export function slackMarkupToText(text: string, options: MarkupOptions = {}): string {
  const names = options.names ?? DEMO_NAMES;
  const zone = options.zone ?? DateTime.local().zoneName ?? 'UTC';
  const now = options.now ?? new Date();
  let out = '';
  let last = 0;
  // Control sequences hold no `<` or `>` (Slack escapes them inside), so this never backtracks.
  for (const match of text.matchAll(/<([^<>]*)>/g)) {
    out += plainText(text.slice(last, match.index));
    out += controlText(match[1] ?? '', names, zone, now);
    last = match.index + match[0].length;
  }
  return out + plainText(text.slice(last));
}

/** `:warning:` as ⚠️; shortcodes dockhand does not use stay as written. */
export function emojiText(text: string): string {
  return text.replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => EMOJI[name] ?? whole);
}

function plainText(text: string): string {
  return unescape(emojiText(text));
}
