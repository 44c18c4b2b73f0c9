/**
 * The baseline for ack latency: a Bolt app with the same HTTPReceiver and signing secret as dockhand,
 * whose `/env` listener only acks. Started like bench/dockhand-process.ts (DOCKHAND_BENCH_CONFIG gives the
 * signing secret and the fake Slack API), prints `listening <port>`, answers `stats` and `gc` over IPC.
 */
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { startAllocations, stopAllocations } from './allocations.js';
import { collectGarbage, memoryStats, serveIpc } from './processes.js';

const config = JSON.parse(process.env.DOCKHAND_BENCH_CONFIG ?? '{}') as { signingSecret: string; slackApiUrl: string };
const receiver = new HTTPReceiver({ signingSecret: config.signingSecret, logLevel: LogLevel.ERROR });
const app = new App({ token: 'xoxb-bench', receiver, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: config.slackApiUrl }, deferInitialization: true });
app.command('/env', async ({ ack }) => {
  await ack();
});
await app.init();
const server = await receiver.start(0);
const address = server.address();

serveIpc({
  stats: () => memoryStats(),
  // As in dockhand-process.ts: bench/profile.ts cuts the profile's window with it.
  clock: () => Number(process.hrtime.bigint() / 1000n),
  gc: collectGarbage,
  allocStart: startAllocations,
  allocStop: stopAllocations,
  settle: () => true,
});

process.once('SIGTERM', () => {
  app.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
