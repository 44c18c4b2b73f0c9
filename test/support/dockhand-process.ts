/**
 * dockhand in a process of its own, for tests that kill it (SIGKILL mid-operation, two instances on one
 * database): started with `node --import tsx test/support/dockhand-process.ts`, configured by
 * DOCKHAND_TEST_CONFIG (JSON). It prints `listening <port>` once its HTTP port answers, and `active` once it
 * holds the instance lease and runs its jobs (at once when it is alone on its database). With `databaseUrl` it
 * runs on that Postgres database (DATABASE_URL) instead of the SQLite file at `dbPath`.
 */
import { parsePolicy } from '../../src/config/load.js';
import { jsonLogger, silentLogger } from '../../src/log.js';
import { startDockhand } from '../../src/main.js';

interface ProcessConfig {
  /** The SQLite file; unused when databaseUrl is set. */
  dbPath?: string;
  /** postgres://… : run on this Postgres database (DATABASE_URL) instead of SQLite. */
  databaseUrl?: string;
  sandboxUrl: string;
  slackApiUrl: string;
  signingSecret: string;
  policy: string;
  /** Periodic refresh (the first runs on taking the lease); without it the fleet is read once, here. */
  refreshEveryMs?: number;
  /** The scheduler's node-cron expression, e.g. every second. */
  schedulerTick?: string;
  /** Log JSON lines at this level to stderr (default: silent). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** The report jobs on their crons (CloudTrail and Cost Explorer ingest, digests); default off. */
  reportJobs?: boolean;
}

const config = JSON.parse(process.env.DOCKHAND_TEST_CONFIG ?? '{}') as ProcessConfig;
const dockhand = await startDockhand({
  env: { DOCKHAND_DB: config.dbPath ?? ':memory:', ...(config.databaseUrl ? { DATABASE_URL: config.databaseUrl } : {}), PORT: 0, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: config.signingSecret, SLACK_API_URL: config.slackApiUrl },
  policy: parsePolicy(config.policy),
  logger: config.logLevel ? jsonLogger(config.logLevel) : silentLogger,
  aws: { endpoint: config.sandboxUrl, credentials: { accessKeyId: 'AKIASANDBOXTEST', secretAccessKey: 'sandbox' } },
  slack: true,
  refreshEveryMs: config.refreshEveryMs ?? null,
  housekeeping: false,
  reportJobs: config.reportJobs ?? false,
  ...(config.schedulerTick ? { schedulerTick: config.schedulerTick } : {}),
});
if (config.refreshEveryMs === undefined && dockhand.lease.held) await dockhand.refresher.refresh('test');
process.stdout.write(`listening ${dockhand.port}\n`);
void dockhand.active.then(() => process.stdout.write('active\n'));
