import type { Messenger } from '../../src/operations/messenger.js';
import { blocksToText } from './render-text.js';

/**
 * The demo's stand-in for Slack: channel posts and DMs are printed; of a message's updates, only the
 * one-line summary while it is in progress (⏳), and the whole message once it has its outcome.
 */
export function consoleMessenger(write: (text: string) => void): Messenger {
  let next = 0;
  const latest = new Map<string, string>();
  return {
    async post(channel, reply) {
      const ts = `${++next}.000000`;
      latest.set(ts, blocksToText(reply.blocks));
      write(`[#${channel}] ${blocksToText(reply.blocks)}`);
      return { channel, ts };
    },
    async update(channel, ts, reply) {
      const text = blocksToText(reply.blocks);
      if (latest.get(ts) === text) return;
      latest.set(ts, text);
      write(`[#${channel}, updated] ${text.startsWith('⏳') ? reply.text : text}`);
    },
    async tell(userId, reply) {
      write(`[DM to ${userId}] ${blocksToText(reply.blocks)}`);
    },
  };
}
