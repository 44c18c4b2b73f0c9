import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadEnv, loadPolicy } from '../../src/config/load.js';
import { errorMessage, jsonLogger } from '../../src/log.js';
import { startDockhand } from '../../src/main.js';
import { StaticDirectory } from '../../src/slack/directory.js';
import { runCli } from '../cli.js';
import { startSandbox } from '../sandbox/index.js';
import { DEMO_USAGE, demoArgs } from './args.js';
import { consoleOutbound } from './console-outbound.js';
import { ConsolePrinter } from './console-prompt.js';
import { backdateSamples, SEEDED_DAYS } from './seed.js';
import { CONSOLE_HELP, DemoSession } from './session.js';
import { demoGroups } from './users.js';

const POLICY = fileURLToPath(new URL('./dockhand.demo.yml', import.meta.url));

function withSlack(): boolean {
  return Boolean(process.env.SLACK_BOT_TOKEN && (process.env.SLACK_APP_TOKEN || process.env.SLACK_SIGNING_SECRET));
}

/**
 * `npm run demo`: the sandbox with its seeded fleet, dockhand against it, and a console that renders the
 * same replies Slack would get as text. With Slack tokens in the environment it also connects to Slack.
 */
async function main(): Promise<void> {
  const args = demoArgs();
  if (args.help) {
    process.stdout.write(`${DEMO_USAGE}\n`);
    return;
  }
  // Only DOCKHAND_DEMO_DB: a DOCKHAND_DB exported for the real bot must not receive demo data.
  const given = process.env.DOCKHAND_DEMO_DB || null;
  const dir = mkdtempSync(join(tmpdir(), 'dockhand-demo-'));
  const database = given ?? join(dir, 'dockhand.db');
  const fresh = !existsSync(database);
  try {
    await runDemo(database, dir, fresh);
  } finally {
    if (args.keep) process.stdout.write(`kept ${dir}${given ? ` (the database is ${given})` : ''}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

async function runDemo(database: string, dir: string, fresh: boolean): Promise<void> {
  const sandbox = await startSandbox({ convergeDelayMs: 5_000 });
  const slack = withSlack();
  const directory = new StaticDirectory(demoGroups());
  const printer = new ConsolePrinter(process.stdout);
  const dockhand = await startDockhand({
    env: slack ? loadEnv({ ...process.env, DOCKHAND_DB: database }) : { DOCKHAND_DB: database, PORT: 3000 },
    policy: loadPolicy(POLICY),
    logger: jsonLogger((process.env.LOG_LEVEL as 'debug' | 'info' | 'warn' | 'error' | undefined) ?? 'warn'),
    aws: { endpoint: sandbox.url, credentials: { accessKeyId: 'AKIASANDBOXDEMO', secretAccessKey: 'sandbox' } },
    directory,
    outbound: consoleOutbound((text) => printer.print(text), dir),
    slack,
    refreshEveryMs: 15_000,
  });
  // startDockhand began the first refresh; wait for it rather than asking for a second one.
  await dockhand.refresher.settled();
  const first = dockhand.fleet.lastRefresh();
  // A new database has no history: the first refresh's samples stand for the last two weeks, and CloudTrail is
  // read once now rather than at the ingest's first cron tick, so /env cost and /env who have something to show.
  const seeded = fresh ? backdateSamples(database, new Date()) : 0;
  const trail = await dockhand.auditIngest.runOnce().then(
    () => 'CloudTrail read',
    (error: unknown) => `CloudTrail could not be read: ${errorMessage(error)}`,
  );
  process.stdout.write(
    `dockhand demo: sandbox at ${sandbox.url}, ${first?.services ?? 0} services read in ${first?.awsCalls ?? 0} AWS calls.` +
      `${slack ? ` Connected to Slack (${dockhand.slack?.mode} mode).` : ''}\n` +
      `${seeded > 0 ? `Cost history: this fleet as it is now, backdated ${SEEDED_DAYS} days (${seeded} services). ` : ''}${trail}.\n${CONSOLE_HELP}\n`,
  );

  const session = new DemoSession(dockhand, directory);
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: session.prompt });
  // Ctrl-C leaves like quit, so the temporary directory is removed.
  rl.on('SIGINT', () => rl.close());
  printer.attach(rl);
  rl.prompt();
  try {
    for await (const raw of rl) {
      printer.detach();
      const answer = await session.line(raw);
      if (answer.quit) break;
      if (answer.output) process.stdout.write(`${answer.output}\n`);
      rl.setPrompt(session.prompt);
      printer.attach(rl);
      rl.prompt();
    }
  } finally {
    printer.detach();
    rl.close();
    await dockhand.stop();
    await sandbox.close();
  }
}

runCli('demo', main);
