import type { Logger } from '../log.js';
import type { Messenger } from '../operations/messenger.js';
import type { SlackPostObserver } from '../ops/metrics.js';
import { slackErrorCode, type ChannelPoster } from './channel-poster.js';
import type { SlackClient } from './directory.js';

/** Errors that mean "this channel cannot be posted to", as opposed to Slack being down. */
const UNPOSTABLE = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action', 'cannot_dm_bot']);

/** New messages go through the poster, which keeps every channel under Slack's rate; updates go straight out. */
export function slackMessenger(client: SlackClient, poster: Pick<ChannelPoster, 'post'>, logger: Logger, observer?: SlackPostObserver): Messenger {
  return {
    async post(channel, reply) {
      try {
        return { channel, ts: await poster.post(channel, reply) };
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
      try {
        await client.chat.update({ channel, ts, text: reply.text, blocks: reply.blocks });
      } catch (error) {
        observer?.postFailed('chat.update', slackErrorCode(error));
        throw error;
      }
    },
    async tell(userId, reply) {
      // Posting to a user id lands in the bot's DM with them (the app's Messages tab).
      await poster.post(userId, reply);
    },
  };
}
