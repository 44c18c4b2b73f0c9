import type { Logger } from '../log.js';
import type { Messenger } from '../operations/messenger.js';
import type { SlackClient } from './directory.js';
import { postMessageResponseSchema } from './schema.js';

/** Errors that mean "this channel cannot be posted to", as opposed to Slack being down. */
const UNPOSTABLE = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action', 'cannot_dm_bot']);

function slackErrorCode(error: unknown): string | undefined {
  return (error as { data?: { error?: string } }).data?.error;
}

export function slackMessenger(client: SlackClient, logger: Logger): Messenger {
  return {
    async post(channel, reply) {
      try {
        const response = postMessageResponseSchema.parse(await client.chat.postMessage({ channel, text: reply.text, blocks: reply.blocks }));
        return { channel: response.channel, ts: response.ts };
      } catch (error) {
        const code = slackErrorCode(error);
        if (code && UNPOSTABLE.has(code)) {
          logger.warn('cannot post to channel', { channel, error: code });
          return null;
        }
        throw error;
      }
    },
    async update(channel, ts, reply) {
      await client.chat.update({ channel, ts, text: reply.text, blocks: reply.blocks });
    },
    async tell(userId, reply) {
      // Posting to a user id lands in the bot's DM with them (the app's Messages tab).
      await client.chat.postMessage({ channel: userId, text: reply.text, blocks: reply.blocks });
    },
  };
}
