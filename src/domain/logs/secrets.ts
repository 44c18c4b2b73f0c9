/**
 * Masks values in a log line that look like secrets before anyone sees it: AWS access keys and secret keys,
 * Slack tokens, bearer and basic credentials, passwords in URLs, and `password=`/`secret=`/`token=` values.
 * Every pattern is literal or a bounded run without nested quantifiers, so hostile lines cost linear time
 * (callers cut lines first: log-lines.ts). Masking is best effort; it errs on the side of hiding.
 */

export const MASK = '[masked]';

const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  // PEM private keys: hide the whole rest of the line
  [/-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----.*$/g, `-----BEGIN PRIVATE KEY----- ${MASK}`],
  // AWS access key ids (long-term AKIA, temporary ASIA)
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, `AKIA${MASK}`],
  // AWS secret keys after their usual names
  [/(aws_secret_access_key|secretAccessKey|aws_session_token|sessionToken)(["']?\s{0,5}[=:]\s{0,5}["']?)[A-Za-z0-9/+=]{16,}/gi, `$1$2${MASK}`],
  // Slack tokens: bot, user, app-level, legacy
  [/\bxox[abprse]-[A-Za-z0-9-]{6,}/g, `xox-${MASK}`],
  [/\bxapp-[A-Za-z0-9-]{6,}/g, `xapp-${MASK}`],
  // Authorization: Bearer … / Basic …
  [/\b(Bearer|Basic)(\s{1,5})[A-Za-z0-9\-._~+/]{4,}=*/gi, `$1$2${MASK}`],
  // scheme://user:password@host
  [/([a-z][a-z0-9+.-]{0,20}:\/\/[^\s:@/]{0,100}:)[^\s@/]{1,200}@/gi, `$1${MASK}@`],
  // password=…, "secret": "…", token: …, api_key=…, client_secret=…
  [/(passw(?:or)?d|pwd|secret|token|api[_-]?key|private[_-]?key|credentials?)(["']?\s{0,5}[=:]\s{0,5}["']?)(?!\[masked\])[^\s"'&,;}]{1,}/gi, `$1$2${MASK}`],
];

export function maskSecrets(line: string): string {
  let masked = line;
  for (const [pattern, replacement] of RULES) masked = masked.replace(pattern, replacement);
  return masked;
}
