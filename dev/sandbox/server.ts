import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { autoscalingApi } from './autoscaling.js';
import { cloudTrailApi } from './cloudtrail.js';
import { costExplorerApi } from './cost-explorer.js';
import { ecsApi } from './ecs.js';
import { logsApi } from './logs.js';
import { faultError, SandboxError, toSandboxError } from './errors.js';
import { parseSigV4Credential, type SandboxIdentity } from './identity.js';
import { validationMessage, type AuditResource, type Call, type Operation, type ServiceApi, type ServiceName } from './protocol.js';
import type { World } from './state.js';
import { queryErrorCode, renderQueryError, renderQueryResponse, stsApi } from './sts.js';

/** JSON-protocol services by the X-Amz-Target prefix the SDK sends (read from each client's `serviceTarget`). */
const JSON_TARGETS: Record<string, ServiceApi> = {
  AmazonEC2ContainerServiceV20141113: ecsApi,
  AnyScaleFrontendService: autoscalingApi,
  CloudTrail_20131101: cloudTrailApi,
  'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101': cloudTrailApi,
  AWSInsightsIndexService: costExplorerApi,
  Logs_20140328: logsApi,
};

export interface RecordedRequest {
  service: ServiceName;
  operation: string;
  account: string;
  region: string;
  /** Sandbox-clock time of the call. */
  at: Date;
  identity: SandboxIdentity;
  accessKeyId: string;
  userAgent: string;
  /** The request as sent, before validation. */
  params: unknown;
  /** The error code answered, if the call failed. */
  error?: string;
}

export interface FaultRequest {
  service: ServiceName;
  operation: string;
  params: unknown;
  account: string;
  region: string;
  identity: SandboxIdentity;
}

export type FaultHook = (request: FaultRequest) => Error | undefined;

/** Which requests a hold keeps waiting: matched on the raw request, before anything is executed. */
export type HoldMatcher = (request: { service: ServiceName; operation: string; params: unknown }) => boolean;

export interface Hold {
  /** Resolves when the first matching request arrives and is being held. */
  reached: Promise<void>;
  /** Lets held requests (and later matching ones) through. */
  release(): void;
}

/** Faults tests inject: latency, throttling by operation, arbitrary failures, and a black hole. */
export class Faults {
  latencyMs = 0;
  /** Requests taken in while hanging: never answered, never executed. */
  private readonly hung = new Set<ServerResponse>();
  private hanging = false;

  /**
   * While on, every request is accepted and never answered, and nothing it asks for happens: a black-holed
   * network or a stuck proxy. Turning it off lets later requests through and drops the connections of the
   * hung ones (their clients have given up on them, or see the connection reset).
   */
  hang(on: boolean): void {
    this.hanging = on;
    if (on) return;
    for (const response of this.hung) response.socket?.destroy();
    this.hung.clear();
  }

  /** Takes the request into the black hole if hanging; true when it was. */
  swallow(response: ServerResponse): boolean {
    if (!this.hanging) return false;
    this.hung.add(response);
    response.once('close', () => this.hung.delete(response));
    return true;
  }
  private readonly throttles = new Map<string, number>();
  private readonly hooks: FaultHook[] = [];

  throttle(operation: string, times: number): void {
    this.throttles.set(operation, (this.throttles.get(operation) ?? 0) + times);
  }

  /** Consumes one pending throttle of the operation, if any. */
  takeThrottle(operation: string): boolean {
    const left = this.throttles.get(operation) ?? 0;
    if (left <= 0) return false;
    this.throttles.set(operation, left - 1);
    return true;
  }

  failOn(hook: FaultHook): void {
    this.hooks.push(hook);
  }

  private readonly holds: Array<{ matches: HoldMatcher; reach: () => void; released: Promise<void>; release: () => void }> = [];

