import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, LogLevel } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSlack } from './fake-slack.js';
import type { FakeSlack } from './fake-slack.js';
import { blockActionsPayload, interactionBody, postSigned, signSlackRequest, slashCommandBody } from './signed-request.js';

const TOKEN = 'xoxb-test-token';
const SECRET = 'test-signing-secret';

describe('fake Slack Web API', () => {
  let slack: FakeSlack;

  beforeEach(async () => {
    slack = await startFakeSlack();
  });
  afterEach(async () => {
    await slack.close();
  });

  it('records a WebClient chat.postMessage with its blocks parsed back', async () => {
    const client = new WebClient(TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*staging-3* is running' } }];

    const first = await client.chat.postMessage({ channel: 'C123', text: 'staging-3 is running', blocks });
    const second = await client.chat.postMessage({ channel: 'C123', text: 'again', thread_ts: first.ts });

    expect(first.ok).toBe(true);
    expect(first.channel).toBe('C123');
    expect(first.ts).toMatch(/^\d+\.000100$/);
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    const calls = slack.callsTo('chat.postMessage');
    expect(calls).toHaveLength(2);
    expect(calls[0]?.body).toMatchObject({ channel: 'C123', text: 'staging-3 is running', blocks });
    expect(calls[0]?.token).toBe(TOKEN);
    expect(calls[0]?.at).toBeLessThanOrEqual(Date.now());
    expect(calls[1]?.body.thread_ts).toBe(first.ts);
  });

  it('answers with sensible defaults and canned responses', async () => {
    const client = new WebClient(TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });

    expect(await client.auth.test()).toMatchObject({ ok: true, user_id: 'UBOT', team_id: 'T0TEST', bot_id: 'BBOT' });
    expect(await client.usergroups.list()).toMatchObject({ ok: true, usergroups: [] });
    expect((await client.conversations.open({ users: 'U1' })).channel?.id).toMatch(/^D/);
    expect((await client.users.info({ user: 'U42' })).user?.id).toBe('U42');
    expect(await client.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'hi' })).toMatchObject({ ok: true, message_ts: expect.any(String) as unknown });
    expect(await client.apiCall('reactions.add', { channel: 'C1', timestamp: '1.2', name: 'eyes' })).toMatchObject({ ok: true });

    slack.respond('usergroups.list', { ok: true, usergroups: [{ id: 'S0PLATFORM', handle: 'platform', users: ['U1'] }] });
    expect((await client.usergroups.list()).usergroups?.[0]?.id).toBe('S0PLATFORM');

    slack.respond('chat.update', { ok: false, error: 'message_not_found' }, { times: 1 });
    await expect(client.chat.update({ channel: 'C1', ts: '1.2', text: 'x' })).rejects.toThrow(/message_not_found/);
    expect(await client.chat.update({ channel: 'C1', ts: '1.2', text: 'x' })).toMatchObject({ ok: true, ts: '1.2' });

    slack.respond('users.info', (call) => ({ ok: true, user: { id: call.body.user, tz: 'America/New_York' } }));
    expect((await client.users.info({ user: 'U7' })).user?.tz).toBe('America/New_York');
  });

  it('records POSTs to a response URL and wakes up waiters', async () => {
    const url = slack.responseUrl('cmd-1');
    const waiting = slack.waitFor((c) => c.method === 'response_url' && c.responseId === 'cmd-1');

    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', text: 'working on it', blocks: [{ type: 'divider' }] }),
    });

    expect(response.status).toBe(200);
    const call = await waiting;
    expect(call.body).toEqual({ response_type: 'ephemeral', text: 'working on it', blocks: [{ type: 'divider' }] });
    expect(slack.callsTo('response_url')).toHaveLength(1);
    // Already-recorded calls satisfy later waits at once.
    await expect(slack.waitFor('response_url', 50)).resolves.toBe(call);
    await expect(slack.waitFor('chat.delete', 50)).rejects.toThrow(/no chat.delete within 50 ms/);
  });
});

describe('signSlackRequest', () => {
  it('signs like Slack does', () => {
    // Example from Slack's "Verifying requests from Slack" guide.
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    const headers = signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', body, 1531420618);
    expect(headers['x-slack-signature']).toBe('v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503');
    expect(headers['x-slack-request-timestamp']).toBe('1531420618');
    expect(headers['content-type']).toBe('application/x-www-form-urlencoded');
  });
});

describe('signed requests against a real Bolt HTTP receiver', () => {
  let slack: FakeSlack;
  let app: App;
  let eventsUrl: string;
  const seen: string[] = [];

  beforeEach(async () => {
    seen.length = 0;
    slack = await startFakeSlack();
    app = new App({
      token: TOKEN,
      signingSecret: SECRET,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
      // Without this, the constructor fires auth.test and nothing awaits it: it could race close() below.
      deferInitialization: true,
    });
    await app.init();
    app.command('/env', async ({ command, ack, respond }) => {
      await ack();
      seen.push(`command:${command.text}`);
      await respond({ response_type: 'ephemeral', text: `got ${command.text}` });
    });
    app.action('approve', async ({ ack, body, client }) => {
      await ack();
      if (body.type !== 'block_actions') return;
      const action = body.actions[0];
      seen.push(`action:${action && 'value' in action ? String(action.value) : ''}`);
      await client.chat.update({ channel: body.channel?.id ?? '', ts: body.message?.ts ?? '', text: 'approved' });
    });
    const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
    eventsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });
  afterEach(async () => {
    await app.stop();
    await slack.close();
  });

  it('delivers a signed slash command; respond() reaches the fake response URL', async () => {
    const responseUrl = slack.responseUrl();
    const body = slashCommandBody({ text: 'status staging-3', user_id: 'U123', response_url: responseUrl });

    const { status } = await postSigned(eventsUrl, SECRET, body);

    expect(status).toBe(200);
    const reply = await slack.waitFor('response_url');
    expect(reply.body).toMatchObject({ text: 'got status staging-3', response_type: 'ephemeral' });
    expect(seen).toEqual(['command:status staging-3']);
  });

  it('delivers a signed button click', async () => {
    const payload = blockActionsPayload({ action_id: 'approve', value: 'apr_42', user_id: 'U999', channel_id: 'C7', message_ts: '1700000000.000100' });

    const { status } = await postSigned(eventsUrl, SECRET, interactionBody(payload));

    expect(status).toBe(200);
    const update = await slack.waitFor('chat.update');
    expect(update.body).toMatchObject({ channel: 'C7', ts: '1700000000.000100', text: 'approved' });
    expect(seen).toEqual(['action:apr_42']);
  });

  it('is rejected when the signature is tampered, the secret wrong or the timestamp stale', async () => {
    const body = slashCommandBody({ text: 'list', user_id: 'U123', response_url: slack.responseUrl() });

    expect((await postSigned(eventsUrl, SECRET, body, { tamperSignature: true })).status).toBe(401);
    expect((await postSigned(eventsUrl, SECRET, body, { wrongSecret: 'not-the-secret' })).status).toBe(401);
    expect((await postSigned(eventsUrl, SECRET, body, { ageSeconds: 10 * 60 })).status).toBe(401);
    expect(seen).toEqual([]);
    expect(slack.callsTo('response_url')).toHaveLength(0);
  });
});
