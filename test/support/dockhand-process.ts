/**
 * dockhand in a process of its own, for tests that kill it mid-operation: started with
 * `node --import tsx test/support/dockhand-process.ts`, configured by DOCKHAND_TEST_CONFIG (JSON), it prints
 * `listening <port>` once Slack requests can be sent.
 */
import { parsePolicy } from '../../src/config/load.js';
import { silentLogger } from '../../src/log.js';
import { startDockhand } from '../../src/main.js';

interface ProcessConfig {
  dbPath: string;
  sandboxUrl: string;
  slackApiUrl: string;
  signingSecret: string;
  policy: string;
}

const config = JSON.parse(process.env.DOCKHAND_TEST_CONFIG ?? '{}') as ProcessConfig;
const dockhand = await startDockhand({
  env: { DOCKHAND_DB: config.dbPath, PORT: 0, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: config.signingSecret, SLACK_API_URL: config.slackApiUrl },
  policy: parsePolicy(config.policy),
  logger: silentLogger,
  aws: { endpoint: config.sandboxUrl, credentials: { accessKeyId: 'AKIASANDBOXTEST', secretAccessKey: 'sandbox' } },
  slack: true,
  refreshEveryMs: null,
  housekeeping: false,
  visibility: false,
});
await dockhand.refresher.refresh('test');
process.stdout.write(`listening ${dockhand.port}\n`);
