import { AsyncScope } from '../async-scope.js';

/**
 * What the AWS calls made inside a piece of work share, carried through the SDK's middleware by async
 * context: the request ids AWS answered with (dockhand keeps them to know its own calls in CloudTrail) and
 * the deadline the work must end by.
 */
interface CallScope {
  requestIds: string[] | null;
  deadline: Deadline | null;
}

interface Deadline {
  signal: AbortSignal;
  /** What the deadline bounds, for the message: "reading us-east-1", "stopping staging-3/api". */
  what: string;
  ms: number;
}

const scopes = new AsyncScope<CallScope>();

/** Thrown when work ran past its deadline. Not retryable: the SDK's retry loop stops at it. */
export class DeadlineExceeded extends Error {
  override readonly name = 'DeadlineExceeded';
  constructor(
    readonly what: string,
    readonly ms: number,
  ) {
    super(`AWS did not answer within ${seconds(ms)} (the deadline for ${what})`);
  }
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

export function isDeadlineExceeded(error: unknown): error is DeadlineExceeded {
  return error instanceof DeadlineExceeded || (error as { cause?: unknown } | null)?.cause instanceof DeadlineExceeded;
}

/** Rejects when the signal aborts; the returned cleanup stops listening. */
function whenAborted(deadline: Deadline): { promise: Promise<never>; stop: () => void } {
  let stop = () => undefined as void;
  const promise = new Promise<never>((_, reject) => {
    const onAbort = () => reject(new DeadlineExceeded(deadline.what, deadline.ms));
    if (deadline.signal.aborted) return onAbort();
    deadline.signal.addEventListener('abort', onAbort, { once: true });
    stop = () => deadline.signal.removeEventListener('abort', onAbort);
  });
  promise.catch(() => undefined);
  return { promise, stop };
}

/**
 * Runs `work` with a deadline: it settles by then, rejected with DeadlineExceeded if AWS has not answered.
 * AWS calls still in flight stop at their next attempt (the middleware refuses to send past the deadline),
 * so nothing is changed in AWS after dockhand has reported the work as failed. A nested deadline never
 * outlives the one around it.
 */
export async function withDeadline<T>(ms: number, what: string, work: () => Promise<T>): Promise<T> {
  const outer = scopes.getStore();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  const onOuterAbort = () => controller.abort();
  outer?.deadline?.signal.addEventListener('abort', onOuterAbort, { once: true });
  const deadline: Deadline = outer?.deadline?.signal.aborted ? outer.deadline : { signal: controller.signal, what, ms };
  const aborted = whenAborted(deadline);
  let failed = false;
  try {
    const running = scopes.run({ requestIds: outer?.requestIds ?? null, deadline }, work);
    running.catch(() => undefined);
    return await Promise.race([running, aborted.promise]);
  } catch (error) {
    failed = true;
    // The outer deadline's message names the work it bounds.
    if (error instanceof DeadlineExceeded && outer?.deadline?.signal.aborted) throw new DeadlineExceeded(outer.deadline.what, outer.deadline.ms);
    throw error;
  } finally {
    aborted.stop();
    const stop = () => {
      clearTimeout(timer);
      outer?.deadline?.signal.removeEventListener('abort', onOuterAbort);
    };
    if (failed && !controller.signal.aborted) {
      // Work that failed early may have left calls running beside the one that failed (a Promise.all): the
      // deadline still stands for them, and their scope stays until it has passed.
      const release = scopes.hold();
      timer.unref();
      controller.signal.addEventListener('abort', () => (stop(), release()), { once: true });
    } else {
      stop();
    }
  }
}

/** Runs `work` and hands back the request id of every AWS request it made that AWS answered, in order. */
export async function collectRequestIds<T>(work: () => Promise<T>): Promise<{ requestIds: string[]; outcome: { ok: true; value: T } | { ok: false; error: unknown } }> {
  const requestIds: string[] = [];
  const outer = scopes.getStore();
  try {
    const value = await scopes.run({ requestIds, deadline: outer?.deadline ?? null }, work);
    return { requestIds, outcome: { ok: true, value } };
  } catch (error) {
    return { requestIds, outcome: { ok: false, error } };
  } finally {
    outer?.requestIds?.push(...requestIds);
  }
}

const REQUEST_ID_HEADER = /^x-amzn?-request-?id$/i;

function requestIdIn(headers: unknown): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    if (REQUEST_ID_HEADER.test(name) && typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/** The request id of one attempt: from the raw response's header, or the SDK's `$metadata` when it failed. */
function requestIdOf(result: unknown, error: unknown): string | undefined {
  if (error) {
    const failed = error as { $metadata?: { requestId?: string }; $response?: { headers?: unknown } };
    return failed.$metadata?.requestId ?? requestIdIn(failed.$response?.headers);
  }
  const answered = result as { response?: { headers?: unknown }; output?: { $metadata?: { requestId?: string } } } | undefined;
  return requestIdIn(answered?.response?.headers) ?? answered?.output?.$metadata?.requestId;
}

interface MiddlewareClient {
  middlewareStack: { add: (middleware: never, options: { step: 'deserialize'; name: string }) => void };
}

/**
 * On every HTTP attempt (the deserialize step runs inside the SDK's retry loop): refuses to send past the
 * scope's deadline, gives up waiting at it, and keeps the request id AWS answered with.
 */
export function scopeEachAttempt(client: MiddlewareClient): void {
  const middleware = (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
    const scope = scopes.getStore();
    const deadline = scope?.deadline ?? null;
    if (deadline?.signal.aborted) throw new DeadlineExceeded(deadline.what, deadline.ms);
    const aborted = deadline ? whenAborted(deadline) : null;
    try {
      const attempt = next(args);
      const result = await (aborted ? Promise.race([attempt, aborted.promise]) : attempt);
      const id = requestIdOf(result, null);
      if (id) scope?.requestIds?.push(id);
      return result;
    } catch (error) {
      const id = requestIdOf(undefined, error);
      if (id) scope?.requestIds?.push(id);
      throw error;
    } finally {
      aborted?.stop();
    }
  };
  client.middlewareStack.add(middleware as never, { step: 'deserialize', name: 'dockhandCallScope' });
}
