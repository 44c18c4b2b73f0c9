import { errorMessage } from '../../log.js';
import { problemReply, section } from '../blocks/common.js';
import type { CommandContext, CommandOutcome } from './context.js';
import { escapeMrkdwn } from '../blocks/format.js';

export async function refreshCommand(ctx: CommandContext): Promise<CommandOutcome> {
  try {
    const record = await ctx.refresh(`slack:${ctx.subject.userId}`);
    const failed = record.errors.length > 0 ? `\n:warning: ${record.errors.map(escapeMrkdwn).join('\n:warning: ')}` : '';
    const text = `Read ${record.services} services from AWS in ${record.awsCalls} calls.${failed}`;
    return { reply: { text, blocks: [section(`:arrows_counterclockwise: ${text}`)] }, outcome: record.errors.length > 0 ? 'error' : 'ok', detail: text };
  } catch (error) {
    return {
      reply: problemReply(`The refresh failed: ${escapeMrkdwn(errorMessage(error))}`, 'The last stored snapshot is still shown by `/env list`.'),
      outcome: 'error',
      detail: errorMessage(error),
    };
  }
}
