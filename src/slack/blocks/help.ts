import { COMMAND_HELP, type CommandHelp } from '../../domain/command.js';
import { context, section, type Reply } from './common.js';

export function helpReply(intro?: string): Reply {
  const lines = COMMAND_HELP.map((entry) => `\`${entry.usage}\` — ${entry.summary}`);
  const blocks = [
    ...(intro ? [section(`:warning: ${intro}`)] : []),
    section(`*dockhand* operates your ECS environments from Slack.\n${lines.join('\n')}`),
    context('What you can see and do depends on the roles bound to you in dockhand.yml. Example: `/env status staging-3`'),
  ];
  return { text: `${intro ? `${intro} ` : ''}dockhand commands: ${COMMAND_HELP.map((e) => e.usage).join(', ')}`, blocks };
}

export function usageReply(problem: string, usage: CommandHelp): Reply {
  return {
    text: `${problem}. Usage: ${usage.usage}`,
    blocks: [section(`:warning: ${problem}.`), section(`Usage: \`${usage.usage}\` — ${usage.summary}\nExample: \`${usage.example}\``)],
  };
}
