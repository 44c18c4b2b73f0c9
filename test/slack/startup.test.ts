import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { envSchema } from '../../src/config/env.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';

const repo = resolve('.');
const dirs: string[] = [];
const slacks: FakeSlack[] = [];
afterAll(async () => {
  for (const slack of slacks) await slack.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A folder that looks like a checkout (package.json, src, node_modules linked in) with its own .env, if any. */
function checkout(dotEnv?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'dockhand-setup-'));
  dirs.push(dir);
  for (const name of ['package.json', 'src', 'node_modules', 'migrations']) symlinkSync(join(repo, name), join(dir, name));
  symlinkSync(join(repo, 'dockhand.example.yml'), join(dir, 'dockhand.yml'));
  if (dotEnv) copyFileSync(dotEnv, join(dir, '.env'));
  return dir;
}

/** Runs a command with only the variables given (no SLACK_* leaking in from the test's environment). */
function run(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(command, args, { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done) => child.on('exit', (code) => done({ code, stderr })));
}

const runMain = (cwd: string, env: Record<string, string>) => run(process.execPath, ['--import', 'tsx', 'src/main.ts'], cwd, env);

async function fakeSlack(): Promise<FakeSlack> {
  const slack = await startFakeSlack();
  slacks.push(slack);
  return slack;
}

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

