import { z } from 'zod';
import type { Notice } from '../domain/notices.js';
import type { Logger } from '../log.js';
import type { SlackPostObserver } from '../ops/metrics.js';
import { NoticePartlyPosted, type Chart, type ChartOutcome, type ChartPlace, type Outbound, type Posted, type PostedMessage } from '../outbound.js';
import { KeyedRateLimiters, type Timing } from '../rate-limit.js';
import type { KnownBlock, Reply } from './blocks/common.js';
import type { OwnerMentions } from './blocks/format.js';
import { noticeMessages } from './blocks/notices.js';
import { chartMissingReply } from './blocks/cost.js';
import type { SlackCharts } from './charts.js';

/** The part of Slack's WebClient that posting needs; Bolt's `app.client` is one. */
export interface ChatClient {
  chat: {
    postMessage(args: { channel: string; text: string; blocks?: KnownBlock[]; thread_ts?: string; unfurl_links?: boolean; unfurl_media?: boolean }): Promise<unknown>;
    update(args: { channel: string; ts: string; text: string; blocks: KnownBlock[] }): Promise<unknown>;
  };
}

const postedSchema = z.object({ ts: z.string() });

/** Slack's error code (`channel_not_found`, `ratelimited`) from a WebClient error, if it has one. */
export function slackErrorCode(error: unknown): string | undefined {
  return (error as { data?: { error?: string } } | null)?.data?.error;
}

/** chat.postMessage allows about one message a second per channel. */
export const MESSAGES_PER_SECOND_PER_CHANNEL = 1;

/** Errors that mean "this channel cannot be posted to", as opposed to Slack being down. */
const UNPOSTABLE = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action', 'cannot_dm_bot']);

export interface SlackOutboundOptions {
  logger: Logger;
  /** Defaults to real time; tests pass a ManualClock and a sleep that advances it. */
  timing?: Timing;
  observer?: SlackPostObserver;
  /** Who an owner tag names (the workspace's members and groups), so notices about an environment ping its owner. */
  ownerMentions?: () => Promise<OwnerMentions | undefined>;
  /** Draws and uploads charts (files.uploadV2); without it, attachChart says there is nowhere to draw. */
  charts?: Pick<SlackCharts, 'attach'>;
}

/**
 * The outbound port in Slack: each notice drawn as Block Kit, new messages never faster than Slack's
 * per-channel rate (one limiter for everything dockhand posts, DMs included), updates straight out.
 */
export class SlackOutbound implements Outbound {
  private readonly limits: KeyedRateLimiters;

  constructor(
    private readonly client: ChatClient,
    private readonly options: SlackOutboundOptions,
  ) {
    const { observer, timing } = options;
    const onWait = observer ? () => observer.rateLimitWait('channel_limit') : undefined;
    this.limits = new KeyedRateLimiters({ limit: MESSAGES_PER_SECOND_PER_CHANNEL, intervalMs: 1000, ...(timing ? { timing } : {}), ...(onWait ? { onWait } : {}) });
  }

  async post(channel: string, notice: Notice): Promise<Posted | null> {
    const [main, ...thread] = noticeMessages(notice, await this.mentionsFor(notice));
    let ts: string;
    try {
      ts = await this.postMessage(channel, main);
    } catch (error) {
      const code = slackErrorCode(error);
      if (code && UNPOSTABLE.has(code)) {
        this.options.logger.warn('cannot post to channel', { channel, error: code });
        return null;
      }
      throw error;
    }
    const posted = { channel, ts, messages: 1 };
    for (const reply of thread) {
      try {
        await this.postMessage(channel, reply, ts);
      } catch (error) {
        throw new NoticePartlyPosted(posted, error);
      }
      posted.messages += 1;
    }
    return posted;
  }

  /** Posting to a user id lands in the bot's DM with them (the app's Messages tab). */
  tell(userId: string, notice: Notice): Promise<Posted | null> {
    return this.post(userId, notice);
  }

  async update(message: PostedMessage, notice: Notice): Promise<void> {
    const [reply] = noticeMessages(notice, await this.mentionsFor(notice));
    try {
      await this.client.chat.update({ channel: message.channel, ts: message.ts, text: reply.text, blocks: reply.blocks });
    } catch (error) {
      this.options.observer?.postFailed('chat.update', slackErrorCode(error));
      throw error;
    }
  }

  /** The owner lookup, read only for notices that name owners; a lookup that fails leaves owners as text. */
  private async mentionsFor(notice: Notice): Promise<OwnerMentions | undefined> {
    if (notice.kind !== 'schedule-warning' && notice.kind !== 'tick-report') return undefined;
    try {
      return await this.options.ownerMentions?.();
    } catch (error) {
      this.options.logger.warn('cannot look up owners; they are named as text', { error: String(error) });
      return undefined;
    }
  }

  /** The chart into the channel or thread; a chart that could not go into a thread is said there in a line. */
  async attachChart(place: ChartPlace, chart: Chart): Promise<ChartOutcome> {
    const outcome: ChartOutcome = this.options.charts ? await this.options.charts.attach(place, chart) : { attached: false, reason: 'charts are not set up' };
    if (!outcome.attached && place.threadTs) {
      try {
        await this.postMessage(place.channel, chartMissingReply(chart.title, outcome.reason), place.threadTs);
      } catch (error) {
        this.options.logger.warn('cannot say the chart is missing', { channel: place.channel, error: slackErrorCode(error) ?? String(error) });
      }
    }
    return outcome;
  }

  /** Returns the message's ts, for threading and updates. */
  private async postMessage(channel: string, reply: Reply, threadTs?: string): Promise<string> {
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
      this.options.observer?.postFailed('chat.postMessage', slackErrorCode(error));
      throw error;
    }
  }
}
