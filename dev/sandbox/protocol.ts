import type { z } from 'zod';
import { SandboxError } from './errors.js';
import type { SandboxIdentity } from './identity.js';
import type { World } from './state.js';

export type ServiceName = 'ecs' | 'application-autoscaling' | 'cloudtrail' | 'ce' | 'sts' | 'logs';

/** One served call: who makes it, where it acts, and the sandbox state it acts on. */
export interface Call {
  world: World;
  account: string;
  region: string;
  identity: SandboxIdentity;
  accessKeyId?: string;
  userAgent: string;
  sourceIPAddress: string;
  now: Date;
  requestId: string;
}

export interface AuditResource {
  ResourceType: string;
  ResourceName: string;
}

/** Marks an operation as recorded in CloudTrail, and says which resources a record of it names. */
export interface Audit<P> {
  resources(params: P, call: Call): AuditResource[];
  /** What the record shows as responseElements; the whole output when absent. */
  responseElements?(output: unknown): unknown;
  readOnly?: boolean;
  /** The account whose trail records the call, when not the caller's (AssumeRole: the role's account). */
  recipientAccount?(params: P): string | undefined;
}

export interface Operation {
  input: z.ZodType;
  handle(params: unknown, call: Call): unknown;
  audit?: Audit<unknown>;
}

/** Declares an operation with the zod schema its request is validated against. */
export function operation<S extends z.ZodType>(
  input: S,
  handle: (params: z.output<S>, call: Call) => unknown,
  audit?: Audit<z.output<S>>,
): Operation {
  return {
    input,
    handle: handle as Operation['handle'],
    ...(audit === undefined ? {} : { audit: audit as Audit<unknown> }),
  };
}

export interface ServiceApi {
  service: ServiceName;
  /** The CloudTrail eventSource of this service's calls. */
  eventSource: string;
  /** JSON 1.1 unless said otherwise; STS speaks awsQuery (form-encoded in, XML out). */
  protocol?: 'awsQuery';
  /** The error code this service answers malformed requests with. */
  validationErrorCode: string;
  operations: Record<string, Operation>;
}

export function validationMessage(error: z.ZodError): string {
  const problems = error.issues.map((issue) => {
    const at = issue.path.length > 0 ? issue.path.join('.') : 'request';
    return `${at}: ${issue.message}`;
  });
  return `${problems.length} validation error(s) detected: ${problems.join('; ')}`;
}

/** Page tokens are opaque to clients; inside they are the offset of the next item. */
export function paginate<T>(
  items: readonly T[],
  token: string | undefined,
  pageSize: number,
  invalidTokenCode: string,
): { page: T[]; nextToken?: string } {
  const start = token === undefined ? 0 : decodeOffset(token, invalidTokenCode);
  const end = start + pageSize;
  const page = items.slice(start, end);
  return end < items.length ? { page, nextToken: encodeToken({ offset: end }) } : { page };
}

export function encodeToken(value: Record<string, number>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeToken(token: string, invalidTokenCode: string): Record<string, number> {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && Object.values(value).every((v) => typeof v === 'number')) {
      return value as Record<string, number>;
    }
  } catch {
    // falls through to the error below: the token was not one the sandbox issued
  }
  throw new SandboxError(invalidTokenCode, `Invalid pagination token: ${token}`);
}

function decodeOffset(token: string, invalidTokenCode: string): number {
  const offset = decodeToken(token, invalidTokenCode).offset;
  if (offset === undefined || !Number.isInteger(offset) || offset < 0) {
    throw new SandboxError(invalidTokenCode, `Invalid pagination token: ${token}`);
  }
  return offset;
}

/** JSON-protocol timestamps are epoch seconds. */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}
