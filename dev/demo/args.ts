import { parseCliArgs } from '../cli.js';

export const DEMO_USAGE = `npm run demo [-- --keep]

Starts the AWS sandbox with its seeded fleet, dockhand against it, and a console in which you type slash
commands as one of four demo users (type users). Each run uses a fresh database in a temporary directory,
deleted on quit; the cost history is the demo fleet as it is now, backdated two weeks, and CloudTrail is read
once at start.
  --keep       keep the temporary directory (database, charts) after quit, and print where it is
  -h, --help   this text
Environment: DOCKHAND_DEMO_DB=<path> uses (and keeps) that database instead; DOCKHAND_DB is ignored, so the
real bot's database is never touched. With SLACK_BOT_TOKEN and SLACK_APP_TOKEN (or SLACK_SIGNING_SECRET) set,
the demo also connects to Slack.`;

export interface DemoArgs {
  help: boolean;
  keep: boolean;
}

export function demoArgs(args: string[] = process.argv.slice(2)): DemoArgs {
  const { values } = parseCliArgs({ args, options: { keep: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
  return { help: values.help, keep: values.keep };
}