  hold(matches: HoldMatcher): Hold {
    let reach = () => undefined as void;
    let letGo = () => undefined as void;
    const reached = new Promise<void>((resolve) => (reach = resolve));
    const released = new Promise<void>((resolve) => (letGo = resolve));
    const entry = {
      matches,
      reach,
      released,
      release: () => {
        const index = this.holds.indexOf(entry);
        if (index >= 0) this.holds.splice(index, 1);
        letGo();
      },
    };
    this.holds.push(entry);
    return { reached, release: entry.release };
  }

  /** Waits while any hold matches the request: the caller sees a request that never answers. */
  async waitForHolds(request: { service: ServiceName; operation: string; params: unknown }): Promise<void> {
    for (const hold of [...this.holds]) {
      if (!hold.matches(request)) continue;
      hold.reach();
      await hold.released;
    }
  }

  check(request: FaultRequest): Error | undefined {
    for (const hook of this.hooks) {
      const error = hook(request);
      if (error) return error;
    }
    return undefined;
  }

  /** Drops throttles, failure hooks and the black hole, and releases holds; latency stays until setLatency changes it. */
  clear(): void {
    this.hang(false);
    this.throttles.clear();
    this.hooks.length = 0;
    for (const hold of [...this.holds]) hold.release();
  }
}

/** Routes requests to operations: validation, faults, the handler, and a CloudTrail record for mutating calls. */
export class Dispatcher {
  constructor(
    private readonly world: World,
    private readonly faults: Faults,
    private readonly requests: RecordedRequest[],
  ) {}

  /** Runs one operation; `withFaults` is false for changes the sandbox's own API makes. */
  execute(api: ServiceApi, name: string, raw: unknown, call: Call, withFaults: boolean): unknown {
    const operation = api.operations[name];
    if (!operation) {
      throw new SandboxError('UnknownOperationException', `The sandbox does not implement ${api.service} operation ${name}.`);
    }
    if (withFaults && this.faults.takeThrottle(name)) throw new SandboxError('ThrottlingException', 'Rate exceeded');
    let params: unknown;
    try {
      const parsed = operation.input.safeParse(raw);
      if (!parsed.success) throw new SandboxError(api.validationErrorCode, validationMessage(parsed.error));
      params = parsed.data;
      const fault = withFaults
        ? this.faults.check({ service: api.service, operation: name, params, account: call.account, region: call.region, identity: call.identity })
        : undefined;
      if (fault) throw faultError(fault);
      const output = operation.handle(params, call);
      this.audit(api, name, operation, call, raw, params, { output });
      return output;
    } catch (thrown) {
      const error = toSandboxError(thrown);
      this.audit(api, name, operation, call, raw, params, { error });
      throw error;
    }
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (this.faults.swallow(response)) return;
    const requestId = randomUUID();
    if (request.method === 'GET') {
      return send(response, 200, 'application/json', requestId, JSON.stringify({ sandbox: 'dockhand', ok: true }));
    }
    const body = await readBody(request);
    if (this.faults.latencyMs > 0) await sleep(this.faults.latencyMs);
    const target = request.headers['x-amz-target'];
    if (typeof target === 'string') {
      const dot = target.lastIndexOf('.');
      const api = JSON_TARGETS[target.slice(0, dot)];
      if (!api) {
        return sendJsonError(response, requestId, new SandboxError('UnknownOperationException', `The sandbox serves no X-Amz-Target ${target}.`));
      }
      let raw: unknown;
      try {
        raw = body.length === 0 ? {} : JSON.parse(body);
      } catch {
        return sendJsonError(response, requestId, new SandboxError('SerializationException', 'The request body is not valid JSON.'));
      }
      await this.faults.waitForHolds({ service: api.service, operation: target.slice(dot + 1), params: raw });
      return this.serve(request, response, requestId, api, target.slice(dot + 1), raw);
    }
    const form = new URLSearchParams(body);
    const action = form.get('Action');
    if (action === null) {
      const error = new SandboxError('UnknownOperationException', 'Send an X-Amz-Target header (JSON protocols) or an Action form field (STS).');
      return sendJsonError(response, requestId, error);
    }
    form.delete('Action');
    form.delete('Version');
    return this.serve(request, response, requestId, stsApi, action, Object.fromEntries(form));
  }

