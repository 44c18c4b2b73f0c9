import type { BeginResult, OperationRow } from '../store/operations-store.js';
import type { Outbound } from '../outbound.js';
import { messageProgress, type ProgressFallback } from './progress.js';
import type { OperationDone, OperationRequest, OperationResult, OperationRunner } from './runner.js';

/** Runs an operation with its progress shown as one message in the channel it was asked from. */
export class OperationLauncher {
  constructor(
    private readonly runner: OperationRunner,
    private readonly outbound: Outbound,
  ) {}

  launch(request: OperationRequest, fallback?: ProgressFallback): Promise<OperationResult> {
    return this.runner.run(request, messageProgress(this.outbound, request.channelId, fallback));
  }

  /** Journals an approved operation without starting it: the caller does so inside the decision's transaction. */
  journalApproved(request: OperationRequest): Promise<BeginResult> {
    return this.runner.journal(request, 'approved');
  }

  /** Starts an operation journaled by `journalApproved`. */
  start(operation: OperationRow): Promise<OperationDone> {
    return this.runner.start(operation, messageProgress(this.outbound, operation.channelId));
  }

  /**
   * At start: finishes what a previous process left approved or running, reporting in the channel it was
   * asked from; `afterEach` hears each outcome (the approval service tells the requester).
   */
  async resumeUnfinished(unfinished: readonly OperationRow[], afterEach?: (operation: OperationRow, result: OperationDone) => Promise<void>): Promise<number> {
    for (const operation of unfinished) {
      const result = await this.runner.resume(operation, messageProgress(this.outbound, operation.channelId));
      await afterEach?.(operation, result);
    }
    return unfinished.length;
  }
}
