import { COMMAND_HELP, type CommandHelp } from '../../domain/command.js';
import { context, section, type Reply } from './common.js';
import { escapeMrkdwn } from './format.js';

/** `intro` and `problem` may quote what was typed (cut short by the parser): escaped here. */
export function helpReply(intro?: string): Reply {
  if (intro) intro = escapeMrkdwn(intro);
  const lines = COMMAND_HELP.map((entry) => `\`${entry.usage}\` — ${entry.summary}`);
  const blocks = [
    ...(intro ? [section(`:warning: ${intro}`)] : []),
    section(`*dockhand* operates your ECS environments from Slack.\n${lines.join('\n')}`),
    context('What you can see and do depends on the roles bound to you in dockhand.yml. Example: `/env status staging-3`'),
  ];
  return { text: `${intro ? `${intro} ` : ''}dockhand commands: ${COMMAND_HELP.map((e) => e.usage).join(', ')}`, blocks };
}

export function usageReply(typedProblem: string, usage: CommandHelp): Reply {
  const problem = escapeMrkdwn(typedProblem);
  return {
    text: `${problem}. Usage: ${usage.usage}`,
    blocks: [section(`:warning: ${problem}.`), section(`Usage: \`${usage.usage}\` — ${usage.summary}\nExample: \`${usage.example}\``)],
  };
}
