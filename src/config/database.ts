import { ConfigError } from './load.js';

/**
 * The environment that chooses and reaches Postgres. `DATABASE_URL` (postgres://user:pass@host:port/db) for
 * anyone; the Terraform module cannot compose a URL from a secret's JSON keys, so it sets `DOCKHAND_STORE=postgres`
 * with the PG* variables node-postgres knows (PGUSER and PGPASSWORD from the RDS secret, the rest plain).
 * `PGSSLMODE` is read by node-postgres itself, also with a URL.
 */
export const DATABASE_ENV_NAMES = ['DATABASE_URL', 'DOCKHAND_STORE', 'PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD', 'PGSSLMODE'] as const;

const SOURCE = 'the environment';
// A DNS name or an IPv4 address (RDS endpoints are DNS names), or an IPv6 address; linear, bounded.
const HOST = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})$/;
const IPV6 = /^[0-9A-Fa-f:.]{2,45}$/;
const PORT = /^[0-9]{1,5}$/;
// Names and passwords are bounded before they are encoded (Postgres names are at most 63 bytes).
const MAX_NAME = 128;
const MAX_PASSWORD = 1024;

/**
 * The Postgres connection string dockhand should use, or null for SQLite (the default). `DATABASE_URL` when
 * set; else, with `DOCKHAND_STORE=postgres`, one built from PGHOST, PGPORT (5432), PGDATABASE (node-postgres'
 * default: the user's name), PGUSER and PGPASSWORD, each part URL-encoded. Throws a ConfigError naming the
 * variables that are missing or wrong, never their values.
 */
export function postgresUrlFromEnv(env: Readonly<Record<string, string | undefined>>): string | null {
  const store = env.DOCKHAND_STORE;
  const url = env.DATABASE_URL;
  if (store !== undefined && store !== 'postgres' && store !== 'sqlite') {
    throw new ConfigError(SOURCE, ['DOCKHAND_STORE: expected postgres or sqlite']);
  }
  if (store === 'sqlite') {
    if (url) throw new ConfigError(SOURCE, ['DATABASE_URL is set but DOCKHAND_STORE=sqlite: unset one of them']);
    return null;
  }
  if (url) return url;
  if (store !== 'postgres') return null;

  const problems: string[] = [];
  const host = env.PGHOST ?? '';
  const port = env.PGPORT ?? '5432';
  const user = env.PGUSER ?? '';
  const password = env.PGPASSWORD ?? '';
  const database = env.PGDATABASE;
  if (!host) problems.push('DOCKHAND_STORE=postgres needs DATABASE_URL, or PGHOST with PGUSER and PGPASSWORD: PGHOST is missing');
  else if (!HOST.test(host) && !(host.includes(':') && IPV6.test(host))) problems.push('PGHOST: expected a host name or IP address');
  if (!PORT.test(port) || Number(port) < 1 || Number(port) > 65535) problems.push('PGPORT: expected a port, 1 to 65535');
  if (!user) problems.push('PGUSER is missing (the Terraform module reads it from the database secret’s username key)');
  else if (user.length > MAX_NAME) problems.push(`PGUSER: longer than ${MAX_NAME} characters`);
  if (!password) problems.push('PGPASSWORD is missing (the Terraform module reads it from the database secret’s password key)');
  else if (password.length > MAX_PASSWORD) problems.push(`PGPASSWORD: longer than ${MAX_PASSWORD} characters`);
  if (database !== undefined && (database.length === 0 || database.length > MAX_NAME)) problems.push(`PGDATABASE: expected 1 to ${MAX_NAME} characters`);
  if (problems.length > 0) throw new ConfigError(SOURCE, problems);

  const at = host.includes(':') ? `[${host}]` : host;
  return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${at}:${Number(port)}/${encodeURIComponent(database ?? user)}`;
}
