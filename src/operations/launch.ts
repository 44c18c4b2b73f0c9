import type { Reply } from '../slack/blocks/common.js';
import { ago, code, who } from '../slack/blocks/format.js';
import type { BeginResult, OperationRow } from '../store/operations-store.js';
import { messageProgress, type Messenger } from './messenger.js';
import type { OperationDone, OperationRequest, OperationResult, OperationRunner } from './runner.js';
import { utcTime } from '../domain/time-format.js';

const DOING: Record<OperationRow['verb'], string> = { stop: 'stopping', start: 'starting', restart: 'restarting', scale: 'scaling' };

/** "<@U1> has been stopping `qa-2` since 10:02 UTC (2m ago, operation #7)." */
export function busyText(running: OperationRow, now: Date): string {
  return `${who(running.requestedBy)} has been ${DOING[running.verb]} ${code(running.environment)} since ${utcTime(running.startedAt)} UTC (${ago(running.startedAt, now)}, operation #${running.id}). Try again when it has finished.`;
}

/** Runs an operation with its progress shown as one message in the channel it was asked from. */
export class OperationLauncher {
  constructor(
    private readonly runner: OperationRunner,
    private readonly messenger: Messenger,
  ) {}

  launch(request: OperationRequest, fallback?: (reply: Reply) => Promise<void>): Promise<OperationResult> {
    return this.runner.run(request, messageProgress(this.messenger, request.channelId, fallback));
  }

  /** Journals an approved operation without starting it: the caller does so inside the decision's transaction. */
  journalApproved(request: OperationRequest): BeginResult {
    return this.runner.journal(request, 'approved');
  }

  /** Starts an operation journaled by `journalApproved`. */
  start(operation: OperationRow): Promise<OperationDone> {
    return this.runner.start(operation, messageProgress(this.messenger, operation.channelId));
  }

  /**
   * At start: finishes what a previous process left approved or running, reporting in the channel it was
   * asked from; `afterEach` hears each outcome (the approval service tells the requester).
   */
  async resumeUnfinished(unfinished: readonly OperationRow[], afterEach?: (operation: OperationRow, result: OperationDone) => Promise<void>): Promise<number> {
    for (const operation of unfinished) {
      const result = await this.runner.resume(operation, messageProgress(this.messenger, operation.channelId));
      await afterEach?.(operation, result);
    }
    return unfinished.length;
  }
}
