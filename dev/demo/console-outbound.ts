import type { Outbound } from '../../src/outbound.js';
import { noticeMessages } from '../../src/slack/blocks/notices.js';
import { blocksToText } from './render-text.js';

/**
 * The demo's stand-in for Slack: channel posts and DMs are printed as Slack would draw them (a long
 * digest's thread message by message); of a message's updates, only the one-line summary while it is in
 * progress (⏳), and the whole message once it has its outcome.
 */
export function consoleOutbound(write: (text: string) => void): Outbound {
  let next = 0;
  const latest = new Map<string, string>();
  return {
    async post(channel, notice) {
      const messages = noticeMessages(notice);
      const ts = `${++next}.000000`;
      latest.set(ts, blocksToText(messages[0].blocks));
      for (const reply of messages) write(`[#${channel}] ${blocksToText(reply.blocks)}`);
      return { channel, ts, messages: messages.length };
    },
    async tell(userId, notice) {
      const messages = noticeMessages(notice);
      for (const reply of messages) write(`[DM to ${userId}] ${blocksToText(reply.blocks)}`);
      return { channel: userId, ts: `${++next}.000000`, messages: messages.length };
    },
    async update({ channel, ts }, notice) {
      const [reply] = noticeMessages(notice);
      const text = blocksToText(reply.blocks);
      if (latest.get(ts) === text) return;
      latest.set(ts, text);
      write(`[#${channel}, updated] ${text.startsWith('⏳') ? reply.text : text}`);
    },
  };
}
