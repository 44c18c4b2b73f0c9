import type { ServerResponse } from 'node:http';
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, type CustomRoute, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../log.js';
import type { ApprovalService } from '../operations/approval-service.js';
import type { HandledRequests } from '../store/handled-requests.js';
import { handleEnvCommand, type EnvCommandHandlerDeps } from './commands/env.js';
import type { SlackClient } from './directory.js';
import { registerApprovalInteractions } from './interactions/approvals.js';
import { registerCommandButtons } from './interactions/command-buttons.js';
import type { SnoozeResult } from './commands/idle.js';
import { checkBotToken, tokenRejection } from './preflight.js';
import { buttonClickKey, isFutureDated } from './replays.js';

export interface SlackAppOptions {
  botToken: string;
  /** HTTP mode verifies every request with it. */
  signingSecret?: string | undefined;
  /** When set, Socket Mode: no public URL needed. */
  appToken?: string | undefined;
  slackApiUrl?: string | undefined;
  /** HTTP mode: the events port; Socket Mode: the port of the /health endpoint. */
  port: number;
  logger: Logger;
  health: () => Record<string, unknown>;
  /** Start-up stops retrying an unreachable Slack after this long (SLACK_CONNECT_TIMEOUT_SECONDS). */
  connectDeadlineMs: number;
}

/** What the listeners need; built from the app's own WebClient so lookups go to the same API. */
export interface SlackListenerDeps {
  command: EnvCommandHandlerDeps;
  approvals: ApprovalService;
  handled: HandledRequests;
  snooze: (environment: string, userId: string, now: Date) => SnoozeResult;
}

export interface SlackApp {
  app: App;
  mode: 'http' | 'socket';
  /** Resolves with the bound port (useful with port 0 in tests). */
  start(): Promise<number>;
  stop(): Promise<void>;
}

function boltLogger(logger: Logger): BoltLogger {
  const join = (parts: unknown[]) => parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' ');
  let level = LogLevel.INFO;
  return {
    debug: (...msg) => logger.debug(join(msg), { source: 'bolt' }),
    info: (...msg) => logger.info(join(msg), { source: 'bolt' }),
    warn: (...msg) => logger.warn(join(msg), { source: 'bolt' }),
    error: (...msg) => logger.error(join(msg), { source: 'bolt' }),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

/**
 * Liveness: the process answers. What the ECS container health check (deploy/terraform) asks, so a task is
 * replaced only when dockhand itself hangs, never because Slack or AWS is down.
 */
export const LIVENESS_PATH = '/health/live';

function livenessRoute(): CustomRoute {
  return {
    path: LIVENESS_PATH,
    method: ['GET'],
    handler: (_req, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'alive' }));
    },
  };
}

function healthRoute(health: () => Record<string, unknown>): CustomRoute {
  return {
    path: '/health',
    method: ['GET'],
    handler: (_req, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', ...health() }));
    },
  };
}

/**
 * The one place that knows Bolt: picks the receiver, wires the listeners, exposes /health. The command
 * dependencies are built from the app's own WebClient, so lookups go to the same (possibly overridden) API.
 */
export function createSlackApp(options: SlackAppOptions, makeDeps: (client: SlackClient) => SlackListenerDeps): SlackApp {
  const logger = boltLogger(options.logger);
  const customRoutes = [livenessRoute(), healthRoute(options.health)];
  const clientOptions = options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {};
  let receiver: HTTPReceiver | SocketModeReceiver;
  if (options.appToken) {
    receiver = new SocketModeReceiver({ appToken: options.appToken, logger, customRoutes, installerOptions: { port: options.port, clientOptions } });
  } else {
    if (!options.signingSecret) throw new Error('HTTP mode needs SLACK_SIGNING_SECRET');
    const http = new HTTPReceiver({ signingSecret: options.signingSecret, logger, customRoutes, port: options.port });
    // In front of Bolt's verification, which refuses only stale requests: a future-dated one is refused too.
    const verified = http.requestListener;
    http.requestListener = (req, res) => {
      if (!isFutureDated(req, Date.now())) return verified(req, res);
      options.logger.warn('refused a Slack request dated in the future', { timestamp: req.headers['x-slack-request-timestamp'] });
      res.writeHead(401);
      res.end();
    };
    receiver = http;
  }
  // Deferred so auth.test runs inside start(), where its failure is awaited and reported.
  const app = new App({ token: options.botToken, receiver, logger, clientOptions, deferInitialization: true });
  const deps = makeDeps(app.client);

  // A button click counts once, like a command: a redelivered or replayed payload is acked and dropped.
  app.use(async (args) => {
    const key = buttonClickKey(args.body);
    if (key && !deps.handled.claim(key, deps.command.clock.now().toISOString())) {
      options.logger.info('ignored a button click already handled', { key });
      if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
      return;
    }
    await args.next();
  });

  app.command('/env', async ({ command, ack, respond }) => {
    // Slack wants the ack within 3 s; the answer follows through response_url, which works in any channel.
    await ack();
    // Yield once, so the event loop acks every request that has already arrived before doing this one's
    // work: under load, acks (Slack's 3-second deadline) do not queue behind other commands' answers.
    await new Promise((resolve) => setImmediate(resolve));
    // A redelivered request (same trigger id) must not act twice.
    if (!deps.handled.claim(`command:${command.trigger_id}`, deps.command.clock.now().toISOString())) return;
    const answer = async (reply: { text: string; blocks: unknown[] }) => {
      await respond({ response_type: 'ephemeral', text: reply.text, blocks: reply.blocks as never });
    };
    const reply = await handleEnvCommand({ userId: command.user_id, channelId: command.channel_id, text: command.text, respond: answer }, deps.command);
    if (reply) await answer(reply);
  });

  registerApprovalInteractions(app, { approvals: deps.approvals, directory: deps.command.directory, logger: options.logger });
  registerCommandButtons(app, deps.command, deps.snooze);

  app.error(async (error) => {
    options.logger.error('unhandled Slack listener error', { error: error.message, code: (error as { code?: string }).code });
  });

  const mode = options.appToken ? 'socket' : 'http';
  return {
    app,
    mode,
    async start() {
      // Our own bounded auth.test first: a bad token is named, an unreachable Slack is not retried for 30 minutes.
      await checkBotToken({ botToken: options.botToken, slackApiUrl: options.slackApiUrl, deadlineMs: options.connectDeadlineMs, logger: options.logger });
      await app.init();
      if (receiver instanceof HTTPReceiver) {
        const server = await receiver.start(options.port);
        const address = server.address();
        return typeof address === 'object' && address ? address.port : options.port;
      }
      try {
        await app.start();
      } catch (error) {
        // apps.connections.open refuses a bad app-level token; Socket Mode then stops without retrying.
        throw tokenRejection('SLACK_APP_TOKEN', error) ?? error;
      }
      return options.port;
    },
    stop: () => app.stop() as Promise<void>,
  };
}
