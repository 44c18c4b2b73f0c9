import { maskSecrets } from './secrets.js';

/**
 * What `/env logs` shows of what CloudWatch returned: lines cut to a bound before anything reads them (log
 * lines are hostile and can be megabytes long), errors told apart in linear time, secrets masked, newest last.
 */

/** The most of one log line dockhand reads, keeps or shows. */
export const MAX_LINE_LENGTH = 1000;

export interface LogEvent {
  /** Epoch milliseconds. */
  timestamp: number;
  message: string;
  stream: string;
}

/** A line cut to MAX_LINE_LENGTH, trailing newline and carriage returns dropped, never half a surrogate pair. */
export function cutLine(message: string): string {
  let line = message.length > MAX_LINE_LENGTH ? message.slice(0, MAX_LINE_LENGTH) : message;
  const last = line.charCodeAt(line.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) line = line.slice(0, -1);
  line = line.replace(/[\r\n]+$/, '');
  return message.length > MAX_LINE_LENGTH ? `${line}…` : line;
}

/*
 * Each pattern is a literal or a bounded run with no nested quantifier, on a line already cut to
 * MAX_LINE_LENGTH: the work is linear in the line, whatever it holds.
 */
const ERROR_PATTERNS: readonly RegExp[] = [
  // JSON level fields: "level":"error", "severity": "FATAL", "lvl":"panic"
  /"(?:level|severity|lvl|loglevel|log_level)"\s{0,5}:\s{0,5}"(?:error|err|fatal|critical|crit|panic|alert|emerg)"/i,
  // logfmt: level=error
  /\b(?:level|severity|lvl)=(?:error|err|fatal|critical|crit|panic)\b/i,
  // upper-case level words, as most text loggers print them
  /\b(?:ERROR|FATAL|CRITICAL|PANIC|SEVERE|EMERG)\b/,
  // Go panics and their goroutine dumps
  /\bpanic:|^goroutine \d{1,10} \[/,
  // stack frames: Java / JavaScript / .NET `at …` (indented), Python's traceback and frames
  /^\s{1,40}at \S/,
  /^Traceback \(most recent call last\)/,
  /^\s{0,40}File "[^"]{1,500}", line \d/,
  // exception and error class names: NullPointerException, TypeError, java.lang.IllegalStateException
  /[a-z0-9](?:Exception|Error)\b/,
  /\bUnhandled(?:PromiseRejection)?\b|\bCaused by: /,
];

/** Whether a (cut) line looks like an error: level fields, ERROR/FATAL/panic, stack traces, exceptions. */
export function looksLikeError(line: string): boolean {
  const bounded = line.length > MAX_LINE_LENGTH + 1 ? line.slice(0, MAX_LINE_LENGTH) : line;
  return ERROR_PATTERNS.some((pattern) => pattern.test(bounded));
}

export interface ShownLine {
  timestamp: number;
  /** Cut and masked. */
  text: string;
}

export interface LineSelection {
  /** Oldest first, newest last: at most `max`. */
  lines: ShownLine[];
  /** How many of the events read matched (all, or the errors). */
  matched: number;
}

/**
 * The newest `max` lines of the events read (errors only, if asked), oldest first, each cut and masked.
 * Events arrive in any order across streams; they are sorted by time (stable) before the newest are taken.
 */
export function selectLines(events: readonly LogEvent[], options: { errorsOnly: boolean; max: number }): LineSelection {
  const candidates = events.map((event) => ({ timestamp: event.timestamp, line: cutLine(maskSecrets(event.message)) })).filter((event) => !options.errorsOnly || looksLikeError(event.line));
  candidates.sort((a, b) => a.timestamp - b.timestamp);
  const newest = candidates.slice(Math.max(0, candidates.length - options.max));
  return { lines: newest.map((event) => ({ timestamp: event.timestamp, text: event.line })), matched: candidates.length };
}
