import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isSlackResponseUrl, postToResponseUrl, responseUrlHosts } from '../../src/slack/response-url.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A local server; `connections` counts the TCP connections it accepted. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  const server = createServer(handler);
  server.on('connection', () => (connections += 1));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/response/x`, connections: () => connections };
}

describe('which response URLs an answer may go to', () => {
  const hosts = responseUrlHosts('http://127.0.0.1:4000/api/');
  const allowed = (url: string) => isSlackResponseUrl(new URL(url), hosts);

  it('takes Slack’s own, over https, at a command’s or an interaction’s path', () => {
    expect(allowed('https://hooks.slack.com/commands/T0TEST/123/abc')).toBe(true);
    expect(allowed('https://hooks.slack.com/actions/T0TEST/123/abc')).toBe(true);
    expect(allowed('https://hooks.slack-gov.com/commands/T0TEST/123/abc')).toBe(true);
  });

  it('refuses Slack’s host over http, on another port, or at any other path', () => {
    expect(allowed('http://hooks.slack.com/commands/T0TEST/123/abc')).toBe(false);
    expect(allowed('https://hooks.slack.com:8443/commands/T0TEST/123/abc')).toBe(false);
    expect(allowed('https://hooks.slack.com/services/T0/B0/secret')).toBe(false);
    expect(allowed('https://hooks.slack.com/')).toBe(false);
  });

  it('refuses every other host, and takes the configured Slack API’s (tests, a proxy)', () => {
    expect(allowed('https://hooks.slack.com.evil.example/commands/T0/1/a')).toBe(false);
    expect(allowed('https://example.com/commands/T0/1/a')).toBe(false);
    expect(allowed('http://127.0.0.1:4001/response/x')).toBe(false);
    expect(allowed('http://127.0.0.1:4000/response/x')).toBe(true);
  });
});

describe('posting to a response URL', () => {
  it('refuses a URL that is not Slack’s unsent', async () => {
    const elsewhere = await serve((_req, res) => res.end('ok'));
    await expect(postToResponseUrl(elsewhere.url, { text: 'x' }, 1000, responseUrlHosts())).rejects.toThrow(/not Slack’s; nothing was sent/);
    await expect(postToResponseUrl('http://hooks.slack.com/commands/T0/1/a', { text: 'x' }, 1000, responseUrlHosts())).rejects.toThrow(/not Slack’s/);
    expect(elsewhere.connections()).toBe(0);
  });

  it('sends a prepared JSON body as it is, over one kept-alive connection', async () => {
    const bodies: string[] = [];
    const target = await serve((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c)).on('end', () => {
        bodies.push(`${req.method} ${req.url} ${req.headers['content-type']} ${body}`);
        res.end('ok');
      });
    });
    for (let i = 0; i < 20; i++) await postToResponseUrl(target.url, `{"text":"answer ${i}"}`);
    expect(bodies).toEqual(Array.from({ length: 20 }, (_, i) => `POST /response/x application/json {"text":"answer ${i}"}`));
    // The pool may open a second connection while the first is being released; not one per answer.
    expect(target.connections()).toBeLessThanOrEqual(2);
  });

  it('names a closed port and an answer that never comes; a 2xx whose body stalls is delivered and let go', async () => {
    const closed = await serve(() => undefined);
    const url = closed.url;
    servers.pop()!.close();
    await expect(postToResponseUrl(url, { text: 'x' }, 1000)).rejects.toThrow(/Failed to respond to the response_url|ECONNREFUSED/);
    const silent = await serve(() => undefined);
    await expect(postToResponseUrl(silent.url, { text: 'x' }, 200)).rejects.toThrow(/no answer from the response_url within 200 ms/);
    // Slack said 200: the answer is delivered; the body's own deadline closes the exchange instead of waiting on it.
    const stalls = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('o');
    });
    await expect(postToResponseUrl(stalls.url, { text: 'x' }, 200)).resolves.toBeUndefined();
  });
});
