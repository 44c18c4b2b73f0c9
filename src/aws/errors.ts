import { errorMessage } from '../log.js';

/** AWS failures as a person can act on them: which permission is missing, what no longer exists. */
export interface ExplainedAwsError {
  kind: 'access-denied' | 'not-found' | 'throttled' | 'timeout' | 'invalid' | 'other';
  message: string;
}

const IAM_ACTION = /not authorized to perform:?\s*([a-z0-9-]+:[A-Za-z0-9]+)/i;

export function explainAwsError(error: unknown, attemptedAction: string): ExplainedAwsError {
  const name = (error as { name?: string }).name ?? 'Error';
  const message = error instanceof Error ? error.message : String(error);
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(name) || IAM_ACTION.test(message)) {
    const action = IAM_ACTION.exec(message)?.[1] ?? attemptedAction;
    return { kind: 'access-denied', message: `AWS denied ${action}: dockhand's IAM role needs that permission (see the README's IAM policy).` };
  }
  if (/ServiceNotFound|ServiceNotActive|ClusterNotFound|ObjectNotFound/.test(name)) {
    return { kind: 'not-found', message: `it no longer exists in AWS (${name}); it will drop out of the inventory at the next refresh.` };
  }
  if (/Throttl|TooManyRequests|RequestLimitExceeded/.test(name)) {
    return { kind: 'throttled', message: 'AWS kept throttling the call even after retries; try again in a minute.' };
  }
  if (/DeadlineExceeded|TimeoutError/.test(name)) return { kind: 'timeout', message: `${attemptedAction}: ${message}.` };
  if (/InvalidParameter|Validation/.test(name)) return { kind: 'invalid', message: `AWS rejected the request: ${message}` };
  return { kind: 'other', message: errorMessage(error) };
}
