export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** One JSON line per entry on stderr, for container log collectors. Callers never pass secrets in fields. */
export function jsonLogger(level: LogLevel = 'info', write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Logger {
  const log = (at: LogLevel) => (message: string, fields: Record<string, unknown> = {}) => {
    if (ORDER[at] < ORDER[level]) return;
    write(JSON.stringify({ time: new Date().toISOString(), level: at, message, ...fields }));
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * An error once, as a person reads it: its name when that says something (`AccessDeniedException: …`), not
 * the generic `Error`, and never twice when the message already starts with it.
 */
/**
 * The message and what caused it, one line: a failed query (drizzle) says which query, its cause why (a
 * refused connection, a wrong password, a statement timeout). Never the query's parameters: they hold what
 * users typed and request keys with Slack trigger ids.
 */
export function errorWithCauses(error: unknown): string {
  const parts = [errorMessage(error).replace(/\s*\nparams:[\s\S]*$/, '').replace(/\s+/g, ' ').trim()];
  let cause = error instanceof Error ? error.cause : undefined;
  for (let depth = 0; cause && depth < 3; depth++, cause = cause instanceof Error ? cause.cause : undefined) {
    // An AggregateError (every address of a host refused) says nothing itself: its errors do.
    const message = cause instanceof AggregateError && !cause.message ? cause.errors.map(errorMessage).join('; ') : errorMessage(cause);
    // A failed query's message names its cause already.
    if (!parts.join(': ').endsWith(message)) parts.push(message);
  }
  return parts.join(': ');
}

/**
 * What went wrong, one line for a log or a reply. A failed query (drizzle's "Failed query: …") is given with
 * why it failed (its cause: a timeout, a refused connection) and never with its parameters, which hold what
 * users typed, Slack trigger ids and lease holders.
 */
export function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { name } = error;
  const message = error.message.replace(/\s*\nparams:[\s\S]*$/, '');
  if (!message) return name;
  const cause = message.startsWith('Failed query:') && error.cause instanceof Error && error.cause.message ? `: ${errorMessage(error.cause)}` : '';
  if (!name || name === 'Error' || message.startsWith(`${name}:`)) return `${message}${cause}`;
  return `${name}: ${message}${cause}`;
}
