import { UsageError, type Words } from '../../domain/command.js';
import type { Environment } from '../../domain/environments.js';
import { DEFAULT_LOG_WINDOW, isLogWindow, searchText, type LogQuery, type LogWindow } from '../../domain/logs/log-query.js';
import { ALERT_LOGS_ACTION } from '../blocks/alerts.js';
import { logsReply } from '../blocks/logs.js';
import type { CommandModule } from './command-module.js';
import { namedService } from './service.js';

interface LogsArgs extends LogQuery {
  environment: string;
  service: string;
}

/** `errors` and a window, in either order, then any text. */
function parseLogs(w: Words): LogsArgs {
  const environment = w.name('the environment’s name');
  const service = w.name('the service’s name');
  let errorsOnly = false;
  let window: LogWindow | null = null;
  for (let word = w.peek()?.toLowerCase(); word !== undefined; word = w.peek()?.toLowerCase()) {
    if (word === 'errors' && !errorsOnly) errorsOnly = true;
    else if (isLogWindow(word) && window === null) window = word;
    else if (/^\d+[smhd]$/.test(word) && window === null) throw new UsageError(`\`${word}\` is not a window for logs: use 15m, 1h or 6h`);
    else break;
    w.take();
  }
  return { environment, service, errorsOnly, window: window ?? DEFAULT_LOG_WINDOW, text: searchText(w.rest()) };
}

/** `/env logs <env> <service> [errors] [15m|1h|6h] [text]`: a service's recent CloudWatch lines, masked, newest last. */
export const logsCommand: CommandModule<LogsArgs> = {
  verb: 'logs',
  typed: {
    help: {
      verb: 'logs',
      usage: '/env logs <env> <service> [errors] [15m|1h|6h] [text]',
      summary: 'a service’s recent CloudWatch log lines (secrets masked), only errors or lines with a text if asked',
      example: '/env logs staging-2 worker errors 1h',
    },
    parse: parseLogs,
  },
  // **Logs** on a live alert: the service's error lines of the last hour, as the clicker.
  buttons: [{ actionId: ALERT_LOGS_ACTION, text: (value) => `logs ${value} errors 1h` }],
  // Logs can hold personal data: reading them is its own verb.
  permission: ({ environment }) => ({ verb: 'logs', environment }),
  async run(args, ctx, env: Environment) {
    const named = namedService(env, args.service);
    if ('refusal' in named) return named.refusal;
    const { service } = named;
    const query: LogQuery = { window: args.window, errorsOnly: args.errorsOnly, text: args.text };
    const answer = await ctx.logs.read(service, { ...query, max: ctx.maxLogLines }, ctx.subject.userId);
    const reply = logsReply({ environment: env.name, service: service.name, query, answer });
    const detail = answer.kind === 'lines' ? `${answer.lines.length} of ${answer.matched} lines` : answer.kind === 'unreadable' ? `unreadable: ${answer.code}` : answer.kind;
    return { reply, environment: env.name, outcome: answer.kind === 'unreadable' ? 'error' : 'ok', detail };
  },
};
