import type { Logger } from '../log.js';
import type { Reply } from '../slack/blocks/common.js';

/** Where operations and approvals talk to people: Slack in production, the terminal in the demo. */
export interface Messenger {
  /** Posts to a channel; null when the channel cannot be posted to (the caller falls back or reports). */
  post(channel: string, reply: Reply): Promise<{ channel: string; ts: string } | null>;
  update(channel: string, ts: string, reply: Reply): Promise<void>;
  /** A direct message to one person. */
  tell(userId: string, reply: Reply): Promise<void>;
}

/** Shows the progress of one operation: the first call posts, later ones update that message. */
export interface ProgressReporter {
  show(reply: Reply, final?: boolean): Promise<void>;
  /** The posted message's timestamp, once there is one (stored in the journal). */
  messageTs(): string | null;
}

/**
 * Posts once, then updates in place. Updates are coalesced: while one is in flight only the latest waits,
 * so a fast operation on many services does not hit Slack's rate limits. Falls back when the channel
 * cannot be posted to (e.g. a private channel the bot is not in).
 */
export function messageProgress(messenger: Messenger, channel: string, fallback?: (reply: Reply) => Promise<void>): ProgressReporter {
  let posted: { channel: string; ts: string } | null = null;
  let usingFallback = false;
  let chain: Promise<void> = Promise.resolve();
  let latest: Reply | null = null;

  const send = async (reply: Reply, final: boolean): Promise<void> => {
    if (usingFallback) {
      if (final && fallback) await fallback(reply);
      return;
    }
    if (!posted) {
      posted = await messenger.post(channel, reply);
      if (!posted) {
        usingFallback = true;
        if (fallback) await fallback(reply);
      }
      return;
    }
    await messenger.update(posted.channel, posted.ts, reply);
  };

  return {
    show(reply, final = false) {
      latest = reply;
      const job = chain.then(async () => {
        if (latest !== reply && !final) return; // a newer update is queued behind this one
        await send(reply, final);
      });
      chain = job.catch(() => undefined);
      return job;
    },
    messageTs: () => posted?.ts ?? null,
  };
}

/** Without Slack or a console there is nowhere to post; operations still run and are journaled. */
export function silentMessenger(logger: Logger): Messenger {
  return {
    post: async (channel) => {
      logger.warn('no messenger configured; not posting', { channel });
      return null;
    },
    update: async () => undefined,
    tell: async () => undefined,
  };
}
