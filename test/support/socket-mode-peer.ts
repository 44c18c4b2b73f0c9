/**
 * A local stand-in for Slack's Socket Mode servers: a WebSocket server on loopback that greets each connection
 * with `hello`, delivers envelopes, records the acks and can ask for a reconnect or drop the connection.
 *
 *   const peer = await startSocketModePeer();
 *   slack.respond('apps.connections.open', () => ({ ok: true, url: peer.url }));   // the fake Web API
 *   ... dockhand with SLACK_APP_TOKEN connects: apps.connections.open with the app token, then this URL
 *   const ack = await peer.deliver('slash_commands', { command: '/env', text: 'list', ... });
 *
 * Slack's protocol, as @slack/socket-mode implements it: the client opens the URL, waits for
 * `{"type":"hello"}`, answers every envelope with `{"envelope_id": …, "payload": …}`, and on
 * `{"type":"disconnect"}` (reason `refresh_requested`, `warning`, …) or a lost connection fetches a new URL
 * and connects again.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface SocketModeAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

export interface SocketModePeer {
  /** `ws://127.0.0.1:<port>/link/?ticket=…`, what apps.connections.open answers. */
  readonly url: string;
  /** Connections greeted with hello so far (each reconnect adds one). */
  readonly hellos: number;
  /** Connections open now. */
  readonly open: number;
  /** Resolves once `count` connections in all have been greeted (default: one more than now). */
  waitForHello(count?: number, timeoutMs?: number): Promise<void>;
  /** Sends an envelope on the open connection; resolves with the client's ack (its envelope_id echoed). */
  deliver(type: 'slash_commands' | 'interactive' | 'events_api', payload: Record<string, unknown>, timeoutMs?: number): Promise<SocketModeAck>;
  /** Asks the client to reconnect, as Slack does before recycling a server. */
  disconnect(reason?: 'refresh_requested' | 'warning' | 'link_disabled'): void;
  /** Drops every open connection without a close handshake, as a network failure would. */
  terminate(): void;
  /** While refused, new connections are closed at once instead of greeted (Slack unreachable). */
  refuse(refused: boolean): void;
  close(): Promise<void>;
}

export async function startSocketModePeer(): Promise<SocketModePeer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const sockets = new Set<WebSocket>();
  const acks = new Map<string, (ack: SocketModeAck) => void>();
  const helloWaiters: Array<{ count: number; resolve: () => void }> = [];
  let hellos = 0;
  let refused = false;
  let envelopes = 0;

  server.on('connection', (socket) => {
    if (refused) {
      socket.terminate();
      return;
    }
    sockets.add(socket);
    // Slack pings every few seconds; the client gives up on a server silent for 30 s.
    const ping = setInterval(() => socket.ping(), 5000);
    socket.on('close', () => {
      clearInterval(ping);
      sockets.delete(socket);
    });
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as SocketModeAck;
      acks.get(message.envelope_id)?.(message);
      acks.delete(message.envelope_id);
    });
    socket.send(JSON.stringify({ type: 'hello', num_connections: sockets.size, debug_info: { host: 'applink-local', approximate_connection_time: 3600 }, connection_info: { app_id: 'A0DOCKHAND' } }));
    hellos += 1;
    for (const waiter of [...helloWaiters]) {
      if (hellos >= waiter.count) {
        helloWaiters.splice(helloWaiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });

  const current = (): WebSocket => {
    const socket = [...sockets].at(-1);
    if (!socket) throw new Error('Socket Mode peer: no client is connected');
    return socket;
  };

  return {
    url: `ws://127.0.0.1:${port}/link/?ticket=local`,
    get hellos() {
      return hellos;
    },
    get open() {
      return sockets.size;
    },
    waitForHello(count = hellos + 1, timeoutMs = 20_000) {
      if (hellos >= count) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`Socket Mode peer: ${hellos} hello(s), not ${count}, within ${timeoutMs} ms`)), timeoutMs);
        helloWaiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
    deliver(type, payload, timeoutMs = 10_000) {
      const envelopeId = `env-${++envelopes}-${Date.now()}`;
      const acked = new Promise<SocketModeAck>((resolve, reject) => {
        const timer = setTimeout(() => {
          acks.delete(envelopeId);
          reject(new Error(`Socket Mode peer: envelope ${envelopeId} (${type}) not acked within ${timeoutMs} ms`));
        }, timeoutMs);
        acks.set(envelopeId, (ack) => (clearTimeout(timer), resolve(ack)));
      });
      current().send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api' }));
      return acked;
    },
    disconnect(reason = 'refresh_requested') {
      current().send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-local' } }));
    },
    terminate() {
      for (const socket of sockets) socket.terminate();
    },
    refuse(next) {
      refused = next;
    },
    async close() {
      for (const socket of sockets) socket.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
