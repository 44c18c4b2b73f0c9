import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FakeSlackCall } from '../support/fake-slack.js';
import { startHarness, type Harness } from '../support/harness.js';
import { sample } from '../support/metrics-text.js';
import { blockActionsPayload } from '../support/signed-request.js';
import type { SocketModePeer } from '../support/socket-mode-peer.js';

let h: Harness;
let peer: SocketModePeer;
let sequence = 0;
let opened: FakeSlackCall[] = [];

beforeAll(async () => {
  h = await startHarness({ socketMode: true });
  peer = h.peer as SocketModePeer;
  opened = h.slack.callsTo('apps.connections.open');
});
afterAll(() => h.close());
beforeEach(() => h.slack.reset());

/** A slash command as Socket Mode delivers it: the same fields as the HTTP form, as a JSON payload. */
function slashCommand(userId: string, text: string) {
  const responseId = `sock${++sequence}`;
  const payload = {
    token: 'verification-token',
    team_id: 'T0TEST',
    team_domain: 'dockhand-test',
    channel_id: 'C0DEV',
    channel_name: 'dockhand-test',
    user_id: userId,
    user_name: userId.toLowerCase(),
    command: '/env',
    text,
    api_app_id: 'A0DOCKHAND',
    is_enterprise_install: 'false',
    response_url: h.slack.responseUrl(responseId),
    trigger_id: `sock.${sequence}.${Date.now()}`,
  };
  return { payload, responseId };
}

async function command(userId: string, text: string) {
  const { payload, responseId } = slashCommand(userId, text);
  const ack = await peer.deliver('slash_commands', payload);
  const answer = await h.slack.waitFor((c) => c.method === 'response_url' && c.responseId === responseId, 8000);
  return { ack, answer };
}

async function health(): Promise<{ status: number; body: { failing: string[]; checks: { slack: { ok: boolean; state: string } } } }> {
  const response = await fetch(`${h.baseUrl}/health`);
  return { status: response.status, body: (await response.json()) as never };
}

describe('Socket Mode against a local WebSocket peer', () => {
  it('opens the connection with the app token and counts as connected after hello', async () => {
    expect(peer.hellos).toBe(1);
    expect(opened.map((c) => c.token)).toEqual(['xapp-test']);
    const { status, body } = await health();
    expect(status).toBe(200);
    expect(body.checks.slack).toEqual({ ok: true, mode: 'socket', state: 'connected' });
  });

  it('acks a slash-command envelope over the socket, echoing its envelope_id, then answers at the response URL', async () => {
    const { ack, answer } = await command('U0MARIA', 'list staging-*');
    expect(ack.envelope_id).toMatch(/^env-/);
    expect(JSON.stringify(answer.body.blocks)).toContain('staging-3');
  });

  it('runs an approval clicked in a block_actions envelope', async () => {
    await command('U0DEV', 'restart prod');
    const request = await h.slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0APPROVALS');
    const actions = (request.body.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find((b) => b.type === 'actions');
    const id = actions?.elements?.find((e) => e.action_id === 'approval_approve')?.value;
    expect(id).toMatch(/^\d+$/);
    const restartsBefore = h.sandbox.requests.filter((r) => r.operation === 'UpdateService').length;
    const click = blockActionsPayload({ action_id: 'approval_approve', value: id, user_id: 'U0ADMIN', channel_id: 'C0APPROVALS', response_url: h.slack.responseUrl('sock-click') });
    const ack = await peer.deliver('interactive', click);
    expect(ack.envelope_id).toMatch(/^env-/);
    const answer = await h.slack.waitFor((c) => c.method === 'response_url' && c.responseId === 'sock-click', 8000);
    expect(String(answer.body.text)).toMatch(/approved/i);
    await vi.waitFor(() => expect(h.sandbox.requests.filter((r) => r.operation === 'UpdateService').length).toBeGreaterThan(restartsBefore), { timeout: 8000 });
  });

  it('reconnects when Slack asks it to (disconnect, refresh_requested) and keeps answering', async () => {
    const before = peer.hellos;
    peer.disconnect('refresh_requested');
    await peer.waitForHello(before + 1);
    expect(h.slack.callsTo('apps.connections.open').length).toBeGreaterThanOrEqual(1);
    expect(h.slack.callsTo('apps.connections.open').every((c) => c.token === 'xapp-test')).toBe(true);
    const { ack } = await command('U0MARIA', 'status staging-3');
    expect(ack.envelope_id).toMatch(/^env-/);
  }, 30_000);

  it('reconnects after the connection drops, and /health says slack while it is down', async () => {
    peer.refuse(true);
    const before = peer.hellos;
    peer.terminate();
    await vi.waitFor(async () => expect((await health()).status).toBe(503), { timeout: 10_000 });
    const down = await health();
    expect(down.body.failing).toEqual(['slack']);
    expect(down.body.checks.slack.ok).toBe(false);
    expect(sample(await (await fetch(`${h.baseUrl}/metrics`)).text(), 'dockhand_slack_connected')).toBe(0);
    peer.refuse(false);
    await peer.waitForHello(before + 1, 30_000);
    await vi.waitFor(async () => expect((await health()).status).toBe(200), { timeout: 5000 });
    expect(sample(await (await fetch(`${h.baseUrl}/metrics`)).text(), 'dockhand_slack_connected')).toBe(1);
    const { ack } = await command('U0MARIA', 'list');
    expect(ack.envelope_id).toMatch(/^env-/);
  }, 60_000);
});
