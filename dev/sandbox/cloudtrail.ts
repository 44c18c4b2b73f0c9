import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { SandboxError } from './errors.js';
import { cloudTrailUserIdentity, usernameOf, type SandboxIdentity } from './identity.js';
import { decodeToken, encodeToken, epochSeconds, operation, type AuditResource, type ServiceApi } from './protocol.js';

/** What one CloudTrail record says; the sandbox writes one per mutating call it serves. */
export interface TrailRecord {
  eventName: string;
  eventSource: string;
  eventTime: number;
  identity: SandboxIdentity;
  accessKeyId?: string;
  userAgent: string;
  sourceIPAddress: string;
  awsRegion: string;
  recipientAccountId: string;
  requestParameters: unknown;
  responseElements: unknown;
  errorCode?: string;
  errorMessage?: string;
  resources: AuditResource[];
  readOnly: boolean;
  eventType?: string;
  eventId?: string;
  requestId?: string;
}

interface StoredEvent {
  /** Orders events with the same time: later writes sort as newer. */
  seq: number;
  time: number;
  eventId: string;
  eventName: string;
  eventSource: string;
  username: string;
  accessKeyId?: string;
  readOnly: boolean;
  resources: AuditResource[];
  /** The `CloudTrailEvent` string, built once at write time. */
  json: string;
}

const LOOKUP_KEYS = ['EventId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId'] as const;
type LookupKey = (typeof LOOKUP_KEYS)[number];
const MAX_PAGE = 50;
const RETENTION_MS = 90 * 86_400_000;

function cloudTrailTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function matches(event: StoredEvent, key: LookupKey, value: string): boolean {
  switch (key) {
    case 'EventId':
      return event.eventId === value;
    case 'EventName':
      return event.eventName === value;
    case 'ReadOnly':
      return String(event.readOnly) === value;
    case 'Username':
      return event.username === value;
    case 'ResourceType':
      return event.resources.some((r) => r.ResourceType === value);
    case 'ResourceName':
      return event.resources.some((r) => r.ResourceName === value);
    case 'EventSource':
      return event.eventSource === value;
    case 'AccessKeyId':
      return event.accessKeyId === value;
  }
}

/** The event history of one account in one region, kept in ascending (time, seq) order. */
export class CloudTrailLog {
  private readonly events: StoredEvent[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.events.length;
  }

  record(record: TrailRecord): string {
    const eventId = record.eventId ?? randomUUID();
    const json = JSON.stringify({
      eventVersion: '1.08',
      userIdentity: cloudTrailUserIdentity(record.identity, record.accessKeyId),
      eventTime: cloudTrailTime(record.eventTime),
      eventSource: record.eventSource,
      eventName: record.eventName,
      awsRegion: record.awsRegion,
      sourceIPAddress: record.sourceIPAddress,
      userAgent: record.userAgent,
      ...(record.errorCode === undefined ? {} : { errorCode: record.errorCode, errorMessage: record.errorMessage ?? '' }),
      requestParameters: record.requestParameters ?? null,
      responseElements: record.errorCode === undefined ? (record.responseElements ?? null) : null,
      requestID: record.requestId ?? randomUUID(),
      eventID: eventId,
      readOnly: record.readOnly,
      eventType: record.eventType ?? 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: record.recipientAccountId,
      eventCategory: 'Management',
    });
    const event: StoredEvent = {
      seq: this.nextSeq++,
      time: record.eventTime,
      eventId,
      eventName: record.eventName,
      eventSource: record.eventSource,
      username: usernameOf(record.identity),
      ...(record.accessKeyId === undefined ? {} : { accessKeyId: record.accessKeyId }),
      readOnly: record.readOnly,
      resources: record.resources,
      json,
    };
    this.events.splice(this.indexAfter(event.time, event.seq), 0, event);
    return eventId;
  }

