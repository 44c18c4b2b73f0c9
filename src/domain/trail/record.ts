import type { AwsFailureCode } from '../aws-failure.js';

/**
 * A CloudTrail record (a LookupEvents `CloudTrailEvent`) as the aws boundary validated it
 * (aws/cloudtrail/schema.ts): the fields decoding reads, typed; others pass through unread.
 */
export interface CloudTrailRecord {
  eventID: string;
  /** An ISO 8601 time the boundary checked. */
  eventTime: string;
  eventName: string;
  eventSource: string;
  awsRegion: string;
  recipientAccountId?: string | null | undefined;
  userAgent?: string | null | undefined;
  sourceIPAddress?: string | null | undefined;
  errorCode?: string | null | undefined;
  errorMessage?: string | null | undefined;
  /** What kind of failure `errorCode` is, decided at the boundary; null when the call succeeded. */
  failure: AwsFailureCode | null;
  /** The id AWS gave the request: the same as the SDK's `$metadata.requestId` for the caller. */
  requestID?: string | null | undefined;
  readOnly?: boolean | null | undefined;
  /** Request and response bodies vary by API; anything that is not an object is read as absent. */
  requestParameters?: Record<string, unknown> | null | undefined;
  responseElements?: Record<string, unknown> | null | undefined;
  userIdentity: UserIdentity;
}

/** Who made the call, as CloudTrail's userIdentity tells it. */
export interface UserIdentity {
  type: string;
  principalId?: string | null | undefined;
  arn?: string | null | undefined;
  accountId?: string | null | undefined;
  userName?: string | null | undefined;
  invokedBy?: string | null | undefined;
  sessionContext?:
    | {
        sessionIssuer?: { type?: string | null | undefined; userName?: string | null | undefined; arn?: string | null | undefined } | null | undefined;
        sourceIdentity?: string | null | undefined;
      }
    | null
    | undefined;
}
