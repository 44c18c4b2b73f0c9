import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { decodeRecord, type DecodeContext, type DecodedEvent } from '../../domain/trail/decode.js';
import type { CloudTrailRecord } from '../../domain/trail/record.js';
import { parseAws } from '../ecs/schema.js';
import { lookupEventsPageSchema, parseCloudTrailRecord } from './schema.js';

export type DecodeResult = { ok: true; event: DecodedEvent } | { ok: false; error: string };

/** A record as LookupEvents returns it (the `CloudTrailEvent` string, or parsed JSON): validated, then decoded. */
export function decodeEvent(raw: unknown, context: DecodeContext): DecodeResult {
  const parsed = parseCloudTrailRecord(raw);
  return parsed.ok ? { ok: true, event: decodeRecord(parsed.record, context) } : parsed;
}

/** LookupEvents' page size limit. */
export const LOOKUP_PAGE_SIZE = 50;

export interface LookedUpEvent {
  eventId: string;
  cloudTrailEvent: string;
}

/**
 * Every event of one source between `start` and `end`, page by page. The one lookup attribute is the event
 * source (LookupEvents takes one); an event seen on two pages is kept once.
 */
export async function lookupEvents(
  client: CloudTrailClient,
  query: { eventSource: string; start: Date; end: Date },
): Promise<{ events: LookedUpEvent[]; requests: number }> {
  const byId = new Map<string, LookedUpEvent>();
  let requests = 0;
  let nextToken: string | undefined;
  // Loaded with the client (aws/clients.ts), on first use.
  const { LookupEventsCommand } = await import('@aws-sdk/client-cloudtrail');
  do {
    const raw = await client.send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: query.eventSource }],
        StartTime: query.start,
        EndTime: query.end,
        MaxResults: LOOKUP_PAGE_SIZE,
        NextToken: nextToken,
      }),
    );
    requests += 1;
    const page = parseAws(lookupEventsPageSchema, raw, 'LookupEvents');
    for (const event of page.Events) byId.set(event.EventId, { eventId: event.EventId, cloudTrailEvent: event.CloudTrailEvent });
    nextToken = page.NextToken;
  } while (nextToken);
  return { events: [...byId.values()], requests };
}

/** One source's window as read: the changes decoded, the rest counted. */
export interface TrailRead {
  requests: number;
  /** Events LookupEvents returned, overlap included. */
  events: number;
  /** Changes (not read-only calls), decoded. */
  changes: DecodedEvent[];
  /** Records that are not CloudTrail records dockhand can read; skipped. */
  undecodable: string[];
  /** Read-only calls (Describe…, List…): not changes, so not stored. */
  reads: number;
}

/** What decoding asks of the database, read for all of a window's records before any is decoded. */
export type DecodeContextFor = (records: readonly CloudTrailRecord[]) => Promise<DecodeContext>;

/** Every event of one source between `start` and `end`, decoded and sorted into changes, reads and the undecodable. */
export async function readTrail(client: CloudTrailClient, query: { eventSource: string; start: Date; end: Date }, context: DecodeContext | DecodeContextFor): Promise<TrailRead> {
  const { events, requests } = await lookupEvents(client, query);
  const parsed = events.map((event) => ({ event, parsed: parseCloudTrailRecord(event.cloudTrailEvent) }));
  const records = parsed.flatMap(({ parsed }) => (parsed.ok ? [parsed.record] : []));
  const decodeContext = typeof context === 'function' ? await context(records) : context;
  const changes: DecodedEvent[] = [];
  const undecodable: string[] = [];
  let reads = 0;
  for (const { event, parsed: result } of parsed) {
    if (!result.ok) {
      undecodable.push(`${event.eventId}: ${result.error}`);
      continue;
    }
    const decoded = decodeRecord(result.record, decodeContext);
    if (decoded.readOnly) reads += 1;
    else changes.push(decoded);
  }
  return { requests, events: events.length, changes, undecodable, reads };
}