  /** Newest first, from just before `before` (a previous page's last event) down to `from`. */
  lookup(query: {
    from: number;
    to: number;
    filter?: { key: LookupKey; value: string };
    before?: { time: number; seq: number };
    max: number;
  }): { events: StoredEvent[]; more: boolean } {
    let index = query.before ? this.indexAfter(query.before.time, query.before.seq - 1) : this.indexAfter(query.to, Infinity);
    const events: StoredEvent[] = [];
    while (--index >= 0) {
      const event = this.events[index]!;
      if (event.time < query.from) break;
      if (event.time > query.to) continue;
      if (query.filter && !matches(event, query.filter.key, query.filter.value)) continue;
      if (events.length === query.max) return { events, more: true };
      events.push(event);
    }
    return { events, more: false };
  }

  /** The index of the first event that sorts after (time, seq). */
  private indexAfter(time: number, seq: number): number {
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const event = this.events[mid]!;
      if (event.time < time || (event.time === time && event.seq <= seq)) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

const lookupEventsInput = z.object({
  LookupAttributes: z.array(z.object({ AttributeKey: z.string(), AttributeValue: z.string() })).optional(),
  StartTime: z.number().optional(),
  EndTime: z.number().optional(),
  EventCategory: z.literal('insight').optional(),
  MaxResults: z.number().int().optional(),
  NextToken: z.string().optional(),
});

export const cloudTrailApi: ServiceApi = {
  service: 'cloudtrail',
  eventSource: 'cloudtrail.amazonaws.com',
  validationErrorCode: 'InvalidParameterException',
  operations: {
    LookupEvents: operation(lookupEventsInput, (params, call) => {
      const attributes = params.LookupAttributes ?? [];
      if (attributes.length > 1) {
        throw new SandboxError('InvalidLookupAttributesException', 'You can specify only one lookup attribute.');
      }
      const attribute = attributes[0];
      if (attribute && !(LOOKUP_KEYS as readonly string[]).includes(attribute.AttributeKey)) {
        throw new SandboxError(
          'InvalidLookupAttributesException',
          `Lookup attribute key ${attribute.AttributeKey} is not one of ${LOOKUP_KEYS.join(', ')}.`,
        );
      }
      const max = params.MaxResults ?? MAX_PAGE;
      if (max < 1 || max > MAX_PAGE) throw new SandboxError('InvalidMaxResultsException', `MaxResults must be between 1 and ${MAX_PAGE}.`);
      const now = call.now.getTime();
      const to = Math.min(params.EndTime === undefined ? now : params.EndTime * 1000, now - call.world.options.cloudTrailLagMs);
      const from = params.StartTime === undefined ? now - RETENTION_MS : params.StartTime * 1000;
      if (params.StartTime !== undefined && params.EndTime !== undefined && params.StartTime > params.EndTime) {
        throw new SandboxError('InvalidTimeRangeException', 'Start time must be earlier than end time.');
      }
      let before: { time: number; seq: number } | undefined;
      if (params.NextToken !== undefined) {
        const token = decodeToken(params.NextToken, 'InvalidNextTokenException');
        if (token.t === undefined || token.s === undefined) throw new SandboxError('InvalidNextTokenException', 'Invalid NextToken.');
        before = { time: token.t, seq: token.s };
      }
      if (params.EventCategory === 'insight') return { Events: [] };
      const trail = call.world.region(call.account, call.region).trail;
      const page = trail.lookup({
        from,
        to,
        max,
        ...(attribute ? { filter: { key: attribute.AttributeKey as LookupKey, value: attribute.AttributeValue } } : {}),
        ...(before ? { before } : {}),
      });
      const last = page.events.at(-1);
      return {
        Events: page.events.map((event) => ({
          EventId: event.eventId,
          EventName: event.eventName,
          ReadOnly: String(event.readOnly),
          ...(event.accessKeyId === undefined ? {} : { AccessKeyId: event.accessKeyId }),
          EventTime: epochSeconds(event.time),
          EventSource: event.eventSource,
          Username: event.username,
          Resources: event.resources,
          CloudTrailEvent: event.json,
        })),
        ...(page.more && last ? { NextToken: encodeToken({ t: last.time, s: last.seq }) } : {}),
      };
    }),
  },
};
