import { afterEach, describe, expect, it } from 'vitest';
import { createSlackApp } from '../../src/slack/app.js';
import { silentLogger } from '../../src/log.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';

describe('the bot’s Web API client', () => {
  let slack: FakeSlack | null = null;
  afterEach(async () => {
    await slack?.close();
    slack = null;
  });

  it('gives up a request Slack never answers, after two retries, instead of waiting on it', async () => {
    slack = await startFakeSlack();
    // chat.postMessage hangs: the connection is accepted and never answered.
    slack.respond('chat.postMessage', () => new Promise(() => undefined));
    const { client } = createSlackApp({ botToken: 'xoxb-test', signingSecret: 'secret', slackApiUrl: slack.apiUrl, logger: silentLogger, connectDeadlineMs: 1_000, requestDeadlineMs: 200 });
    await expect(client.chat.postMessage({ channel: 'C0DEV', text: 'hello' })).rejects.toThrow();
    expect(slack.callsTo('chat.postMessage')).toHaveLength(3);
  });
});
