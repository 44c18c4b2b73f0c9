import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { Account } from '../../config/policy.js';
import type { ServiceSnapshot, TaskDefinitionInfo } from '../../domain/inventory.js';
import { cutLine, selectLines, type LogEvent, type ShownLine } from '../../domain/logs/log-lines.js';
import { filterPatternOf, LOG_WINDOW_MS, type LogQuery, type LogWindow } from '../../domain/logs/log-query.js';
import { logSourceOf, type LogSource } from '../../domain/logs/log-source.js';
import type { Clock } from '../../domain/clock.js';
import { withDeadline } from '../call-scope.js';
import type { Actor, AwsClients } from '../clients.js';
import { describeTaskDefinition } from '../ecs/inventory.js';
import { explainAwsError } from '../errors.js';
import { parseAws } from '../ecs/schema.js';
import { filterLogEventsSchema } from './schema.js';

/** Events asked for per FilterLogEvents page: a page's lines are cut to MAX_LINE_LENGTH as they arrive. */
export const LOG_EVENTS_PER_PAGE = 500;
/** Task definitions described here for their logging (the store keeps only sizes); ARNs are immutable. */
const DESCRIBED_KEPT = 500;

export interface LogReaderOptions {
  aws: AwsClients;
  accounts: readonly Account[];
  clock: Clock;
  /** The whole read (describe, every page, every retry). */
  deadlineMs: number;
  /** Pages read at most; past them, the reply says the window was not read to its end. */
  maxPages: number;
}

/** What reading a service's logs found, as plain data for the reply. */
export type LogAnswer =
  | { kind: 'no-task-definition' }
  | { kind: 'elsewhere'; drivers: string[] }
  | { kind: 'none' }
  /** CloudWatch (or ECS) could not be read: denied, throttled, timed out. Never "no lines". */
  | { kind: 'unreadable'; source: Extract<LogSource, { kind: 'cloudwatch' }> | null; code: string; message: string }
  | {
      kind: 'lines';
      source: Extract<LogSource, { kind: 'cloudwatch' }>;
      lines: ShownLine[];
      /** Lines that matched (all, or the errors) among those read. */
      matched: number;
      /** Events read, before `errors`. */
      read: number;
      /** True when the page limit stopped the read before the window's end: newer lines may exist. */
      truncated: boolean;
      from: Date;
      to: Date;
    };

/**
 * Reads a service's CloudWatch logs for `/env logs` (and `recentErrorLines` for whoever wants a few error lines):
 * the awslogs group and stream prefix from its task definition (described now when the store does not know its
 * logging), then FilterLogEvents page by page within the window, as the asker, under one deadline.
 */
export class LogReader {
  private readonly described = new Map<string, TaskDefinitionInfo>();

  constructor(private readonly options: LogReaderOptions) {}

  /** `deadlineMs`: a shorter deadline than the reader's, for a caller that must answer sooner (`/env why`). */
  async read(service: ServiceSnapshot, query: LogQuery & { max: number }, actor: Actor, deadlineMs = this.options.deadlineMs): Promise<LogAnswer> {
    const account = this.options.accounts.find((a) => a.id === service.account);
    if (!account || !service.taskDefinitionArn) return { kind: 'no-task-definition' };
    const what = `reading the logs of ${service.name}`;
    let source: Extract<LogSource, { kind: 'cloudwatch' }> | null = null;
    try {
      return await withDeadline(deadlineMs, what, async () => {
        const definition = await this.taskDefinition(service, account, actor);
        const found = logSourceOf(definition.logging ?? []);
        if (found.kind !== 'cloudwatch') return found;
        source = found;
        const to = this.options.clock.now();
        const from = new Date(to.getTime() - LOG_WINDOW_MS[query.window]);
        const client = await this.options.aws.logs(account, found.region ?? service.region, actor);
        const { events, truncated } = await this.events(client, found, { from, to, filterPattern: filterPatternOf(query.text) });
        const selection = selectLines(events, { errorsOnly: query.errorsOnly, max: query.max });
        return { kind: 'lines', source: found, ...selection, read: events.length, truncated, from, to };
      });
    } catch (error) {
      const explained = explainAwsError(error, source ? 'logs:FilterLogEvents' : 'ecs:DescribeTaskDefinition');
      return { kind: 'unreadable', source, code: explained.code, message: explained.message };
    }
  }

  /** A few error lines of a service's recent logs (for `/env why` and alerts), or why there are none to show. */
  async recentErrorLines(service: ServiceSnapshot, window: LogWindow, max: number, actor: Actor = null, deadlineMs?: number): Promise<LogAnswer> {
    return this.read(service, { window, errorsOnly: true, text: null, max }, actor, deadlineMs);
  }

  private async taskDefinition(service: ServiceSnapshot, account: Account, actor: Actor): Promise<TaskDefinitionInfo> {
    if (service.taskDefinition?.logging) return service.taskDefinition;
    const arn = service.taskDefinitionArn as string;
    const known = this.described.get(arn);
    if (known) return known;
    const described = await describeTaskDefinition(this.options.aws.ecs(account, service.region, actor), arn);
    if (this.described.size >= DESCRIBED_KEPT) this.described.delete(this.described.keys().next().value as string);
    this.described.set(arn, described);
    return described;
  }

  private async events(client: CloudWatchLogsClient, source: Extract<LogSource, { kind: 'cloudwatch' }>, window: { from: Date; to: Date; filterPattern: string | undefined }): Promise<{ events: LogEvent[]; truncated: boolean }> {
    const events: LogEvent[] = [];
    let nextToken: string | undefined;
    const { FilterLogEventsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
    for (let page = 0; page < this.options.maxPages; page++) {
      const raw = await client.send(
        new FilterLogEventsCommand({
          logGroupName: source.group,
          ...(source.streamPrefix ? { logStreamNamePrefix: source.streamPrefix } : {}),
          startTime: window.from.getTime(),
          endTime: window.to.getTime(),
          ...(window.filterPattern ? { filterPattern: window.filterPattern } : {}),
          limit: LOG_EVENTS_PER_PAGE,
          ...(nextToken ? { nextToken } : {}),
        }),
      );
      const answer = parseAws(filterLogEventsSchema, raw, 'FilterLogEvents');
      for (const event of answer.events) {
        if (event.message === undefined) continue;
        events.push({ timestamp: event.timestamp ?? 0, message: cutLine(event.message), stream: event.logStreamName ?? '' });
      }
      nextToken = answer.nextToken;
      if (!nextToken) return { events, truncated: false };
    }
    return { events, truncated: true };
  }
}
