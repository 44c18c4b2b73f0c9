import type { LogAnswer } from '../../aws/logs/reader.js';
import type { ShownLine } from '../../domain/logs/log-lines.js';
import type { LogQuery } from '../../domain/logs/log-query.js';
import { capBlocks, context, linesToSections, MAX_SECTION_TEXT, problemReply, section, type KnownBlock, type Reply } from './common.js';
import { code, escapeMrkdwn, plural } from './format.js';

/** The most of one line a reply shows (the reader keeps up to 1,000 characters). */
const SHOWN_LINE_LENGTH = 500;
const FENCE = '```';

export interface LogsReplyInput {
  environment: string;
  service: string;
  query: LogQuery;
  answer: LogAnswer;
}

function whatWasAsked({ query }: LogsReplyInput): string {
  const text = query.text ? ` containing ${code(query.text)}` : '';
  return `${query.errorsOnly ? 'error lines' : 'lines'}${text} of the last ${query.window}`;
}

/** Lines as code blocks, each within Slack's 3,000 characters a section; outside text escaped (a backtick cannot end the block). */
function codeSections(lines: readonly ShownLine[]): KnownBlock[] {
  const shown = lines.map((line) => `${new Date(line.timestamp).toISOString().slice(11, 19)} ${escapeMrkdwn(line.text.length > SHOWN_LINE_LENGTH ? `${line.text.slice(0, SHOWN_LINE_LENGTH)}…` : line.text)}`);
  return linesToSections(shown, MAX_SECTION_TEXT - 2 * (FENCE.length + 1)).map((block) => {
    const text = block.type === 'section' ? (block.text?.text ?? '') : '';
    return section(`${FENCE}\n${text}\n${FENCE}`);
  });
}

/** `/env logs`: the lines (newest last) with how many of how many, or why there are none, or why they could not be read. */
export function logsReply(input: LogsReplyInput): Reply {
  const { answer } = input;
  const service = code(input.service);
  const where = `${service} in ${code(input.environment)}`;
  switch (answer.kind) {
    case 'no-task-definition':
      return problemReply(`dockhand does not know the task definition of ${where} yet.`, 'Try again after the next inventory refresh (`/env refresh`).');
    case 'elsewhere': {
      const drivers = answer.drivers.map(code).join(', ');
      const text = `${service}'s logs go to ${drivers}, not CloudWatch: dockhand reads only the \`awslogs\` driver. Look for them where that driver sends them.`;
      return { text, blocks: [section(`:information_source: ${text}`)] };
    }
    case 'none': {
      const text = `${service}'s task definition has no \`logConfiguration\`: its output is not sent anywhere dockhand can read.`;
      return { text, blocks: [section(`:information_source: ${text}`), context('Add the `awslogs` log driver to its container definitions to read its logs here.')] };
    }
    case 'unreadable':
      return problemReply(
        `Could not read the logs of ${where}: ${escapeMrkdwn(answer.message)}`,
        `Nothing was read, so this says nothing about whether there are ${whatWasAsked(input)}.${answer.source ? ` Log group ${code(answer.source.group)}.` : ''}`,
      );
    case 'lines': {
      const source = `log group ${code(answer.source.group)}${answer.source.streamPrefix ? `, streams ${code(`${answer.source.streamPrefix}*`)}` : ''}`;
      const count = answer.matched === 0 ? `No ${whatWasAsked(input)}` : `${answer.lines.length} of ${plural(answer.matched, 'matching line')}, newest last: ${whatWasAsked(input)}`;
      const summary = `${count} (${plural(answer.read, 'line')} read from ${source}; times UTC).`;
      const truncated = answer.truncated
        ? [context(':warning: Only the first pages of the window were read: newer lines may be missing. Shorten the window or add a text to search for.')]
        : [];
      const text = `Logs of ${escapeMrkdwn(input.service)} in ${escapeMrkdwn(input.environment)}: ${answer.lines.length} of ${answer.matched} matching lines, last ${input.query.window}`;
      return {
        text,
        blocks: capBlocks([section(`:page_facing_up: *Logs of* ${where}`), context(summary), ...truncated, ...codeSections(answer.lines)], 'Ask for fewer lines or a shorter window.'),
      };
    }
  }
}
