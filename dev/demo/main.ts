import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadEnv, loadPolicy } from '../../src/config/load.js';
import { jsonLogger } from '../../src/log.js';
import { startDockhand } from '../../src/main.js';
import { startSandbox } from '../sandbox/index.js';
import { StaticDirectory } from '../../src/slack/directory.js';
import { decisionAnswerText } from '../../src/slack/blocks/approval.js';
import { consoleOutbound } from './console-outbound.js';
import { ConsolePrinter } from './console-prompt.js';
import { blocksToText } from './render-text.js';
import { DEMO_USERS, demoGroups, type DemoUser } from './users.js';

const POLICY = fileURLToPath(new URL('./dockhand.demo.yml', import.meta.url));

const CONSOLE_HELP = `Type a slash command as the current user, e.g. /env list, /env status staging-3, /env help.
  as <name>   switch user (${DEMO_USERS.map((u) => u.name).join(', ')})
  approve <n> / deny <n> [reason]   click Approve / Deny on approval request n, as the current user
  users       who is who
  quit        stop the demo (or Ctrl-D)`;

function withSlack(): boolean {
  return Boolean(process.env.SLACK_BOT_TOKEN && (process.env.SLACK_APP_TOKEN || process.env.SLACK_SIGNING_SECRET));
}

/**
 * `npm run demo`: the sandbox with its seeded fleet, dockhand against it, and a console that renders the
 * same replies Slack would get as text. With Slack tokens in the environment it also connects to Slack.
 */
async function main(): Promise<void> {
  const sandbox = await startSandbox({ convergeDelayMs: 5_000 });
  const slack = withSlack();
  const directory = new StaticDirectory(demoGroups());
  const printer = new ConsolePrinter(process.stdout);
  // A fresh database per run unless DOCKHAND_DB says otherwise: the demo starts from the seeded fleet.
  const database = process.env.DOCKHAND_DB || join(mkdtempSync(join(tmpdir(), 'dockhand-demo-')), 'dockhand.db');
  const dockhand = await startDockhand({
    env: slack ? loadEnv({ ...process.env, DOCKHAND_DB: database }) : { DOCKHAND_DB: database, PORT: 3000 },
    policy: loadPolicy(POLICY),
    logger: jsonLogger((process.env.LOG_LEVEL as 'debug' | 'info' | 'warn' | 'error' | undefined) ?? 'warn'),
    aws: { endpoint: sandbox.url, credentials: { accessKeyId: 'AKIASANDBOXDEMO', secretAccessKey: 'sandbox' } },
    directory,
    outbound: consoleOutbound((text) => printer.print(text)),
    slack,
    refreshEveryMs: 15_000,
  });
  // startDockhand began the first refresh; wait for it rather than asking for a second one.
  await dockhand.refresher.settled();
  const first = dockhand.fleet.lastRefresh();
  process.stdout.write(
    `dockhand demo: sandbox at ${sandbox.url}, ${first?.services ?? 0} services read in ${first?.awsCalls ?? 0} AWS calls.` +
      `${slack ? ` Connected to Slack (${dockhand.slack?.mode} mode).` : ''}\n${CONSOLE_HELP}\n`,
  );

  let user: DemoUser = DEMO_USERS[0] as DemoUser;
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: `${user.name}> ` });
  const stop = async () => {
    printer.detach();
    rl.close();
    await dockhand.stop();
    await sandbox.close();
  };
  printer.attach(rl);
  rl.prompt();
  for await (const raw of rl) {
    printer.detach();
    const line = raw.trim();
    if (line === 'quit' || line === 'exit') break;
    if (line === 'users') {
      process.stdout.write(`${DEMO_USERS.map((u) => `  ${u.name.padEnd(6)} ${u.userId.padEnd(8)} ${u.about}`).join('\n')}\n`);
    } else if (line.startsWith('as ')) {
      const next = DEMO_USERS.find((u) => u.name === line.slice(3).trim());
      if (next) user = next;
      process.stdout.write(next ? `now acting as ${next.name} (${next.about})\n` : `no demo user called ${line.slice(3).trim()}; try: users\n`);
      rl.setPrompt(`${user.name}> `);
    } else if (line.startsWith('/env')) {
      const reply = await dockhand.handle({ userId: user.userId, channelId: 'CDEMO', text: line.slice(4).trim() });
      if (reply) process.stdout.write(`${blocksToText(reply.blocks)}\n`);
    } else if (/^(approve|deny) \d+/.test(line)) {
      const [decision, id, ...reason] = line.split(/\s+/);
      const subject = { userId: user.userId, groupIds: await directory.groupsOf(user.userId) };
      process.stdout.write(`${decisionAnswerText(await dockhand.approvals.decide(Number(id), subject, decision as 'approve' | 'deny', reason.join(' ') || null))}\n`);
    } else if (line) {
      process.stdout.write(`${CONSOLE_HELP}\n`);
    }
    printer.attach(rl);
    rl.prompt();
  }
  await stop();
}

main().catch((error) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
