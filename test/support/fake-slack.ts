/**
 * A local fake of Slack's Web API (and of slash-command response URLs) for integration tests.
 *
 *   const slack = await startFakeSlack();
 *   const app = new App({ token: 'xoxb-test', signingSecret, clientOptions: { slackApiUrl: slack.apiUrl } });
 *   ...
 *   const call = await slack.waitFor('chat.postMessage');
 *   expect(call.body.blocks).toEqual([...]);
 *   await slack.close();
 *
 * Every request is recorded in `calls` with its method (`chat.postMessage`, or `response_url` for POSTs to a
 * URL from `responseUrl()`), its parsed body and the token it carried. WebClient sends form-encoded bodies with
 * JSON-encoded objects (`blocks`, `attachments`, ...); those are parsed back into objects. Other form values stay
 * strings, as Slack receives them (`unfurl_links: 'false'`).
 *
 * File uploads (files.uploadV2 = files.getUploadURLExternal, a POST of the bytes to the upload URL it hands
 * out, on this server, then files.completeUploadExternal) are recorded as calls too (the POST as `file_upload`)
 * and assembled in `uploads()`: the bytes as received and where the file was shared.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSlackCall {
  /** Web API method (`chat.postMessage`), or `response_url` for a POST to a `responseUrl()`. */
  method: string;
  /** The parsed request body (form or JSON; JSON-encoded form fields parsed back). */
  body: Record<string, unknown>;
  /** `Date.now()` when the request arrived. */
  at: number;
  /** The token from `Authorization: Bearer …`, or from a `token` body field; undefined if none was sent. */
  token: string | undefined;
  /** For `response_url` calls: the id given to (or made up by) `responseUrl(id)`. */
  responseId?: string;
  /** Request headers, lower-cased names. */
  headers: Record<string, string>;
}

/** What the fake answers: a JSON body, or a function of the call that returns one. */
export type FakeSlackResponder =
  | Record<string, unknown>
  | ((call: FakeSlackCall) => Record<string, unknown> | Promise<Record<string, unknown>>);

/** A file uploaded the files.uploadV2 way, once completed. */
export interface FakeSlackUpload {
  fileId: string;
  filename: string;
  /** The length announced to files.getUploadURLExternal. */
  length: number;
  altText: string | undefined;
  /** The bytes POSTed to the upload URL (multipart `file`/`body` part, or the raw body). */
  bytes: Buffer;
  /** From files.completeUploadExternal: where the file was shared (undefined: kept private). */
  channelId: string | undefined;
  threadTs: string | undefined;
  title: string | undefined;
  initialComment: string | undefined;
}

export interface FakeSlackRespondOptions {
  /** Answer only the next this-many calls with the responder, then fall back (default: every call from now on). */
  times?: number;
  /** HTTP status (default 200). WebClient treats 429 with `retry-after` as rate limiting, other non-200 as errors. */
  status?: number;
  /** Extra response headers, e.g. `{ 'retry-after': '1' }`. */
  headers?: Record<string, string>;
}

export interface FakeSlackOptions {
  /** Canned responses by method, as if passed to `respond()` before the first call. */
  responses?: Record<string, FakeSlackResponder>;
  /** Artificial latency for every answer, in milliseconds (default 0). */
  delayMs?: number;
}

export interface FakeSlack {
  /** Base URL of the server, e.g. `http://127.0.0.1:54321` (no trailing slash). */
  readonly url: string;
  /** Web API base for `new WebClient(token, { slackApiUrl })` / Bolt `clientOptions.slackApiUrl`; ends with `/api/`. */
  readonly apiUrl: string;
  /** Every request received, in arrival order. */
  readonly calls: FakeSlackCall[];
  /** The calls to one method. */
  callsTo(method: string): FakeSlackCall[];
  /** A URL on the fake that records POSTs as `response_url` calls (for a slash command's response_url). */
  responseUrl(id?: string): string;
  /**
   * Sets the answer for a method (or `response_url`). Without `times` it replaces the standing answer; with `times`
   * it answers the next calls first (several such answers are used in the order they were set), then falls back.
   */
  respond(method: string, responder: FakeSlackResponder, options?: FakeSlackRespondOptions): void;
  /**
   * Resolves with the first call, already recorded or arriving later, that matches: a method name, or a predicate.
   * Rejects after `timeoutMs` (default 5000) with the list of calls seen so far.
   */
  waitFor(match: string | ((call: FakeSlackCall) => boolean), timeoutMs?: number): Promise<FakeSlackCall>;
  /** Files uploaded and completed, in order of completion. */
  uploads(): FakeSlackUpload[];
  /** Forgets recorded calls and uploads (canned responses stay). */
  reset(): void;
  close(): Promise<void>;
}

