import pLimit from 'p-limit';
import { withDeadline } from '../aws/call-scope.js';
import type { AwsClients } from '../aws/clients.js';
import { explainAwsError } from '../aws/errors.js';
import type { Account } from '../config/policy.js';
import type { Clock } from '../domain/clock.js';
import type { Environment } from '../domain/environments.js';
import type { ServiceSnapshot } from '../domain/inventory.js';
import type { OperationView } from '../domain/notices.js';
import type { ServiceCurrent } from '../domain/operations.js';
import { errorMessage, type Logger } from '../log.js';
import { Topic } from '../topic.js';
import type { AuditStore } from '../store/audit-store.js';
import { processHolderId } from '../instance-id.js';
import type { Db } from '../store/db.js';
import type { BeginResult, OperationRow, OperationsStore, OperationVerb, RunnerClaim, StepRow } from '../store/operations-store.js';
import { readCurrent, type AuditedCall } from './read-current.js';
import { auditedAwsCall } from './audited.js';
import type { ProgressReporter } from './progress.js';
import { STEP_ACTIONS, StepRefused, type StepContext } from './steps.js';

export interface OperationRequest {
  verb: OperationVerb;
  environment: Environment;
  /** restart of one service, or the service to scale. */
  service: string | null;
  count: number | null;
  requestedBy: string;
  approvedBy: string | null;
  channelId: string;
}

export type OperationDone = { kind: 'done'; operation: OperationRow; steps: StepRow[] };
export type OperationResult = OperationDone | { kind: 'busy'; running: OperationRow };

/** Published once an operation has finished (its final status stored and shown), whatever the outcome. */
export interface OperationFinished {
  operation: OperationRow;
}

export interface OperationRunnerDeps {
  accounts: readonly Account[];
  aws: AwsClients;
  operations: OperationsStore;
  audit: AuditStore;
  clock: Clock;
  logger: Logger;
  startFallbackDesired: number;
  /** How long reading the environment, and each service's step, may take, retries included. */
  stepDeadlineMs: number;
  /** Called with each desired count an operation set, so the stored inventory shows it at once. */
  onDesiredSet?: (serviceArn: string, desired: number) => Promise<void>;
  /** This process's name in the journal's runner claims (and its instance lease); default hostname/pid/random. */
  runnerId?: string;
  /** How long a claim holds without renewal: past it, the leader resumes the operation (its replica died). */
  claimTtlMs?: number;
}

/** Without a policy (tests building a runner alone): the policy's default lease. */
const DEFAULT_CLAIM_TTL_MS = 30_000;

/** Services of one environment run in parallel, but never more than this many AWS calls at once. */
const PARALLEL_SERVICES = 10;

/**
 * Runs stop, start, restart and scale through the journal: the operation and a step per service are
 * stored before anything changes, each step's outcome as it happens, so a restart can finish the rest.
 */
export class OperationRunner {
  /** Metrics, the schedules and the inventory refresh listen here; a failing listener cannot fail the operation. */
  readonly finished: Topic<OperationFinished>;
  /** This process, as the journal names the runner of an operation. */
  readonly runnerId: string;
  /** Operations this process is running now: their claims are renewed on each heartbeat. */
  private readonly inFlight = new Set<number>();

  constructor(private readonly deps: OperationRunnerDeps) {
    this.finished = new Topic('operation finished', deps.logger);
    this.runnerId = deps.runnerId ?? processHolderId();
  }

  /** A claim from now, for this process. */
  claim(): RunnerClaim {
    return { runner: this.runnerId, expiresAt: this.deps.clock.now().getTime() + (this.deps.claimTtlMs ?? DEFAULT_CLAIM_TTL_MS) };
  }

  /** The heartbeat: this process is alive and still running these operations. */
  async renewClaims(): Promise<void> {
    await this.deps.operations.renewClaims([...this.inFlight], this.claim());
  }

  /**
   * Resumes unfinished operations no live replica runs: claims expired, none, or (`any`, a sole instance)
   * whatever the claim says. Each is taken over in one UPDATE first, so exactly one replica resumes it.
   */
  async claimOrphans(any: boolean): Promise<OperationRow[]> {
    const now = this.deps.clock.now().getTime();
    const claimed: OperationRow[] = [];
    for (const operation of await this.deps.operations.unfinished()) {
      if (this.inFlight.has(operation.id)) continue;
      const mine = await this.deps.operations.claimOrphan(operation.id, this.claim(), now, any);
      if (mine) claimed.push(mine);
    }
    return claimed;
  }

