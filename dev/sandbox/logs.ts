import { z } from 'zod';
import { SandboxError } from './errors.js';
import { decodeToken, encodeToken, operation, type Call, type ServiceApi } from './protocol.js';
import type { RegionState } from './state.js';

const INVALID = 'InvalidParameterException';
const MINUTE_MS = 60_000;
/** Events per FilterLogEvents page at most, whatever `limit` asks: small, so that pagination is exercised. */
export const LOGS_PAGE_SIZE = 20;

export interface LogEventState {
  logStreamName: string;
  timestamp: number;
  message: string;
  ingestionTime: number;
  eventId: string;
}

/** The log group awslogs task definitions of a family write to, and the stream prefix. */
export function logGroupOf(family: string): string {
  return `/ecs/${family}`;
}
export const STREAM_PREFIX = 'ecs';

/**
 * Seeded lines of one service, relative to when its group is first read: info lines for everyone; workers and
 * degraded services also fail, with stack traces and secrets in their lines; and errors older than 6 hours.
 */
function seededLines(family: string, failing: boolean): { minutesAgo: number; message: string }[] {
  const lines: { minutesAgo: number; message: string }[] = [
    { minutesAgo: 600, message: `ERROR ${family}: an error from long ago, outside every window` },
    { minutesAgo: 55, message: `INFO starting ${family}, connecting to postgres://app:hunter2-db-pass@db.internal:5432/app` },
    { minutesAgo: 54, message: '{"level":"info","msg":"listening","port":8080}' },
  ];
  for (let minute = 50; minute >= 2; minute -= 2) lines.push({ minutesAgo: minute, message: `{"level":"info","msg":"request served","path":"/health","ms":${minute % 7}}` });
  if (failing) {
    lines.push(
      { minutesAgo: 40, message: '{"level":"error","msg":"job failed","job":"reindex-17","token":"tok_live_51HxQ2eZvKYlo2C"}' },
      { minutesAgo: 30, message: 'ERROR could not reach S3 with AKIAIOSFODNN7EXAMPLE aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      { minutesAgo: 20, message: 'java.lang.IllegalStateException: queue closed' },
      { minutesAgo: 20, message: '    at com.example.worker.Queue.take(Queue.java:42)' },
      { minutesAgo: 10, message: 'FATAL posting to Slack failed: xoxb-123456789012-abcdefABCDEF with Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig' },
      { minutesAgo: 5, message: 'panic: runtime error: invalid memory address or nil pointer dereference' },
    );
  }
  return lines;
}

/** The log groups of one account and region: created for awslogs task definitions, their lines seeded on first read. */
export class LogGroups {
  private readonly seeds = new Map<string, { family: string; failing: boolean }>();
  private readonly groups = new Map<string, LogEventState[]>();
  private nextId = 1;

  /** Declares a group written by a service; its seeded lines appear when it is first read. */
  declare(group: string, seed: { family: string; failing: boolean }): void {
    if (!this.seeds.has(group)) this.seeds.set(group, seed);
    else if (seed.failing) this.seeds.set(group, seed);
  }

  has(group: string): boolean {
    return this.groups.has(group) || this.seeds.has(group);
  }

  /** A group's events in time order, seeding it at `now` on first use. */
  events(group: string, now: number): LogEventState[] {
    let events = this.groups.get(group);
    if (!events) {
      const seed = this.seeds.get(group);
      if (!seed) throw new SandboxError('ResourceNotFoundException', 'The specified log group does not exist.');
      events = seededLines(seed.family, seed.failing).map((line, index) => this.event(`${STREAM_PREFIX}/app/task${index % 3}`, now - line.minutesAgo * MINUTE_MS, line.message, now));
      this.groups.set(group, events);
    }
    return events;
  }

  /** Lines a test writes (a group that does not exist yet is created). */
  append(group: string, stream: string, lines: readonly { timestamp: number; message: string }[], now: number): void {
    const events = this.has(group) ? this.events(group, now) : [];
    for (const line of lines) events.push(this.event(stream, line.timestamp, line.message, now));
    events.sort((a, b) => a.timestamp - b.timestamp);
    this.groups.set(group, events);
  }

  private event(stream: string, timestamp: number, message: string, now: number): LogEventState {
    return { logStreamName: stream, timestamp, message, ingestionTime: Math.max(timestamp, now), eventId: String(this.nextId++).padStart(20, '0') };
  }
}

/**
 * The subset of CloudWatch's filter pattern syntax the sandbox understands: space-separated terms, each a bare
 * word or a "quoted phrase", all of which must occur (case-sensitive). `?term` (or), `-term` (not), JSON
 * (`{ $.… }`) and space-delimited (`[ … ]`) patterns are refused, so a test cannot pass by accident.
 */
export function filterTerms(pattern: string): string[] {
  const terms: string[] = [];
  const text = pattern.trim();
  for (let i = 0; i < text.length; ) {
    const char = text[i]!;
    if (char === ' ') {
      i++;
      continue;
    }
    if (char === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw new SandboxError(INVALID, 'Invalid filter pattern: unterminated quote.');
      terms.push(text.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    if ('?-{[%'.includes(char)) throw new SandboxError(INVALID, `The sandbox supports only plain terms and "quoted phrases" in filter patterns, not ${char}.`);
    const end = text.indexOf(' ', i);
    terms.push(text.slice(i, end < 0 ? text.length : end));
    i = end < 0 ? text.length : end;
  }
  return terms;
}

const filterLogEventsInput = z
  .object({
    logGroupName: z.string().min(1).max(512).optional(),
    logGroupIdentifier: z.string().min(1).max(2048).optional(),
    logStreamNames: z.array(z.string()).max(100).optional(),
    logStreamNamePrefix: z.string().min(1).max(512).optional(),
    startTime: z.number().int().min(0).optional(),
    endTime: z.number().int().min(0).optional(),
    filterPattern: z.string().max(1024).optional(),
    nextToken: z.string().min(1).optional(),
    limit: z.number().int().min(1).max(10_000).optional(),
    interleaved: z.boolean().optional(),
    unmask: z.boolean().optional(),
  })
  .refine((p) => (p.logGroupName === undefined) !== (p.logGroupIdentifier === undefined), { message: 'give exactly one of logGroupName and logGroupIdentifier' })
  .refine((p) => p.logStreamNames === undefined || p.logStreamNamePrefix === undefined, { message: 'logStreamNames and logStreamNamePrefix cannot both be given' });

const filterLogEvents = operation(filterLogEventsInput, (params, call: Call) => {
  const state: RegionState = call.world.region(call.account, call.region);
  const group = (params.logGroupName ?? params.logGroupIdentifier) as string;
  const terms = params.filterPattern ? filterTerms(params.filterPattern) : [];
  const matching = state.logs.events(group, call.now.getTime()).filter(
    (event) =>
      (params.startTime === undefined || event.timestamp >= params.startTime) &&
      (params.endTime === undefined || event.timestamp <= params.endTime) &&
      (params.logStreamNamePrefix === undefined || event.logStreamName.startsWith(params.logStreamNamePrefix)) &&
      (params.logStreamNames === undefined || params.logStreamNames.includes(event.logStreamName)) &&
      terms.every((term) => event.message.includes(term)),
  );
  const start = params.nextToken === undefined ? 0 : (decodeToken(params.nextToken, INVALID).offset ?? -1);
  if (!Number.isInteger(start) || start < 0) throw new SandboxError(INVALID, 'The specified nextToken is invalid.');
  const end = start + Math.min(params.limit ?? 10_000, LOGS_PAGE_SIZE);
  const page = matching.slice(start, end);
  return { events: page, searchedLogStreams: [], ...(end < matching.length ? { nextToken: encodeToken({ offset: end }) } : {}) };
});

export const logsApi: ServiceApi = {
  service: 'logs',
  eventSource: 'logs.amazonaws.com',
  validationErrorCode: INVALID,
  operations: { FilterLogEvents: filterLogEvents },
};
