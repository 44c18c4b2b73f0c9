import type { AwsClientOptions } from '../aws/clients.js';
import type { Env } from '../config/env.js';
import type { Policy } from '../config/policy.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../log.js';
import type { Outbound } from '../outbound.js';
import type { Sleep } from '../rate-limit.js';
import type { Directory } from '../slack/directory.js';

/** How startDockhand is asked to run: production sets env, policy, logger and slack; tests, the demo and the bench the rest. */
export interface DockhandOptions {
  env: Pick<Env, 'DOCKHAND_DB' | 'PORT'> &
    Partial<Pick<Env, 'DATABASE_URL' | 'DOCKHAND_DB_JOURNAL' | 'SLACK_BOT_TOKEN' | 'SLACK_SIGNING_SECRET' | 'SLACK_APP_TOKEN' | 'SLACK_API_URL' | 'SLACK_CONNECT_TIMEOUT_SECONDS'>>;
  policy: Policy;
  clock?: Clock;
  /** How in-process waits on that clock sleep (the App Home's redraw debounce); default real time. Tests release them by hand. */
  sleep?: Sleep;
  logger?: Logger;
  aws?: AwsClientOptions;
  /** Replaces Slack user-group lookups (the demo console has no Slack). */
  directory?: Directory;
  /** Replaces Slack for everything dockhand posts: progress, approvals, DMs, reports, digests (the demo console). */
  outbound?: Outbound;
  /** Connect to Slack; needs SLACK_BOT_TOKEN and a signing secret or app token. */
  slack?: boolean;
  /** Periodic inventory refresh; null lets tests and the console refresh by hand. */
  refreshEveryMs?: number | null;
  /** The every-minute housekeeping (approval expiry); off lets tests drive it. */
  housekeeping?: boolean;
  /** The every-minute schedule reconciler; off lets tests and simulations drive `scheduler.tick`. */
  scheduler?: boolean;
  /** The report jobs on their crons: CloudTrail and Cost Explorer ingest, and the digests; off lets tests drive them. */
  reportJobs?: boolean;
  /** Serve /health, /health/live, /health/ready and /metrics on PORT; default: when Slack is on. */
  http?: boolean;
  /** The scheduler's node-cron expression; default every minute (process tests tick every second). */
  schedulerTick?: string;
}
