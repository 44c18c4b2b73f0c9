import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/load.js';
import { jsonLogger } from '../../src/log.js';
import { startDockhand, type Dockhand } from '../../src/main.js';
import { startSandbox, type Sandbox } from '../../dev/sandbox/index.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { SANDBOX_CREDENTIALS, SIGNING_SECRET, TEST_POLICY } from '../support/harness.js';
import { blockActionsPayload, interactionBody, postSigned, slashCommandBody } from '../support/signed-request.js';

const lines: string[] = [];
let sandbox: Sandbox;
let slack: FakeSlack;
let dockhand: Dockhand;
let elsewhere: Server;
let elsewhereHits = 0;
let eventsUrl: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dockhand-attack-'));
  sandbox = await startSandbox({ convergeDelayMs: 0 });
  slack = await startFakeSlack();
  slack.respond('usergroups.list', { ok: true, usergroups: [{ id: 'S0PLATFORM', users: ['U0LEE', 'U0KIM'] }] });
  elsewhere = createServer((req, res) => {
    elsewhereHits += 1;
    req.resume();
    res.end('ok');
  });
  await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
  dockhand = await startDockhand({
    env: { DOCKHAND_DB: join(dir, 'd.db'), PORT: 0, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl },
    policy: parsePolicy(TEST_POLICY),
    logger: jsonLogger('debug', (l) => lines.push(l)),
    aws: { endpoint: sandbox.url, credentials: SANDBOX_CREDENTIALS },
    slack: true,
    refreshEveryMs: null,
    housekeeping: false,
    reportJobs: false,
  });
  await dockhand.refresher.refresh('test');
  eventsUrl = `http://127.0.0.1:${dockhand.port}/slack/events`;
});
afterAll(async () => {
  await dockhand.stop();
  await slack.close();
  await sandbox.close();
  await new Promise((resolve) => elsewhere.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('where answers go and what the log keeps', () => {
  it('a replayed click is logged without its trigger id', async () => {
    const trigger = '12345.67890.faketriggerREPLAY';
    const body = interactionBody(blockActionsPayload({ action_id: 'idle_snooze', value: 'staging-1', user_id: 'U0MARIA', response_url: slack.responseUrl('dupe'), trigger_id: trigger }));
    await postSigned(eventsUrl, SIGNING_SECRET, body);
    await postSigned(eventsUrl, SIGNING_SECRET, body);
    await sleep(300);
    const replayed = lines.filter((l) => l.includes('ignored a button click already handled'));
    expect(replayed).toHaveLength(1);
    expect(replayed[0]).not.toContain('faketriggerREPLAY');
  });

  it('an /env answer is not sent to a response_url that is not Slack’s', async () => {
    const port = (elsewhere.address() as AddressInfo).port;
    await postSigned(eventsUrl, SIGNING_SECRET, slashCommandBody({ text: 'list', user_id: 'U0MARIA', response_url: `http://127.0.0.1:${port}/response/x` }));
    await sleep(1000);
    expect(elsewhereHits).toBe(0);
    // The same command answering to Slack's URL is sent.
    const id = 'to-slack';
    await postSigned(eventsUrl, SIGNING_SECRET, slashCommandBody({ text: 'list', user_id: 'U0MARIA', response_url: slack.responseUrl(id) }));
    await slack.waitFor((c) => c.method === 'response_url' && c.responseId === id);
  });

  it('a button’s answer is not sent to a response_url that is not Slack’s either', async () => {
    const port = (elsewhere.address() as AddressInfo).port;
    const refused = () => lines.filter((l) => /the response_url \(http:\/\/127\.0\.0\.1:\d+\/actions\/x\) is not Slack’s/.test(l)).length;
    const before = refused();
    for (const [actionId, value] of [['idle_snooze', 'nowhere'], ['approval_approve', '999999'], ['idle_stop', 'nowhere']] as const) {
      await postSigned(eventsUrl, SIGNING_SECRET, interactionBody(blockActionsPayload({ action_id: actionId, value, user_id: 'U0MARIA', response_url: `http://127.0.0.1:${port}/actions/x` })));
    }
    // Each answer is refused unsent (and logged); none reaches the other host.
    for (let waited = 0; refused() < before + 3 && waited < 10_000; waited += 20) await sleep(20);
    expect(refused()).toBe(before + 3);
    expect(elsewhereHits).toBe(0);
    // The same click with Slack's URL is answered there.
    const id = 'button-to-slack';
    await postSigned(eventsUrl, SIGNING_SECRET, interactionBody(blockActionsPayload({ action_id: 'idle_snooze', value: 'nowhere', user_id: 'U0MARIA', response_url: slack.responseUrl(id) })));
    const answer = await slack.waitFor((c) => c.method === 'response_url' && c.responseId === id);
    expect(String(answer.body.text)).toMatch(/^No environment called `?nowhere/);
  });
});