interface Override {
  responder: FakeSlackResponder;
  remaining: number;
  status: number;
  headers: Record<string, string>;
}

interface MethodOverrides {
  /** Answers with `times`, used first, in the order they were set. */
  queue: Override[];
  /** The answer without `times`, used once the queue is empty. */
  standing?: Override;
}

interface Waiter {
  predicate: (call: FakeSlackCall) => boolean;
  resolve: (call: FakeSlackCall) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export const FAKE_TEAM_ID = 'T0TEST';
export const FAKE_BOT_USER_ID = 'UBOT';
export const FAKE_BOT_ID = 'BBOT';

/** Form fields WebClient JSON-encodes; other fields are parsed only if they hold a JSON object or array. */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'metadata', 'view', 'unfurls', 'options', 'channel_types', 'user_auth_blocks']);
const PLAIN_FIELDS = new Set(['text', 'token', 'channel', 'user', 'users', 'ts', 'thread_ts', 'trigger_id', 'user_id', 'view_id', 'hash']);

function parseFormValue(key: string, value: string): unknown {
  if (PLAIN_FIELDS.has(key)) return value;
  const looksJson = /^\s*[[{]/.test(value);
  if (!JSON_FIELDS.has(key) && !looksJson) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function parseBody(raw: string, contentType: string, query: URLSearchParams): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, value] of query) body[key] = parseFormValue(key, value);
  if (raw.trim() === '') return body;
  if (contentType.includes('application/json') || (!contentType.includes('form-urlencoded') && /^\s*\{/.test(raw))) {
    try {
      const parsed = JSON.parse(raw) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return { ...body, ...(parsed as Record<string, unknown>) };
      return { ...body, _json: parsed };
    } catch {
      return { ...body, _raw: raw };
    }
  }
  for (const [key, value] of new URLSearchParams(raw)) body[key] = parseFormValue(key, value);
  return body;
}

function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : fallback;
}

