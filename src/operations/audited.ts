import { collectRequestIds } from '../aws/call-scope.js';
import type { Clock } from '../domain/clock.js';
import { errorMessage } from '../log.js';
import type { AuditStore } from '../store/audit-store.js';

export interface AwsCallRecord {
  actor: string;
  environment: string;
  action: string;
  params: Record<string, unknown>;
}

/**
 * Runs one AWS call and records it in the audit trail, with who it was for, the outcome, how long it took
 * and the request id of every HTTP attempt AWS answered: CloudTrail names the same ids, so the trail's
 * events can be told apart from anyone else's (whatever their user agent or session name says).
 */
export async function auditedAwsCall<T>(audit: AuditStore, clock: Clock, call: AwsCallRecord, run: () => Promise<T>): Promise<T> {
  const started = clock.now();
  const { requestIds, outcome } = await collectRequestIds(run);
  await audit.record(
    {
      at: started.toISOString(),
      actor: call.actor,
      verb: `aws:${call.action}`,
      environment: call.environment,
      params: call.params,
      outcome: outcome.ok ? 'ok' : 'error',
      detail: outcome.ok ? null : errorMessage(outcome.error),
      durationMs: clock.now().getTime() - started.getTime(),
    },
    requestIds,
  );
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}
