import type { CostPerDay } from './domain/cost/daily.js';
import type { Notice } from './domain/notices.js';
import type { Logger } from './log.js';

/** Where a posted message is: to update it. */
export interface PostedMessage {
  channel: string;
  ts: string;
}

export interface Posted extends PostedMessage {
  /** How many messages the notice took: a long digest continues in its thread. */
  messages: number;
}

/**
 * How operations and jobs tell people what happened: they hand over a notice as data, the implementation
 * decides how it looks and keeps to the chat's limits. Slack in production (slack/outbound.ts), the
 * terminal in the demo, nowhere when dockhand runs without either.
 */
export interface Outbound {
  /** Posts to a channel; null when the channel cannot be posted to (the caller falls back or reports). */
  post(channel: string, notice: Notice): Promise<Posted | null>;
  /** A direct message to one person (a Slack user id); null when they cannot be written to. */
  tell(userId: string, notice: Notice): Promise<Posted | null>;
  /** Replaces a posted message with the notice's latest state. */
  update(message: PostedMessage, notice: Notice): Promise<void>;
  /**
   * Draws a chart and puts it in the channel (in the thread of `threadTs` when given). Optional: where there
   * is no picture to show, callers go without. Never throws: a chart that could not go out says why.
   */
  attachChart?(place: ChartPlace, chart: Chart): Promise<ChartOutcome>;
}

/** A picture to go with a message, as plain data: the outbound side draws it. */
export interface Chart {
  kind: 'cost-per-day';
  /** Plain text, e.g. "Cost per day by environment · last 7 days". */
  title: string;
  data: CostPerDay;
}

export interface ChartPlace {
  channel: string;
  threadTs?: string;
  /** Who asked for it (a Slack user id), named beside a chart shared on someone's behalf. */
  askedBy?: string;
}

export type ChartOutcome = { attached: true; fileId: string } | { attached: false; reason: string };

/**
 * Thrown when a notice that takes several messages failed after the first was out: the caller counts it
 * as posted (a partial thread beats posting it twice). Its message is the failure's.
 */
export class NoticePartlyPosted extends Error {
  constructor(
    readonly posted: Posted,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/**
 * Without Slack or a console there is nowhere to post; operations still run and are journaled. Progress
 * and approval requests are refused (null), so their callers fall back or say so; digests, cost and live alerts
 * count as delivered, so the jobs do not retry them for ever.
 */
export function silentOutbound(logger: Logger): Outbound {
  return {
    post: async (channel, notice) => {
      logger.warn('no messenger configured; not posting', { channel });
      return notice.kind === 'digest' || notice.kind === 'cost-anomaly' || notice.kind === 'live-alert' ? { channel, ts: '0', messages: 1 } : null;
    },
    tell: async () => null,
    update: async () => undefined,
  };
}