async function readBytes(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

/** The file's bytes from an upload POST: the multipart part that holds a file, else the whole body. */
async function uploadedBytes(raw: Buffer, contentType: string): Promise<Buffer> {
  if (!contentType.includes('multipart/form-data')) return raw;
  const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
  // WebClient sends the bytes as the `body` part; a curl user would send `file`.
  for (const name of ['body', 'file']) {
    const value = form.get(name);
    if (value !== null && typeof value !== 'string') return Buffer.from(await value.arrayBuffer());
  }
  throw new Error('multipart upload without a file part');
}

interface PendingUpload {
  filename: string;
  length: number;
  altText: string | undefined;
  bytes: Buffer | null;
}

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const calls: FakeSlackCall[] = [];
  const overrides = new Map<string, MethodOverrides>();
  const waiters = new Set<Waiter>();
  let messageCounter = 0;
  let responseCounter = 0;
  let viewCounter = 0;
  let fileCounter = 0;
  const pendingUploads = new Map<string, PendingUpload>();
  const completedUploads: FakeSlackUpload[] = [];
  let baseUrl = '';
  const baseSeconds = Math.floor(Date.now() / 1000);

  const nextTs = (): string => `${baseSeconds + ++messageCounter}.000100`;

  const defaults: Record<string, (call: FakeSlackCall) => Record<string, unknown>> = {
    'auth.test': () => ({
      ok: true,
      url: 'https://dockhand-test.slack.com/',
      team: 'dockhand test',
      user: 'dockhand',
      team_id: FAKE_TEAM_ID,
      user_id: FAKE_BOT_USER_ID,
      bot_id: FAKE_BOT_ID,
      is_enterprise_install: false,
    }),
    'chat.postMessage': ({ body }) => {
      const ts = nextTs();
      const message: Record<string, unknown> = {
        type: 'message',
        subtype: 'bot_message',
        text: str(body.text),
        user: FAKE_BOT_USER_ID,
        bot_id: FAKE_BOT_ID,
        ts,
      };
      if (body.blocks !== undefined) message.blocks = body.blocks;
      if (body.thread_ts !== undefined) message.thread_ts = body.thread_ts;
      return { ok: true, channel: str(body.channel, 'C0TEST'), ts, message };
    },
    'chat.update': ({ body }) => ({
      ok: true,
      channel: str(body.channel, 'C0TEST'),
      ts: str(body.ts),
      text: str(body.text),
      message: { type: 'message', text: str(body.text), user: FAKE_BOT_USER_ID, bot_id: FAKE_BOT_ID, ...(body.blocks !== undefined ? { blocks: body.blocks } : {}) },
    }),
    'chat.postEphemeral': () => ({ ok: true, message_ts: nextTs() }),
    'chat.delete': ({ body }) => ({ ok: true, channel: str(body.channel), ts: str(body.ts) }),
    'usergroups.list': () => ({ ok: true, usergroups: [] }),
    'usergroups.users.list': () => ({ ok: true, users: [] }),
    'users.info': ({ body }) => {
      const id = str(body.user, 'U0TEST');
      const name = id.toLowerCase();
      return {
        ok: true,
        user: {
          id,
          team_id: FAKE_TEAM_ID,
          name,
          real_name: `User ${id}`,
          tz: 'Europe/Berlin',
          tz_offset: 3600,
          is_bot: false,
          deleted: false,
          profile: { display_name: name, real_name: `User ${id}`, email: `${name}@example.com` },
        },
      };
    },
    'conversations.open': ({ body }) => {
      const users = str(body.users ?? body.user, 'U0TEST');
      return { ok: true, channel: { id: `D${users.replace(/[^A-Za-z0-9]/g, '').toUpperCase()}` } };
    },
    // Views (the App Home, modals) as Slack answers them: the view with an id and a hash.
    'views.publish': ({ body }) => ({ ok: true, view: { id: `VHOME${str(body.user_id)}`, hash: `${nextTs()}.home`, ...(body.view as Record<string, unknown>) } }),
    'views.open': ({ body }) => ({ ok: true, view: { id: `VMODAL${++viewCounter}`, hash: `${nextTs()}.modal`, ...(body.view as Record<string, unknown>) } }),
    'views.update': ({ body }) => ({ ok: true, view: { id: str(body.view_id), hash: `${nextTs()}.modal`, ...(body.view as Record<string, unknown>) } }),
    'files.getUploadURLExternal': ({ body }) => {
      const fileId = `F0UPLOAD${++fileCounter}`;
      pendingUploads.set(fileId, { filename: str(body.filename), length: Number(str(body.length, '0')), altText: typeof body.alt_text === 'string' ? body.alt_text : undefined, bytes: null });
      return { ok: true, upload_url: `${baseUrl}/upload/${fileId}`, file_id: fileId };
    },
    'files.completeUploadExternal': ({ body }) => {
      const files = (Array.isArray(body.files) ? body.files : []) as { id?: string; title?: string }[];
      const done = [];
      for (const file of files) {
        const pending = file.id ? pendingUploads.get(file.id) : undefined;
        if (!file.id || !pending?.bytes) return { ok: false, error: 'file_not_found' };
        pendingUploads.delete(file.id);
        completedUploads.push({
          fileId: file.id,
          filename: pending.filename,
          length: pending.length,
          altText: pending.altText,
          bytes: pending.bytes,
          channelId: typeof body.channel_id === 'string' ? body.channel_id : undefined,
          threadTs: typeof body.thread_ts === 'string' ? body.thread_ts : undefined,
          title: file.title,
          initialComment: typeof body.initial_comment === 'string' ? body.initial_comment : undefined,
        });
        done.push({ id: file.id, name: pending.filename, title: file.title ?? pending.filename, mimetype: 'image/png', size: pending.bytes.length });
      }
      return { ok: true, files: done };
    },
    file_upload: () => ({ ok: true }),
    response_url: () => ({ ok: true }),
  };

  for (const [method, responder] of Object.entries(options.responses ?? {})) {
    overrides.set(method, { queue: [], standing: { responder, remaining: Infinity, status: 200, headers: {} } });
  }

  async function answer(call: FakeSlackCall): Promise<{ status: number; headers: Record<string, string>; body: Record<string, unknown> }> {
    const entry = overrides.get(call.method);
    const override = entry?.queue[0] ?? entry?.standing;
    if (entry && override) {
      if (override === entry.queue[0]) {
        override.remaining -= 1;
        if (override.remaining <= 0) entry.queue.shift();
      }
      const body = typeof override.responder === 'function' ? await override.responder(call) : override.responder;
      return { status: override.status, headers: override.headers, body };
    }
    const fallback = defaults[call.method];
    return { status: 200, headers: {}, body: fallback ? fallback(call) : { ok: true } };
  }

  function record(call: FakeSlackCall): void {
    calls.push(call);
    for (const waiter of [...waiters]) {
      let matched = false;
      try {
        matched = waiter.predicate(call);
      } catch (error) {
        waiters.delete(waiter);
        clearTimeout(waiter.timer);
        waiter.reject(error instanceof Error ? error : new Error(String(error)));
        continue;
      }
      if (matched) {
        waiters.delete(waiter);
        clearTimeout(waiter.timer);
        waiter.resolve(call);
      }
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const apiMatch = /^\/api\/([A-Za-z0-9._-]+)$/.exec(url.pathname);
    const responseMatch = /^\/response\/([^/]+)$/.exec(url.pathname);
    const uploadMatch = /^\/upload\/([A-Za-z0-9]+)$/.exec(url.pathname);
    if (!apiMatch && !responseMatch && !uploadMatch) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'unknown_method' }));
      return;
    }
    const bytes = await readBytes(req);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    if (uploadMatch?.[1]) {
      const pending = pendingUploads.get(uploadMatch[1]);
      if (!pending) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no such upload');
        return;
      }
      pending.bytes = await uploadedBytes(bytes, headers['content-type'] ?? '');
      record({ method: 'file_upload', body: { file_id: uploadMatch[1], bytes: pending.bytes.length }, at: Date.now(), token: /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1], headers });
      const reply = await answer({ method: 'file_upload', body: {}, at: Date.now(), token: undefined, headers });
      // Slack's upload URL answers 200 with a plain "OK" body.
      res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers }).end(reply.status === 200 ? `OK - ${pending.bytes.length}` : 'error');
      return;
    }
    const raw = bytes.toString('utf8');
    const body = parseBody(raw, headers['content-type'] ?? '', url.searchParams);
    const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1];
    const call: FakeSlackCall = {
      method: apiMatch?.[1] ?? 'response_url',
      body,
      at: Date.now(),
      token: bearer ?? (typeof body.token === 'string' ? body.token : undefined),
      headers,
    };
    if (responseMatch?.[1]) call.responseId = decodeURIComponent(responseMatch[1]);
    // Record before answering, so a waiter sees the call even if the client never reads the answer.
    record(call);
    const reply = await answer(call);
    if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
    res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...reply.headers }).end(JSON.stringify(reply.body));
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: 'fake_slack_error', detail: String(error) }));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  baseUrl = url;

  const fake: FakeSlack = {
    url,
    apiUrl: `${url}/api/`,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    responseUrl: (id) => `${url}/response/${encodeURIComponent(id ?? `r${++responseCounter}`)}`,
    respond(method, responder, opts = {}) {
      const entry = overrides.get(method) ?? { queue: [] };
      const override: Override = { responder, remaining: opts.times ?? Infinity, status: opts.status ?? 200, headers: opts.headers ?? {} };
      if (opts.times === undefined) entry.standing = override;
      else if (opts.times > 0) entry.queue.push(override);
      overrides.set(method, entry);
    },
    waitFor(match, timeoutMs = 5000) {
      const predicate = typeof match === 'string' ? (c: FakeSlackCall) => c.method === match : match;
      const seen = calls.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise<FakeSlackCall>((resolve, reject) => {
        const waiter: Waiter = {
          predicate,
          resolve,
          reject,
          timer: setTimeout(() => {
            waiters.delete(waiter);
            const what = typeof match === 'string' ? match : 'a matching call';
            const seenMethods = calls.map((c) => c.method).join(', ') || 'none';
            reject(new Error(`fake Slack: no ${what} within ${timeoutMs} ms (calls so far: ${seenMethods})`));
          }, timeoutMs),
        };
        waiters.add(waiter);
      });
    },
    uploads: () => [...completedUploads],
    reset() {
      calls.length = 0;
      completedUploads.length = 0;
    },
    async close() {
      for (const waiter of waiters) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error('fake Slack closed'));
      }
      waiters.clear();
      // Let requests in flight get their answer; drop idle keep-alive connections now, stragglers after a grace period.
      await new Promise<void>((resolve, reject) => {
        const force = setTimeout(() => server.closeAllConnections(), 500);
        server.close((error) => {
          clearTimeout(force);
          if (error) reject(error);
          else resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
  return fake;
}
