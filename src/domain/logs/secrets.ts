/**
 * Masks values in a log line that look like secrets before anyone sees it: AWS access keys and secret keys,
 * Slack tokens, bearer and basic credentials, passwords in URLs, and `password=`/`secret=`/`token=` values.
 * Every pattern is literal or a bounded run without nested quantifiers, so hostile lines cost linear time
 * (callers cut lines first: log-lines.ts). Masking is best effort; it errs on the side of hiding.
 */

export const MASK = '[masked]';

/** ANSI colour and cursor sequences: stripped first, so a token split by one is still one token. */
// eslint-disable-next-line no-control-regex -- the escape character is what an ANSI sequence starts with
const ANSI_ESCAPE = /\u001b\[[0-9;?]{0,20}[ -/]{0,3}[@-~]/g;

/** A key that names a secret: the word may go on (`SECRET_KEY`, `aws_secret_key`, `x-api-token`). */
const SECRET_KEY = String.raw`((?:passw(?:or)?d|pwd|secret|token|api[_-]?key|private[_-]?key|credentials?)[A-Za-z0-9_-]{0,30})`;
/** Between key and value: an optional (escaped) quote, `=` or `:`, an optional (escaped) quote. */
const QUOTED_SEPARATOR = String.raw`(\\?["']?\s{0,5}[=:]\s{0,5}\\?["'])`;
const SEPARATOR = String.raw`(\\?["']?\s{0,5}[=:]\s{0,5}\\?["']?)`;

const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  // PEM private keys: hide the whole rest of the line
  [/-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----.*$/g, `-----BEGIN PRIVATE KEY----- ${MASK}`],
  // AWS access key ids (long-term AKIA, temporary ASIA)
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, `AKIA${MASK}`],
  // AWS secret keys after their usual names
  [/(aws_secret_access_key|aws_secret_key|secretAccessKey|aws_session_token|sessionToken)(["']?\s{0,5}[=:]\s{0,5}["']?)[A-Za-z0-9/+=]{16,}/gi, `$1$2${MASK}`],
  // Slack tokens: bot, user, app-level, legacy
  [/\bxox[abprse]-[A-Za-z0-9-]{6,}/g, `xox-${MASK}`],
  [/\bxapp-[A-Za-z0-9-]{6,}/g, `xapp-${MASK}`],
  // Authorization: Bearer … / Basic …
  [/\b(Bearer|Basic)(\s{1,5})[A-Za-z0-9\-._~+/]{4,}=*/gi, `$1$2${MASK}`],
  // Authorization: <any other scheme> …: the whole value
  [/(authorization\\?["']?\s{0,5}[=:]\s{0,5}\\?["']?)(?!\s{0,5}(?:Bearer|Basic)\b)[^"'\\,;}\r\n]{1,500}/gi, `$1${MASK}`],
  // scheme://user:password@host: up to the last @ before the host (passwords may hold @ and /)
  [/([a-z][a-z0-9+.-]{0,20}:\/\/[^\s:@/]{0,100}:)[^\s]{1,200}@/gi, `$1${MASK}@`],
  // "password": "correct horse battery": a quoted value up to its closing quote, spaces and all
  [new RegExp(`${SECRET_KEY}${QUOTED_SEPARATOR}(?!\\[masked\\])[^"'\\\\\\r\\n]{1,500}`, 'gi'), `$1$2${MASK}`],
  // password=…, token: …, api_key=…, client_secret=…, SECRET_KEY=…
  [new RegExp(`${SECRET_KEY}${SEPARATOR}(?!\\[masked\\])[^\\s"'&,;}\\\\]{1,}`, 'gi'), `$1$2${MASK}`],
];

export function maskSecrets(line: string): string {
  let masked = line.replace(ANSI_ESCAPE, '');
  for (const [pattern, replacement] of RULES) masked = masked.replace(pattern, replacement);
  return masked;
}
