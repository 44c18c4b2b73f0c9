import { z } from 'zod';
import type { Messenger } from '../operations/messenger.js';
import type { SlackPostObserver } from '../ops/metrics.js';
import { KeyedRateLimiters, type Timing } from '../rate-limit.js';
import type { KnownBlock, Reply } from './blocks/common.js';

/** The part of Slack's WebClient that posting needs; Bolt's `app.client` is one. */
export interface ChatPoster {
  chat: {
    postMessage(args: { channel: string; text: string; blocks?: KnownBlock[]; thread_ts?: string; unfurl_links?: boolean; unfurl_media?: boolean }): Promise<unknown>;
  };
}

const postedSchema = z.object({ ts: z.string() });

/** Slack's error code (`channel_not_found`, `ratelimited`) from a WebClient error, if it has one. */
export function slackErrorCode(error: unknown): string | undefined {
  return (error as { data?: { error?: string } } | null)?.data?.error;
}

/** chat.postMessage allows about one message a second per channel. */
export const MESSAGES_PER_SECOND_PER_CHANNEL = 1;

/** Posts replies to channels, never faster than Slack's per-channel rate. */
export class ChannelPoster {
  private readonly limits: KeyedRateLimiters;

  /** `timing` defaults to real time; tests pass a ManualClock and a sleep that advances it. */
  constructor(
    private readonly client: ChatPoster,
    timing?: Timing,
    private readonly observer?: SlackPostObserver,
  ) {
    const onWait = observer ? () => observer.rateLimitWait('channel_limit') : undefined;
    this.limits = new KeyedRateLimiters({ limit: MESSAGES_PER_SECOND_PER_CHANNEL, intervalMs: 1000, ...(timing ? { timing } : {}), ...(onWait ? { onWait } : {}) });
  }

  /** Returns the message's ts, for threading and updates. */
  async post(channel: string, reply: Reply, threadTs?: string): Promise<string> {
    try {
      const response = await this.limits.for(channel).run(() =>
        this.client.chat.postMessage({
          channel,
          text: reply.text,
          blocks: reply.blocks,
          unfurl_links: false,
          unfurl_media: false,
          ...(threadTs ? { thread_ts: threadTs } : {}),
        }),
      );
      return postedSchema.parse(response).ts;
    } catch (error) {
      this.observer?.postFailed('chat.postMessage', slackErrorCode(error));
      throw error;
    }
  }
}

/** Lets the digest and anomaly jobs post through a Messenger when there is no Slack client (the demo console). */
export function messengerPoster(messenger: Messenger): ChatPoster {
  return {
    chat: {
      postMessage: async ({ channel, text, blocks }) => ({ ts: (await messenger.post(channel, { text, blocks: blocks ?? [] }))?.ts ?? '0' }),
    },
  };
}
