import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readiness } from '../domain/readiness.js';
import { errorMessage, type Logger } from '../log.js';

export interface OpsServerOptions {
  port: number;
  logger: Logger;
  readiness: () => Promise<Readiness>;
  metrics: () => Promise<string>;
  /** Slack's requests in HTTP mode; null while this instance does not serve Slack (waiting for the lease, Socket Mode). */
  slackEvents: () => ((req: IncomingMessage, res: ServerResponse) => void) | null;
}

/**
 * Liveness: the process answers. What the container health check asks (Dockerfile, deploy/terraform), so a
 * task is replaced only when dockhand itself hangs, never because Slack or AWS is down.
 */
export const LIVENESS_PATH = '/health/live';

/** Slack sends events as POSTs to this path (manifest.yml's request URLs). */
const SLACK_EVENTS_PATH = '/slack/events';

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

/**
 * dockhand's one HTTP port: `/health/live` (the process answers), `/health/ready` and `/health` (every
 * readiness check, 503 when one fails), `/metrics` (Prometheus), and in HTTP mode `/slack/events`, handed to
 * Bolt's receiver. It is up before the lease is taken, so a waiting instance can say it is not ready.
 */
export class OpsServer {
  private server: Server | null = null;

  constructor(private readonly options: OpsServerOptions) {}

  private route(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = req.method ?? 'GET';
    if (path === SLACK_EVENTS_PATH && method === 'POST') {
      const handle = this.options.slackEvents();
      // Slack retries a 503, and by then the instance holding the lease may answer.
      if (!handle) return json(res, 503, { error: 'this dockhand instance is not serving Slack (it is waiting for the instance lease)' });
      return handle(req, res);
    }
    if (method !== 'GET' && method !== 'HEAD') return json(res, 405, { error: `${method} is not allowed here; use GET` });
    if (path === LIVENESS_PATH) return json(res, 200, { status: 'ok' });
    if (path === '/health' || path === '/health/ready') {
      this.options.readiness().then(
        (ready) => json(res, ready.status === 'ok' ? 200 : 503, ready),
        (error) => json(res, 503, { status: 'error', error: errorMessage(error) }),
      );
      return;
    }
    if (path === '/metrics') {
      this.options.metrics().then(
        (text) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text),
        (error) => json(res, 500, { error: `could not collect metrics: ${errorMessage(error)}` }),
      );
      return;
    }
    json(res, 404, { error: `nothing at ${path.slice(0, 100)}; try /health, /health/live, /health/ready or /metrics` });
  }

  /** Resolves with the bound port (port 0 picks a free one, for tests). */
  async start(): Promise<number> {
    const server = createServer((req, res) => {
      try {
        this.route(req, res);
      } catch (error) {
        this.options.logger.error('HTTP request failed', { path: req.url?.slice(0, 100), error: errorMessage(error) });
        if (!res.headersSent) json(res, 500, { error: 'internal error' });
      }
    });
    // Bound deadlines, so a slow client cannot hold a socket forever.
    server.requestTimeout = 30_000;
    server.headersTimeout = 10_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    return (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), 1000).unref();
    });
  }
}
