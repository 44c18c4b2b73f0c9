import type { AwsFailureCode } from '../domain/aws-failure.js';
import { errorMessage } from '../log.js';

export type { AwsFailureCode };

/**
 * The one table from AWS error names to what they mean for dockhand, first match wins. AWS names a kind of
 * failure by a family of names (`AccessDeniedException`, CloudTrail's `AccessDenied`, EC2's
 * `Client.UnauthorizedOperation`; `ThrottlingException`, `TooManyRequestsException`), so a pattern per kind is
 * the honest mapping; `DeadlineExceeded` is dockhand's own (aws/call-scope.ts), `TimeoutError` the SDK's.
 */
const FAILURE_NAMES: ReadonlyArray<readonly [Exclude<AwsFailureCode, 'unknown'>, RegExp]> = [
  ['denied', /AccessDenied|Unauthorized|NotAuthorized/i],
  ['gone', /ServiceNotFound|ServiceNotActive|ClusterNotFound|ObjectNotFound/],
  ['throttled', /Throttl|TooManyRequests|RequestLimitExceeded/],
  ['timed-out', /DeadlineExceeded|TimeoutError/],
  ['invalid', /InvalidParameter|Validation/],
];

/** IAM's refusal names the action it refused: "… is not authorized to perform: ecs:UpdateService on …". */
const IAM_ACTION = /not authorized to perform:?\s*([a-z0-9-]+:[A-Za-z0-9]+)/i;

/** The kind of failure an AWS error name (an SDK error's `name`, a CloudTrail record's `errorCode`) stands for. */
export function failureCodeOfName(name: string): AwsFailureCode {
  return FAILURE_NAMES.find(([, pattern]) => pattern.test(name))?.[0] ?? 'unknown';
}

function nameOf(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : 'Error';
}

/**
 * A failed AWS call, coded once where it leaves the SDK (every client of aws/clients.ts throws these). It keeps
 * the SDK error's name, message and `$metadata`, so logs, audit details and replies read as before.
 */
export class AwsFailure extends Error {
  override readonly name: string;
  readonly code: AwsFailureCode;
  /** The IAM action AWS said it refused, when it said so. */
  readonly deniedAction: string | null;
  readonly $metadata: unknown;
  readonly $fault: unknown;

  constructor(cause: Error) {
    super(cause.message, { cause });
    this.name = cause.name;
    this.deniedAction = IAM_ACTION.exec(cause.message)?.[1] ?? null;
    this.code = this.deniedAction !== null ? 'denied' : failureCodeOfName(cause.name);
    this.$metadata = (cause as { $metadata?: unknown }).$metadata;
    this.$fault = (cause as { $fault?: unknown }).$fault;
    if (cause.stack) this.stack = cause.stack;
  }

  /** The error coded: itself when it already is, else coded from its name (a wrapper such as StepError carries its cause's). */
  static of(error: unknown): AwsFailure {
    if (error instanceof AwsFailure) return error;
    if (error instanceof Error && error.cause instanceof AwsFailure) return error.cause;
    if (error instanceof Error) return new AwsFailure(error);
    return new AwsFailure(Object.assign(new Error(String(error)), { name: nameOf(error) }));
  }
}

/** AWS failures as a person can act on them: which permission is missing, what no longer exists. */
export interface ExplainedAwsError {
  code: AwsFailureCode;
  message: string;
}

export function explainAwsError(error: unknown, attemptedAction: string): ExplainedAwsError {
  const failure = AwsFailure.of(error);
  return { code: failure.code, message: explanation(failure, error, attemptedAction) };
}

function explanation(failure: AwsFailure, error: unknown, attemptedAction: string): string {
  switch (failure.code) {
    case 'denied':
      return `AWS denied ${failure.deniedAction ?? attemptedAction}: dockhand's IAM role needs that permission (see the README's IAM policy).`;
    case 'gone':
      return `it no longer exists in AWS (${failure.name}); it will drop out of the inventory at the next refresh.`;
    case 'throttled':
      return 'AWS kept throttling the call even after retries; try again in a minute.';
    case 'timed-out':
      return `${attemptedAction}: ${failure.message}.`;
    case 'invalid':
      return `AWS rejected the request: ${failure.message}`;
    case 'unknown':
      return errorMessage(error);
  }
}
