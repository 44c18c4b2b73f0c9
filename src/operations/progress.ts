import type { OperationView } from '../domain/notices.js';
import type { Outbound, PostedMessage } from '../outbound.js';

/** Shows the progress of one operation: the first call posts, later ones update that message. */
export interface ProgressReporter {
  show(operation: OperationView, final?: boolean): Promise<void>;
  /** The posted message's timestamp, once there is one (stored in the journal). */
  messageTs(): string | null;
}

/** Says an operation's outcome some other way when its channel cannot be posted to (Slack: to the requester only). */
export type ProgressFallback = (operation: OperationView) => Promise<void>;

/**
 * Posts once, then updates in place. Updates are coalesced: while one is in flight only the latest waits,
 * so a fast operation on many services does not hit Slack's rate limits. Falls back when the channel
 * cannot be posted to (e.g. a private channel the bot is not in).
 */
export function messageProgress(outbound: Outbound, channel: string, fallback?: ProgressFallback): ProgressReporter {
  let posted: PostedMessage | null = null;
  let usingFallback = false;
  let chain: Promise<void> = Promise.resolve();
  let latest: OperationView | null = null;

  const send = async (operation: OperationView, final: boolean): Promise<void> => {
    if (usingFallback) {
      if (final && fallback) await fallback(operation);
      return;
    }
    if (!posted) {
      posted = await outbound.post(channel, { kind: 'operation', operation });
      if (!posted) {
        usingFallback = true;
        if (fallback) await fallback(operation);
      }
      return;
    }
    await outbound.update(posted, { kind: 'operation', operation });
  };

  return {
    show(operation, final = false) {
      latest = operation;
      const job = chain.then(async () => {
        if (latest !== operation && !final) return; // a newer update is queued behind this one
        await send(operation, final);
      });
      chain = job.catch(() => undefined);
      return job;
    },
    messageTs: () => posted?.ts ?? null,
  };
}