  private serve(request: IncomingMessage, response: ServerResponse, requestId: string, api: ServiceApi, name: string, raw: unknown): void {
    const reply = (error: SandboxError) =>
      api.protocol === 'awsQuery'
        ? send(response, error.status, 'text/xml', requestId, renderQueryError(new SandboxError(queryErrorCode(error.code), error.message, error.status), requestId))
        : sendJsonError(response, requestId, error);
    const credential = parseSigV4Credential(request.headers.authorization);
    if (!credential) return reply(new SandboxError('MissingAuthenticationTokenException', 'Missing Authentication Token: sign requests with SigV4.', 403));
    const identity = this.world.identities.resolve(credential.accessKeyId);
    const userAgent = String(request.headers['user-agent'] ?? request.headers['x-amz-user-agent'] ?? '');
    const call: Call = {
      world: this.world,
      account: identity.accountId,
      region: credential.region,
      identity,
      accessKeyId: credential.accessKeyId,
      userAgent,
      sourceIPAddress: (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
      now: this.world.options.clock.now(),
      requestId,
    };
    const record: RecordedRequest = {
      service: api.service,
      operation: name,
      account: call.account,
      region: call.region,
      at: call.now,
      identity,
      accessKeyId: credential.accessKeyId,
      userAgent,
      params: raw,
    };
    this.requests.push(record);
    let output: unknown;
    try {
      output = this.execute(api, name, raw, call, true);
    } catch (thrown) {
      const error = toSandboxError(thrown);
      record.error = error.code;
      return reply(error);
    }
    if (api.protocol === 'awsQuery') return send(response, 200, 'text/xml', requestId, renderQueryResponse(name, output, requestId));
    return send(response, 200, 'application/x-amz-json-1.1', requestId, JSON.stringify(output));
  }

  private audit(
    api: ServiceApi,
    name: string,
    operation: Operation,
    call: Call,
    raw: unknown,
    params: unknown,
    outcome: { output?: unknown; error?: SandboxError },
  ): void {
    const audit = operation.audit;
    if (!audit) return;
    // Validation failures have no parsed params to name resources from; the record still shows the request.
    const resources: AuditResource[] = params === undefined ? [] : audit.resources(params, call);
    const account = (params === undefined ? undefined : audit.recipientAccount?.(params)) ?? call.account;
    const error = outcome.error;
    this.world.region(account, call.region).trail.record({
      eventName: name,
      eventSource: api.eventSource,
      eventTime: call.now.getTime(),
      identity: call.identity,
      ...(call.accessKeyId === undefined ? {} : { accessKeyId: call.accessKeyId }),
      userAgent: call.userAgent,
      sourceIPAddress: call.sourceIPAddress,
      awsRegion: call.region,
      recipientAccountId: account,
      requestParameters: raw,
      responseElements: error ? null : audit.responseElements ? audit.responseElements(outcome.output) : outcome.output,
      ...(error ? { errorCode: cloudTrailErrorCode(error.code), errorMessage: error.message } : {}),
      resources,
      readOnly: audit.readOnly ?? false,
      requestId: call.requestId,
    });
  }
}

/** CloudTrail names a denied call `AccessDenied` whichever exception the API answered with. */
function cloudTrailErrorCode(code: string): string {
  return code === 'AccessDeniedException' ? 'AccessDenied' : code;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, contentType: string, requestId: string, body: string, extra: Record<string, string> = {}): void {
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': requestId,
    ...extra,
  });
  response.end(body);
}

/** JSON-protocol errors: the SDK reads the code from x-amzn-ErrorType or the body's __type. */
function sendJsonError(response: ServerResponse, requestId: string, error: SandboxError): void {
  const body = JSON.stringify({ __type: error.code, message: error.message });
  send(response, error.status, 'application/x-amz-json-1.1', requestId, body, { 'x-amzn-errortype': error.code });
}
