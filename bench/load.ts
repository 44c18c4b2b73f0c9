/**
 * Drives a Bolt HTTP receiver the way Slack does: signed slash commands over HTTP, many at once, timing each
 * ack. Under load this runs in a process of its own (bench/driver-process.ts), so the fake Slack API taking
 * dockhand's answers in the benchmark's process cannot delay the clock that times the acks.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FakeSlack, FakeSlackCall } from '../test/support/fake-slack.js';
import { signSlackRequest, slashCommandBody } from '../test/support/signed-request.js';

export interface AckTiming {
  status: number;
  /** From just before the request is written to the end of the ack's body, in ms. */
  ackMs: number;
  /** Date.now() just before sending: comparable with FakeSlackCall.at. */
  sentAt: number;
  responseId: string;
}

export interface CommandOptions {
  userId: string;
  channelId?: string;
  timeoutMs?: number;
}

let sequence = 0;

/** Keep-alive connections, as many as the concurrency asks for: connection setup is not what is measured. */
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function post(url: URL, headers: Record<string, string>, body: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, timeout: timeoutMs },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
        res.once('error', reject);
      },
    );
    req.once('timeout', () => req.destroy(new Error(`no ack within ${timeoutMs} ms`)));
    req.once('error', reject);
    req.end(body);
  });
}

export class SlackDriver {
  private readonly url: URL;

  constructor(
    eventsUrl: string,
    private readonly signingSecret: string,
    /** Where answers go: a response URL on the fake Slack API (FakeSlack.responseUrl, or built from its base URL). */
    private readonly responseUrl: (id: string) => string,
    /** Prefix of this driver's response URL ids, so answers to different phases never mix. */
    private readonly tag: string,
  ) {
    this.url = new URL(eventsUrl);
  }

  /** Sends `/env <text>` signed as Slack would; resolves with the ack's timing. */
  async command(text: string, options: CommandOptions): Promise<AckTiming> {
    const responseId = `${this.tag}-${++sequence}`;
    const body = slashCommandBody({ text, user_id: options.userId, channel_id: options.channelId ?? 'C0BENCH', response_url: this.responseUrl(responseId) });
    const headers = signSlackRequest(this.signingSecret, body);
    const sentAt = Date.now();
    const started = performance.now();
    const status = await post(this.url, headers, body, options.timeoutMs ?? 10_000);
    return { status, ackMs: performance.now() - started, sentAt, responseId };
  }
}

/** The first answer posted to a command's response URL. */
export function answerTo(slack: FakeSlack, responseId: string, timeoutMs = 30_000): Promise<FakeSlackCall> {
  return slack.waitFor((call) => call.method === 'response_url' && call.responseId === responseId, timeoutMs);
}

/** What the load driver process is asked to do (bench/driver-process.ts). */
export interface LoadRequest {
  eventsUrl: string;
  signingSecret: string;
  /** The fake Slack API's base URL; answers go to `<base>/response/<id>`. */
  slackUrl: string;
  tag: string;
  text: string;
  userId: string;
  count: number;
  concurrency: number;
}

/** Sends `count` commands, `concurrency` at a time; every ack's timing in send order. */
export function runLoad(request: LoadRequest): Promise<AckTiming[]> {
  const driver = new SlackDriver(request.eventsUrl, request.signingSecret, (id) => `${request.slackUrl}/response/${encodeURIComponent(id)}`, request.tag);
  return runConcurrent(request.count, request.concurrency, () => driver.command(request.text, { userId: request.userId }));
}

/**
 * Runs `task(0 … total-1)` with at most `concurrency` in flight; resolves with the results in index order.
 * Bounded: exactly `total` tasks run.
 */
export async function runConcurrent<T>(total: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(total);
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return results;
}

/** Waits until `count()` reaches `target`, polling; throws with `what` after `timeoutMs`. */
export async function waitUntil(count: () => number, target: number, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (count() < target) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${count()} of ${target}`);
    await sleep(20);
  }
}
