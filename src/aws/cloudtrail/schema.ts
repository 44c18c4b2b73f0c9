import { z } from 'zod';
import type { CloudTrailRecord } from '../../domain/trail/record.js';
import { failureCodeOfName } from '../errors.js';

/** What dockhand relies on in a LookupEvents answer: each event's id and its record, validated below. */
export const lookupEventsPageSchema = z.object({
  Events: z
    .array(
      z.object({
        EventId: z.string(),
        /** The whole CloudTrail record as a JSON string; `parseCloudTrailRecord` validates its fields. */
        CloudTrailEvent: z.string(),
      }),
    )
    .default([]),
  NextToken: z.string().optional(),
});

export type LookupEventsPage = z.infer<typeof lookupEventsPageSchema>;

const optionalText = z.string().nullish();

const userIdentitySchema = z.looseObject({
  type: z.string(),
  principalId: optionalText,
  arn: optionalText,
  accountId: optionalText,
  userName: optionalText,
  invokedBy: optionalText,
  sessionContext: z
    .looseObject({
      sessionIssuer: z.looseObject({ type: optionalText, userName: optionalText, arn: optionalText }).nullish(),
      sourceIdentity: optionalText,
    })
    .nullish(),
});

/** Request and response bodies vary by API; anything that is not an object is read as absent. */
const body = z.record(z.string(), z.unknown()).nullish().catch(null);

/** The fields of a CloudTrail record that decoding reads (domain/trail/record.ts types them); others pass through. */
const cloudTrailRecordSchema = z
  .looseObject({
    eventID: z.string(),
    eventTime: z.string(),
    eventName: z.string(),
    eventSource: z.string(),
    awsRegion: z.string(),
    recipientAccountId: optionalText,
    userAgent: optionalText,
    sourceIPAddress: optionalText,
    errorCode: optionalText,
    errorMessage: optionalText,
    requestID: optionalText,
    readOnly: z.boolean().nullish(),
    requestParameters: body,
    responseElements: body,
    userIdentity: userIdentitySchema,
  })
  .transform((record) => ({ ...record, failure: record.errorCode ? failureCodeOfName(record.errorCode) : null })) satisfies z.ZodType<CloudTrailRecord>;

export type ParsedCloudTrailRecord = { ok: true; record: CloudTrailRecord } | { ok: false; error: string };

/** A record as parsed JSON or as the raw `CloudTrailEvent` string, validated; or why it is not one dockhand can read. */
export function parseCloudTrailRecord(raw: unknown): ParsedCloudTrailRecord {
  let input = raw;
  if (typeof raw === 'string') {
    try {
      input = JSON.parse(raw);
    } catch {
      return { ok: false, error: 'CloudTrailEvent is not valid JSON' };
    }
  }
  const parsed = cloudTrailRecordSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `not a CloudTrail record: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}` };
  }
  const record = parsed.data;
  if (Number.isNaN(new Date(record.eventTime).getTime())) return { ok: false, error: `not a CloudTrail record: eventTime ${record.eventTime} is not a time` };
  return { ok: true, record };
}