  private account(id: string): Account {
    const account = this.deps.accounts.find((a) => a.id === id);
    if (!account) throw new Error(`account ${id} is not in the policy file any more`);
    return account;
  }

  private targets(request: OperationRequest): ServiceSnapshot[] {
    const { environment, service } = request;
    return service ? environment.services.filter((s) => s.name === service) : environment.services;
  }

  /**
   * Writes the operation and a step per service to the journal, changing nothing yet. `approved` is for an
   * approval, journaled in the same transaction as the decision, so a death before it starts loses nothing.
   */
  journal(request: OperationRequest, status: 'approved' | 'running' = 'running', fence?: (tx: Db) => Promise<void>): Promise<BeginResult> {
    const services = this.targets(request);
    return this.deps.operations.begin(
      {
        environment: request.environment.name,
        verb: request.verb,
        params: { service: request.service, count: request.count },
        requestedBy: request.requestedBy,
        approvedBy: request.approvedBy,
        channelId: request.channelId,
        startedAt: this.deps.clock.now().toISOString(),
      },
      services.map((s) => ({ serviceArn: s.arn, account: s.account, region: s.region, cluster: s.cluster, service: s.name })),
      status,
      { claim: this.claim(), ...(fence ? { fence } : {}) },
    );
  }

  /** `fence`: a leader's job checks its lease in the journal's transaction (a stale leader journals nothing). */
  async run(request: OperationRequest, progress: ProgressReporter, fence?: (tx: Db) => Promise<void>): Promise<OperationResult> {
    const begun = await this.journal(request, 'running', fence);
    if (!begun.ok) return { kind: 'busy', running: begun.running };
    return this.execute(begun.operation, progress);
  }

  /** Starts an operation already in the journal (an approved one); steps already done are not repeated. */
  async start(operation: OperationRow, progress: ProgressReporter, note?: string): Promise<OperationDone> {
    if (operation.status === 'approved') {
      await this.deps.operations.markRunning(operation.id);
      operation.status = 'running';
    }
    return this.execute(operation, progress, note);
  }

  /** Finishes an operation a previous process left approved or running. */
  resume(operation: OperationRow, progress: ProgressReporter): Promise<OperationDone> {
    return this.start(operation, progress, operation.status === 'approved' ? 'approved before dockhand restarted; started now' : 'resumed after dockhand restarted');
  }

  private view(operation: OperationRow, steps: StepRow[], note?: string): OperationView {
    return { ...operation, steps: steps.map((s) => ({ service: s.service, status: s.status, detail: s.detail })), ...(note ? { note } : {}) };
  }

  private async execute(operation: OperationRow, progress: ProgressReporter, note?: string): Promise<OperationDone> {
    this.inFlight.add(operation.id);
    try {
      return await this.executeClaimed(operation, progress, note);
    } finally {
      this.inFlight.delete(operation.id);
    }
  }

