/**
 * dockhand in HTTP mode in a process of its own, for the benchmark: `node --import tsx bench/dockhand-process.ts`,
 * configured by DOCKHAND_BENCH_CONFIG (JSON, see BenchDockhandConfig). It prints `listening <port>` once Slack
 * requests can be sent, and answers IPC requests (bench/processes.ts): `stats` (RSS, heap, AWS calls),
 * `gc`, `settle` (waits for inventory refreshes in flight, e.g. the one after an operation).
 *
 * Like production except: no periodic inventory refresh and no housekeeping timer (the benchmark triggers
 * refreshes with `/env refresh`, so their AWS calls can be attributed), and a silent logger.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parsePolicy } from '../src/config/load.js';
import { silentLogger } from '../src/log.js';
import { startDockhand } from '../src/main.js';
import { startAllocations, stopAllocations } from './allocations.js';
import { collectGarbage, memoryStats, serveIpc } from './processes.js';

export interface BenchDockhandConfig {
  dbPath: string;
  sandboxUrl: string;
  slackApiUrl: string;
  signingSecret: string;
  /** The policy file's text (YAML). */
  policy: string;
  accessKeyId: string;
}

const config = JSON.parse(process.env.DOCKHAND_BENCH_CONFIG ?? '{}') as BenchDockhandConfig;
const dockhand = await startDockhand({
  env: { DOCKHAND_DB: config.dbPath, PORT: 0, SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: config.signingSecret, SLACK_API_URL: config.slackApiUrl },
  policy: parsePolicy(config.policy),
  logger: silentLogger,
  aws: { endpoint: config.sandboxUrl, credentials: { accessKeyId: config.accessKeyId, secretAccessKey: 'bench' } },
  slack: true,
  refreshEveryMs: null,
  housekeeping: false,
  reportJobs: false,
});

serveIpc({
  stats: () => memoryStats({ awsCalls: dockhand.aws.counter.total() }),
  // The monotonic clock in µs, as V8's CPU profile stamps its samples: bench/profile.ts cuts a window with it.
  clock: () => Number(process.hrtime.bigint() / 1000n),
  gc: collectGarbage,
  allocStart: startAllocations,
  allocStop: stopAllocations,
  settle: async () => {
    // An operation starts its follow-up refresh right after its last Slack update; give it a moment to begin.
    await sleep(100);
    await dockhand.resumed;
    await dockhand.refresher.settled();
    return true;
  },
});

process.once('SIGTERM', () => {
  dockhand.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
process.stdout.write(`listening ${dockhand.port}\n`);
