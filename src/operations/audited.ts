import type { Clock } from '../domain/clock.js';
import { errorMessage } from '../log.js';
import type { AuditStore } from '../store/audit-store.js';

export interface AwsCallRecord {
  actor: string;
  environment: string;
  action: string;
  params: Record<string, unknown>;
}

/** Runs one AWS call and records it in the audit trail, with who it was for, the outcome and how long it took. */
export async function auditedAwsCall<T>(audit: AuditStore, clock: Clock, call: AwsCallRecord, run: () => Promise<T>): Promise<T> {
  const started = clock.now();
  const record = (outcome: 'ok' | 'error', detail: string | null) =>
    audit.record({
      at: started.toISOString(),
      actor: call.actor,
      verb: `aws:${call.action}`,
      environment: call.environment,
      params: call.params,
      outcome,
      detail,
      durationMs: clock.now().getTime() - started.getTime(),
    });
  try {
    const result = await run();
    record('ok', null);
    return result;
  } catch (error) {
    record('error', errorMessage(error));
    throw error;
  }
}