  private async executeClaimed(operation: OperationRow, progress: ProgressReporter, note?: string): Promise<OperationDone> {
    const { operations, clock, logger } = this.deps;
    const steps = new Map((await operations.steps(operation.id)).map((s) => [s.id, s]));
    const show = (final = false) => progress.show(this.view(operation, [...steps.values()], note), final);
    // The first progress message and the reads go out together: neither waits for the other.
    const posted = show()
      .catch((error) => logger.warn('could not show progress', { error: errorMessage(error) }))
      .then(async () => {
        const ts = progress.messageTs();
        if (ts) await operations.setMessage(operation.id, ts);
      })
      .catch((error) => logger.warn('could not journal the progress message', { error: errorMessage(error) }));

    const remaining = [...steps.values()].filter((s) => s.status === 'pending' || s.status === 'running');
    const setStep = async (step: StepRow, change: Partial<StepRow>) => {
      Object.assign(step, change);
      await operations.updateStep(step.id, change);
      void show().catch(() => undefined);
    };
    const audited: AuditedCall = (call) => this.audited(operation, call);
    const deadlineMs = this.deps.stepDeadlineMs;
    try {
      const current = await withDeadline(deadlineMs, `reading ${operation.environment} from AWS`, () =>
        readCurrent(remaining, (id) => this.account(id), this.deps.aws, operation.requestedBy, audited),
      );
      const context: StepContext = {
        operation,
        current,
        aws: this.deps.aws,
        operations,
        account: (id) => this.account(id),
        audited,
        fallbackDesired: this.deps.startFallbackDesired,
        now: () => clock.now().toISOString(),
        resumed: note !== undefined,
      };
      if (operation.verb === 'stop') await STEP_ACTIONS.stop.prepare?.(remaining, context);
      const limit = pLimit(PARALLEL_SERVICES);
      await Promise.all(
        remaining.map((step) =>
          limit(async () => {
            await setStep(step, { status: 'running', startedAt: clock.now().toISOString() });
            const calls = new StepCalls(audited);
            try {
              const detail = await withDeadline(deadlineMs, `${operation.verb} of ${step.service}`, () =>
                STEP_ACTIONS[operation.verb].run(step, { ...context, audited: calls.audited }),
              );
              if (detail.desired !== undefined) await this.deps.onDesiredSet?.(step.serviceArn, detail.desired);
              await setStep(step, { status: detail.skipped ? 'skipped' : 'done', detail: detail.text, finishedAt: clock.now().toISOString() });
            } catch (error) {
              await setStep(step, { status: 'failed', detail: calls.failure(error), finishedAt: clock.now().toISOString() });
            }
          }),
        ),
      );
    } catch (error) {
      // Reading the current state failed, so nothing was changed: every remaining step fails with the reason.
      const reason = explainAwsError(error, 'a read').message;
      for (const step of remaining) if (step.status !== 'done') await setStep(step, { status: 'failed', detail: `nothing changed: ${reason}` });
    }

    await posted;
    const all = [...steps.values()];
    const failed = all.filter((s) => s.status === 'failed').length;
    const status = failed === 0 ? 'succeeded' : failed === all.length ? 'failed' : 'partial';
    const finishedAt = clock.now().toISOString();
    const summary = `${all.length - failed}/${all.length} services ${status === 'succeeded' ? 'done' : 'done, ' + failed + ' failed'}`;
    await operations.finish(operation.id, status, finishedAt, summary);
    Object.assign(operation, { status, finishedAt, summary });
    await show(true).catch((error) => logger.warn('could not show the outcome', { error: errorMessage(error) }));
    await this.finished.publishAndWait({ operation });
    return { kind: 'done', operation, steps: all };
  }

  /** Every AWS call an operation makes lands in the audit trail with the person it was made for. */
  private async audited<T>(operation: OperationRow, call: { action: string; params: Record<string, unknown>; run: () => Promise<T> }): Promise<T> {
    const record = { actor: operation.requestedBy, environment: operation.environment, action: call.action, params: { ...call.params, operation: operation.id } };
    try {
      return await auditedAwsCall(this.deps.audit, this.deps.clock, record, call.run);
    } catch (error) {
      throw new StepError(call.action, error);
    }
  }
}

/**
 * The AWS calls of one step, so a failure can say what was done before it, and which call did not finish
 * (a call cut off by the deadline may or may not have reached AWS).
 */
class StepCalls {
  private readonly done: string[] = [];
  private readonly inFlight = new Set<string>();

  constructor(private readonly through: AuditedCall) {}

  readonly audited: AuditedCall = async (call) => {
    this.inFlight.add(call.action);
    try {
      const result = await this.through(call);
      this.done.push(call.action);
      return result;
    } finally {
      this.inFlight.delete(call.action);
    }
  };

  failure(error: unknown): string {
    if (error instanceof StepRefused) return error.message;
    const action = error instanceof StepError ? error.action : ([...this.inFlight][0] ?? 'the call');
    const reason = explainAwsError(error, action).message;
    const isWrite = (call: string) => !/:(Describe|List)/.test(call);
    const cutOff = [...this.inFlight].filter(isWrite);
    const unsure = cutOff.length > 0 ? ` ${cutOff.join(', ')} may or may not have reached AWS.` : '';
    const writes = this.done.filter(isWrite);
    if (writes.length > 0) return `${reason}${unsure} Done before that: ${writes.join(', ')}.`;
    return unsure ? `${reason}${unsure} Nothing else was changed.` : `nothing changed: ${reason}`;
  }
}

/** Carries the IAM action that failed, so the message can name the missing permission. */
export class StepError extends Error {
  constructor(
    readonly action: string,
    override readonly cause: unknown,
  ) {
    // The cause's own message: its name is carried separately, so it is shown once, not "Error: Error: …".
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = (cause as { name?: string }).name ?? 'Error';
  }
}

export type { ServiceCurrent };
