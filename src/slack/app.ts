import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, webApi, type AllMiddlewareArgs, type Logger as BoltLogger, type SlackCommandMiddlewareArgs } from '@slack/bolt';
import { errorWithCauses, type Logger } from '../log.js';
import type { Sleep } from '../rate-limit.js';
import type { SlackPostObserver } from '../ops/metrics.js';
import type { HandledRequests } from '../store/handled-requests.js';
import { handleEnvCommand, type EnvCommandHandlerDeps } from './commands/env.js';
import type { SlackClient } from './directory.js';
import { registerApprovalInteractions } from './interactions/approvals.js';
import { registerCommandButtons } from './interactions/command-buttons.js';
import { registerForms } from './interactions/forms.js';
import { registerHome } from './interactions/home.js';
import { databaseFailedReply, type ModalView } from './blocks/common.js';
import { HomePublisher } from './home.js';
import { AfterAcks } from './after-acks.js';
import { ephemeralBody, postToResponseUrl, responseUrlHosts, RESPONSE_URL_DEADLINE_MS } from './response-url.js';
import { checkBotToken, tokenRejection } from './preflight.js';
import { buttonClickKey, isFutureDated } from './replays.js';

export interface SlackAppOptions {
  botToken: string;
  /** HTTP mode verifies every request with it. */
  signingSecret?: string | undefined;
  /** When set, Socket Mode: no public URL needed. */
  appToken?: string | undefined;
  slackApiUrl?: string | undefined;
  logger: Logger;
  /** Start-up stops retrying an unreachable Slack after this long (SLACK_CONNECT_TIMEOUT_SECONDS). */
  connectDeadlineMs: number;
  /** Counts Slack's 429 answers (the WebClient waits and retries them). */
  observer?: SlackPostObserver;
  /** How long one Web API request may take before it is given up (default `SLACK_REQUEST_DEADLINE_MS`). */
  requestDeadlineMs?: number;
}

/**
 * A Web API request that has not answered in this long is given up; with its two retries, a post or update
 * gives up within about half a minute instead of waiting on a hung connection (the client's default has no
 * deadline and retries for half an hour).
 */
export const SLACK_REQUEST_DEADLINE_MS = 10_000;
const SLACK_RETRIES = { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 2_000 };

/** Socket Mode's WebSocket, as the readiness check reports it. */
export type SocketState = 'connected' | 'connecting' | 'disconnected' | 'not started';

/** What the listeners need; built from the app's own WebClient so lookups go to the same API. */
export interface SlackListenerDeps {
  command: EnvCommandHandlerDeps;
  handled: HandledRequests;
  /** What the App Home redraws on: a listener for every environment that changed, and the refresh to wait for. */
  home?: { onChange(listener: (environment: string) => void): void; fleetSettled?: () => Promise<void>; sleep?: Sleep };
}