describe('npm run dev and .env.example', () => {
  it('reads .env: the placeholders of .env.example are refused before Slack is asked', async () => {
    const slack = await fakeSlack();
    const dir = checkout(join(repo, '.env.example'));
    // Variables already in the environment win over .env (Node's rule): only the API URL and the database are set here.
    const { code, stderr } = await run('npm', ['run', '--silent', 'dev'], dir, { SLACK_API_URL: slack.apiUrl, DOCKHAND_DB: join(dir, 'data', 'db.sqlite') });
    expect(stderr).toContain('SLACK_BOT_TOKEN: got (hidden); is still the placeholder from .env.example');
    expect(stderr).toContain('SLACK_APP_TOKEN: got (hidden); is still the placeholder from .env.example');
    expect(code).toBe(1);
    expect(slack.callsTo('auth.test')).toHaveLength(0);
  });

  it('reads .env: a token from it reaches Slack, which rejects it by name', async () => {
    const slack = await fakeSlack();
    slack.respond('auth.test', { ok: false, error: 'invalid_auth' });
    const filled = join(mkdtempSync(join(tmpdir(), 'dockhand-env-')), '.env');
    dirs.push(dirname(filled));
    writeFileSync(filled, readFileSync(join(repo, '.env.example'), 'utf8').replace('xoxb-replace-me', 'xoxb-not-a-real-token').replace('xapp-replace-me', 'xapp-not-a-real-token'));
    const dir = checkout(filled);
    const { code, stderr } = await run('npm', ['run', '--silent', 'dev'], dir, { SLACK_API_URL: slack.apiUrl, DOCKHAND_DB: join(dir, 'data', 'db.sqlite') });
    expect(stderr).toContain('dockhand cannot start: SLACK_BOT_TOKEN rejected by Slack: invalid_auth;');
    expect(code).toBe(1);
    const tried = slack.callsTo('auth.test');
    expect(tried).toHaveLength(1);
    expect(tried[0]?.token).toBe('xoxb-not-a-real-token');
  });

  it('starts without a .env and says what is missing', async () => {
    const { code, stderr } = await run('npm', ['run', '--silent', 'dev'], checkout(), {});
    expect(stderr).toContain('SLACK_BOT_TOKEN: is required');
    // Node 20 notes the missing file itself; one process reads it, so at most once (tsx's own --env-file said it twice).
    expect(stderr.split('.env not found').length - 1).toBeLessThanOrEqual(1);
    expect(code).toBe(1);
  });

  it('is in the plain KEY=value format docker run --env-file reads, with keys dockhand knows', () => {
    const known = new Set(Object.keys(envSchema.shape));
    const lines = readFileSync('.env.example', 'utf8').split('\n');
    const settings = lines.filter((line) => line.trim() !== '' && !line.startsWith('#'));
    expect(settings.length).toBeGreaterThan(2);
    for (const line of settings) {
      expect(line, 'KEY=value with no quotes, spaces or export').toMatch(/^[A-Z][A-Z0-9_]*=[^\s"'#]+$/);
      expect(known.has(line.split('=')[0] ?? ''), `${line}: not a variable dockhand reads`).toBe(true);
    }
    // The image sets DOCKHAND_DB=/data/dockhand.db; an active line here would move the database off the volume.
    expect(settings.some((line) => line.startsWith('DOCKHAND_DB='))).toBe(false);
    for (const line of lines.filter((l) => /^# [A-Z][A-Z0-9_]*=/.test(l))) expect(known.has(line.slice(2).split('=')[0] ?? '') || line.startsWith('# AWS_'), line).toBe(true);
  });
});

describe('start-up against Slack', () => {
  const base = { SLACK_SIGNING_SECRET: 'secret', PORT: '0' };

  it('names the app-level token when apps.connections.open rejects it (Socket Mode)', async () => {
    const slack = await fakeSlack();
    slack.respond('apps.connections.open', { ok: false, error: 'invalid_auth' });
    const dir = checkout();
    const { code, stderr } = await runMain(dir, { SLACK_BOT_TOKEN: 'xoxb-good', SLACK_APP_TOKEN: 'xapp-bad', SLACK_API_URL: slack.apiUrl, PORT: '0', DOCKHAND_DB: join(dir, 'db.sqlite') });
    expect(stderr).toContain('dockhand cannot start: SLACK_APP_TOKEN rejected by Slack: invalid_auth;');
    expect(code).toBe(1);
    expect(slack.callsTo('auth.test').map((c) => c.token)).toContain('xoxb-good');
    expect(slack.callsTo('apps.connections.open')[0]?.token).toBe('xapp-bad');
  });

  it('says why the database cannot be reached, not only which query failed (a Postgres that refuses the connection)', async () => {
    const port = await closedPort();
    const dir = checkout();
    const { code, stderr } = await runMain(dir, { ...base, SLACK_BOT_TOKEN: 'xoxb-any', DATABASE_URL: `postgres://dockhand:secret@127.0.0.1:${port}/dockhand` });
    expect(stderr).toMatch(/dockhand failed to start: could not open the Postgres database DATABASE_URL=postgres:\/\/dockhand:\*+@127\.0\.0\.1:\d+\/dockhand: .*ECONNREFUSED/);
    expect(stderr).not.toContain('secret');
    expect(code).toBe(1);
  });

  it('names DOCKHAND_DB when the SQLite file cannot be made there', async () => {
    const dir = checkout();
    const { code, stderr } = await runMain(dir, { ...base, SLACK_BOT_TOKEN: 'xoxb-any', DOCKHAND_DB: '/etc/passwd/x.db' });
    expect(stderr).toMatch(/dockhand failed to start: could not open the SQLite database DOCKHAND_DB=\/etc\/passwd\/x\.db: .*(EEXIST|ENOTDIR)/);
    expect(code).toBe(1);
  });

  it('names the URL it tried when Slack is unreachable, and gives up after SLACK_CONNECT_TIMEOUT_SECONDS', async () => {
    const port = await closedPort();
    const dir = checkout();
    const apiUrl = `http://127.0.0.1:${port}/api/`;
    const { code, stderr } = await runMain(dir, { ...base, SLACK_BOT_TOKEN: 'xoxb-any', SLACK_API_URL: apiUrl, SLACK_CONNECT_TIMEOUT_SECONDS: '1', DOCKHAND_DB: join(dir, 'db.sqlite') });
    expect(stderr).toMatch(new RegExp(`dockhand cannot start: cannot reach Slack at ${apiUrl.replace(/\./g, '\\.')}auth\\.test \\(ECONNREFUSED\\); gave up after \\d+ attempts? over \\d+ s`));
    expect(stderr).toContain('SLACK_CONNECT_TIMEOUT_SECONDS');
    expect(code).toBe(1);
  });
});
