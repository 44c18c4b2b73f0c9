import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePolicy } from '../../src/config/load.js';
import type { Policy } from '../../src/config/policy.js';
import type { Clock } from '../../src/domain/clock.js';
import { silentLogger, type Logger } from '../../src/log.js';
import type { Sleep } from '../../src/rate-limit.js';
import { startDockhand, type Dockhand } from '../../src/main.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../dev/sandbox/index.js';
import { startFakeSlack, type FakeSlack } from './fake-slack.js';
import { startSocketModePeer, type SocketModePeer } from './socket-mode-peer.js';

export const SIGNING_SECRET = 'test-signing-secret';
export const SANDBOX_CREDENTIALS = { accessKeyId: 'AKIASANDBOXTEST', secretAccessKey: 'sandbox' };

/**
 * The policy most integration tests use: maria develops on dev/qa/staging, dev is a developer everywhere
 * (prod included, behind approvals), the platform group leads, admin has every verb.
 */
export const TEST_POLICY = `
accounts:
  - id: "111111111111"
    name: sandbox
    regions: [us-east-1, eu-west-1]
roles:
  viewer: [view]
  developer: [view, restart, start, stop, scale, extend]
  lead: [view, restart, start, stop, scale, extend, schedule, approve]
  admin: ["*"]
bindings:
  - subjects: [group:S0PLATFORM]
    role: lead
    environments: ["*"]
  - subjects: [user:U0MARIA]
    role: developer
    environments: ["dev-*", "qa-*", "staging-*"]
  - subjects: [user:U0DEV]
    role: developer
    environments: ["*"]
  - subjects: [user:U0ADMIN]
    role: admin
    environments: ["*"]
protect:
  - environments: ["prod", "prod-*"]
    approval: [restart, start, stop, scale]
approvals:
  channel: C0APPROVALS
  expire_minutes: 30
instance:
  lease_seconds: 3
  heartbeat_seconds: 1
`;

/** A daily digest of every environment to C0DIGEST, to append to a policy. */
export const DIGEST_POLICY = `
digests:
  - channel: C0DIGEST
    environments: ["*"]
    cron: "0 9 * * *"
    time_zone: Europe/Berlin
`;

export interface Harness {
  sandbox: Sandbox;
  slack: FakeSlack;
  /** Socket Mode only: the local WebSocket peer dockhand is connected to. */
  peer: SocketModePeer | null;
  dockhand: Dockhand;
  /** Where the database lives; another harness can be started on it to play a restarted bot. */
  dbPath: string;
  /** http://127.0.0.1:<port>/slack/events */
  eventsUrl: string;
  baseUrl: string;
  /** Stops dockhand only, keeping the sandbox, fake Slack and database for another harness. */
  stopDockhand(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  policy?: Policy;
  sandbox?: SandboxOptions;
  clock?: Clock;
  /** How waits on that clock sleep (the App Home's debounce): `ManualSleeps.sleep` lets the test release them. */
  sleep?: Sleep;
  /** Read the fleet before returning (default true). */
  refresh?: boolean;
  /** Reuse these instead of starting new ones (a "restarted" dockhand). */
  reuse?: { sandbox: Sandbox; slack: FakeSlack; dbPath: string; databaseUrl?: string };
  /** Postgres (DATABASE_URL) instead of the SQLite file at dbPath. */
  databaseUrl?: string;
  /** Socket Mode against a local WebSocket peer instead of HTTP mode. */
  socketMode?: boolean;
  /** The every-minute scheduler (default on); off lets a test drive `scheduler.tick` alone. */
  scheduler?: boolean;
  /** Where dockhand logs (default: nowhere). */
  logger?: Logger;
}

/** Sandbox + fake Slack + dockhand in HTTP mode on a random port, with a throwaway database. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = options.reuse ? null : mkdtempSync(join(tmpdir(), 'dockhand-test-'));
  const dbPath = options.reuse?.dbPath ?? join(dir as string, 'dockhand.db');
  const databaseUrl = options.reuse?.databaseUrl ?? options.databaseUrl;
  const sandbox = options.reuse?.sandbox ?? (await startSandbox({ convergeDelayMs: 0, ...options.sandbox }));
  const slack = options.reuse?.slack ?? (await startFakeSlack());
  const peer = options.socketMode ? await startSocketModePeer() : null;
  if (peer) slack.respond('apps.connections.open', () => ({ ok: true, url: peer.url }));
  const dockhand = await startDockhand({
    env: { DOCKHAND_DB: dbPath, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}), PORT: 0, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl, ...(peer ? { SLACK_APP_TOKEN: 'xapp-test' } : {}) },
    policy: options.policy ?? parsePolicy(TEST_POLICY),
    logger: options.logger ?? silentLogger,
    aws: { endpoint: sandbox.url, credentials: SANDBOX_CREDENTIALS },
    slack: true,
    refreshEveryMs: null,
    housekeeping: false,
    reportJobs: false,
    ...(options.scheduler === false ? { scheduler: false } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  if (options.refresh !== false) await dockhand.refresher.refresh('test');
  const baseUrl = `http://127.0.0.1:${dockhand.port}`;
  let stopped = false;
  const stopDockhand = async () => {
    if (stopped) return;
    stopped = true;
    // Stopping waits for operations being resumed, so none is cut off half-way.
    await dockhand.stop();
  };
  return {
    sandbox,
    slack,
    peer,
    dockhand,
    dbPath,
    baseUrl,
    eventsUrl: `${baseUrl}/slack/events`,
    stopDockhand,
    async close() {
      await stopDockhand();
      await peer?.close();
      if (options.reuse) return;
      await slack.close();
      await sandbox.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