export interface SlackApp {
  app: App;
  /** The app's own WebClient, there from construction: lookups and posts go to the same (possibly overridden) API. */
  client: SlackClient;
  mode: 'http' | 'socket';
  /** HTTP mode: handles a request to /slack/events (dockhand's own HTTP server owns the port). */
  handleEvents: ((req: IncomingMessage, res: ServerResponse) => void) | null;
  /** Socket Mode: the WebSocket's state; HTTP mode: null. */
  socketState(): SocketState | null;
  /** Registers /env, the buttons and the replay guard; once, after the services they call are built. */
  listen(deps: SlackListenerDeps): void;
  /** Checks the bot token (auth.test) and, in Socket Mode, connects; only once listening. */
  start(): Promise<void>;
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

/** Follows the Socket Mode client's lifecycle events: connected only between Slack's `hello` and the socket closing. */
function trackSocket(receiver: SocketModeReceiver, logger: Logger): () => SocketState {
  let state: SocketState = 'not started';
  const set = (next: SocketState, event: string) => {
    if (next !== 'connected' && state === 'connected') logger.warn('Slack Socket Mode connection lost; reconnecting', { event });
    if (next === 'connected' && state !== 'connected') logger.info('Slack Socket Mode connected');
    state = next;
  };
  const client = receiver.client;
  client.on('connecting', () => set('connecting', 'connecting'));
  client.on('reconnecting', () => set('connecting', 'reconnecting'));
  client.on('connected', () => set('connected', 'connected'));
  client.on('close', () => set('disconnected', 'close'));
  client.on('disconnecting', () => set('disconnected', 'disconnecting'));
  client.on('disconnected', () => set('disconnected', 'disconnected'));
  return () => state;
}

/**
 * The one place that knows Bolt: picks the receiver and, through `listen`, wires the listeners. Its client
 * exists at once, so what posts and looks up through Slack is built from it before the listeners that call
 * them. dockhand's own HTTP server owns the port (health, metrics) and hands /slack/events to the HTTP
 * receiver; Socket Mode needs no port.
 */
export function createSlackApp(options: SlackAppOptions): SlackApp {
  const logger = boltLogger(options.logger);
  const clientOptions = {
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
    timeout: options.requestDeadlineMs ?? SLACK_REQUEST_DEADLINE_MS,
    retryConfig: SLACK_RETRIES,
  };
  let receiver: HTTPReceiver | SocketModeReceiver;
  if (options.appToken) {
    receiver = new SocketModeReceiver({ appToken: options.appToken, logger, installerOptions: { clientOptions } });
  } else {
    if (!options.signingSecret) throw new Error('HTTP mode needs SLACK_SIGNING_SECRET');
    const events = new HTTPReceiver({ signingSecret: options.signingSecret, logger });
    // In front of Bolt's verification, which refuses only stale requests: a future-dated one is refused too.
    const verified = events.requestListener;
    events.requestListener = (req, res) => {
      if (!isFutureDated(req, Date.now())) return verified(req, res);
      options.logger.warn('refused a Slack request dated in the future', { timestamp: req.headers['x-slack-request-timestamp'] });
      res.writeHead(401);
      res.end();
    };
    receiver = events;
  }
  const socketState = receiver instanceof SocketModeReceiver ? trackSocket(receiver, options.logger) : () => null;
  // Deferred so auth.test runs inside start(), where its failure is awaited and reported.
  // No conversation store: dockhand keeps no per-conversation state in Bolt's context, and Bolt's default one
  // made and caught an Error ("Conversation not found") for every command and click.
  const app = new App({ token: options.botToken, receiver, logger, clientOptions, deferInitialization: true, convoStore: false });
  if (options.observer) {
    const observer = options.observer;
    app.client.on(webApi.WebClientEvent.RATE_LIMITED, () => observer.rateLimitWait('slack_429'));
  }
  let listening = false;
  let home: HomePublisher | null = null;
  const listen = (deps: SlackListenerDeps) => {
    if (listening) throw new Error('the Slack listeners are registered already');
    listening = true;
    home = registerListeners(app, deps, options);
  };

  const mode = options.appToken ? 'socket' : 'http';
  let initialized = false;
  const http = receiver instanceof HTTPReceiver ? receiver : null;
  return {
    app,
    client: app.client,
    mode,
    handleEvents: http
      ? (req, res) => {
          try {
            http.requestListener(req, res);
          } catch {
            // Only /slack/events is routed here; anything else the receiver defers is not found.
            if (!res.headersSent) res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
          }
        }
      : null,
    socketState,
    listen,
    async start() {
      if (!listening) throw new Error('the Slack listeners must be registered before Slack starts');
      home?.resume();
      if (!initialized) {
        // Our own bounded auth.test first: a bad token is named, an unreachable Slack is not retried for 30 minutes.
        await checkBotToken({ botToken: options.botToken, slackApiUrl: options.slackApiUrl, deadlineMs: options.connectDeadlineMs, logger: options.logger });
        await app.init();
      }
      initialized = true;
      // HTTP mode has nothing to start: dockhand's server passes requests to the receiver.
      if (http) return;
      try {
        await app.start();
      } catch (error) {
        // apps.connections.open refuses a bad app-level token; Socket Mode then stops without retrying.
        throw tokenRejection('SLACK_APP_TOKEN', error) ?? error;
      }
    },
    async stop() {
      home?.stop();
      if (!http && socketState() !== 'not started') await app.stop();
    },
  };
}

/** A click's ack is due within Slack's 3 s: its request key is given up on (and the click answered) by then. */
const CLICK_CLAIM_DEADLINE_MS = 2000;

function claimWithin(ms: number, claim: Promise<boolean>): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the database did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([claim, late]).finally(() => clearTimeout(timer));
}

/** /env and the replay guard, the approval and command buttons, the forms, the App Home, and the error log, in the order Bolt runs them. */
function registerListeners(app: App, deps: SlackListenerDeps, options: Pick<SlackAppOptions, 'logger' | 'slackApiUrl'>): HomePublisher {
  const answerHosts = responseUrlHosts(options.slackApiUrl);
  const logError = (error: unknown) => {
    options.logger.error('unhandled Slack listener error', { error: errorWithCauses(error), code: (error as { code?: string }).code });
  };
  // What the commands wrote (their audit rows, the requests' keys) is committed before anything is told: one
  // commit for the commands of a burst.
  const afterAcks = new AfterAcks(logError, () => deps.handled.commit());
  const envCommand = async ({ command, ack, client }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    // Slack wants the ack within 3 s; the answer follows through response_url, which works in any channel.
    // Nothing else happens before the ack; the rest waits until the requests that have arrived are acked.
    await ack();
    afterAcks.run(async () => {
      const post = (reply: { text: string; blocks: unknown[] }) => postToResponseUrl(command.response_url, ephemeralBody(reply), RESPONSE_URL_DEADLINE_MS, answerHosts);
      // A redelivered request (same trigger id) must not act twice.
      let first: boolean;
      try {
        first = await deps.handled.claim(`command:${command.trigger_id}`, deps.command.clock.now().toISOString());
      } catch (error) {
        // The database is down or hung (its query deadline): the asker hears so rather than nothing.
        options.logger.error('a command was not run: its request could not be recorded', { user: command.user_id, error: errorWithCauses(error) });
        return post(databaseFailedReply());
      }
      if (!first) return;
      const answer = async (reply: { text: string; blocks: unknown[] }) => {
        await afterAcks.committed();
        await post(reply);
      };
      // The forms (`/env schedule <env> edit`, `/env extend <env>`) open with the command's trigger id.
      const openModal = async (view: ModalView) => {
        await afterAcks.committed();
        await client.views.open({ trigger_id: command.trigger_id, view });
      };
      const reply = await handleEnvCommand({ userId: command.user_id, channelId: command.channel_id, text: command.text, respond: answer, openModal }, deps.command);
      if (reply) await answer(reply);
    });
  };

  app.use(async (args) => {
    // /env is answered here, in front of the listeners: Bolt runs every request through the matchers of each
    // listener (a score of them: buttons, forms, the Home), which showed in the profile of every command.
    if ('command' in args && args.command.command === '/env') return envCommand(args);
    // A button click counts once, like a command: a redelivered or replayed payload is acked and dropped.
    const key = buttonClickKey(args.body);
    let first = true;
    if (key) {
      try {
        first = await claimWithin(CLICK_CLAIM_DEADLINE_MS, deps.handled.claim(key, deps.command.clock.now().toISOString()));
      } catch (error) {
        // The database is down or hung: Slack's 3 s for the ack must still be met, and the clicker hears why nothing happened.
        options.logger.error('a click was not acted on: its request could not be recorded', { error: errorWithCauses(error) });
        if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
        const responseUrl = (args.body as { response_url?: unknown }).response_url;
        if (typeof responseUrl === 'string') {
          const reply = databaseFailedReply();
          await postToResponseUrl(responseUrl, { response_type: 'ephemeral', replace_original: false, text: reply.text, blocks: reply.blocks }, RESPONSE_URL_DEADLINE_MS, answerHosts).catch(logError);
        }
        return;
      }
    }
    if (key && !first) {
      // The key holds the trigger id, which opens modals for a few seconds: logged only as a digest.
      options.logger.info('ignored a button click already handled', { key: createHash('sha256').update(key).digest('hex').slice(0, 16) });
      if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
      return;
    }
    await args.next();
  });

  registerApprovalInteractions(app, deps.command, options.logger, answerHosts);
  registerCommandButtons(app, deps.command, answerHosts);
  registerForms(app, deps.command);
  const home = new HomePublisher({ client: app.client, command: deps.command, ...(deps.home?.fleetSettled ? { fleetSettled: deps.home.fleetSettled } : {}), ...(deps.home?.sleep ? { sleep: deps.home.sleep } : {}) });
  registerHome(app, home, deps.home);

  app.error(async (error) => {
    options.logger.error('unhandled Slack listener error', { error: error.message, code: (error as { code?: string }).code });
  });
  return home;
}
