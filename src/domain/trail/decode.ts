import { actorOf, claimsDockhand, dockhandActor, viaOf, type Actor, type ActorContext, type Via } from './actor.js';
import type { CloudTrailRecord } from './record.js';

export {
  DEFAULT_DOCKHAND_SESSION_PREFIX,
  ssoPermissionSet,
  type Actor,
  type ActorKind,
  type Via,
  type ViaKind,
} from './actor.js';

/** Where an event acted: the account and region of the record, and the cluster and service it names. */
export interface EventTarget {
  accountId: string | null;
  region: string;
  cluster: string;
  service: string | null;
}

export type ServiceTarget = EventTarget & { service: string };

export interface DecodeContext extends ActorContext {
  /** The environment a cluster (and service, when named) belongs to, or null. */
  environmentOf(target: EventTarget): string | null;
  /** The desired count dockhand last saw for the service before `before`, or null when unknown. */
  lastDesiredCount(target: ServiceTarget, before: Date): number | null;
  /** Whether dockhand had the service parked at `at`. */
  isParked(target: ServiceTarget, at: Date): boolean;
  /** Who dockhand made the call with this AWS request id for (a Slack user id or `scheduler`), if it made it. */
  ownCall(requestId: string): { actor: string } | undefined;
}

export type EventFlag = 'root-activity' | 'scale-to-zero' | 'deletion' | 'permission-failure' | 'terraform-reset-parked' | 'claims-dockhand';

export interface EventSubject {
  cluster: string | null;
  service: string | null;
  environment: string | null;
  desiredBefore: number | null;
  desiredAfter: number | null;
  /** Application Auto Scaling target bounds, for RegisterScalableTarget. */
  minCapacity: number | null;
  maxCapacity: number | null;
}

export interface DecodedEvent {
  eventId: string;
  at: Date;
  eventName: string;
  eventSource: string;
  region: string;
  accountId: string | null;
  sourceIp: string | null;
  who: Actor;
  via: Via;
  what: EventSubject;
  failed: boolean;
  errorCode: string | null;
  errorMessage: string | null;
  /** A read (Describe…, List…): not a change. */
  readOnly: boolean;
  /** Not dockhand's call (its request id is not one dockhand made), yet its user agent or session names dockhand. */
  claimsDockhand: boolean;
  flags: EventFlag[];
}

/** ECS uses the cluster named `default` when a call names none. */
const DEFAULT_CLUSTER = 'default';
const DELETIONS = new Set(['DeleteService', 'DeleteCluster']);

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** CloudTrail keeps JSON numbers, but some tools send counts as strings; both read as a count. */
function count(value: unknown): number | null {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) && number >= 0 ? number : null;
}

function objectAt(record: Record<string, unknown> | null | undefined, key: string): Record<string, unknown> | null {
  const value = record?.[key];
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** The value of either spelling: CloudTrail writes camelCase, but Auto Scaling's API (and some emulators) PascalCase. */
function either(record: Record<string, unknown> | null | undefined, camel: string): unknown {
  return record?.[camel] ?? record?.[camel.charAt(0).toUpperCase() + camel.slice(1)];
}

/** `arn:aws:ecs:<region>:<account>:<resource>` → `<resource>`, or null for anything that is not an ECS ARN. */
function ecsResource(value: string): string | null {
  return /^arn:aws[a-z-]*:ecs:[^:]*:[^:]*:(.+)$/.exec(value)?.[1] ?? null;
}

function clusterName(value: string): string {
  const resource = ecsResource(value);
  return resource?.startsWith('cluster/') ? resource.slice('cluster/'.length) : value;
}

/** A service name or ARN: new-style ARNs (`service/<cluster>/<name>`) also name the cluster. */
function serviceName(value: string): { cluster: string | null; service: string } {
  const resource = ecsResource(value);
  if (!resource?.startsWith('service/')) return { cluster: null, service: value };
  const parts = resource.split('/');
  return parts.length >= 3 ? { cluster: parts[1] ?? null, service: parts.slice(2).join('/') } : { cluster: null, service: parts[1] ?? value };
}

/** Any ECS ARN (TagResource's resourceArn): clusters, services and tasks all place the call in a cluster. */
function fromResourceArn(value: string): { cluster: string | null; service: string | null } {
  const resource = ecsResource(value);
  if (!resource) return { cluster: null, service: null };
  if (resource.startsWith('service/')) return serviceName(value);
  const [kind, cluster] = resource.split('/');
  return { cluster: kind === 'cluster' || kind === 'task' ? (cluster ?? null) : null, service: null };
}

/** Which cluster and service a record is about, from whichever request or response field names them. */
function subjectOf(record: CloudTrailRecord): { cluster: string | null; service: string | null } {
  const request = record.requestParameters;
  const response = objectAt(record.responseElements, 'service');

  if (record.eventSource === 'application-autoscaling.amazonaws.com') {
    const resourceId = text(either(request, 'resourceId'));
    const match = resourceId ? /^service\/([^/]+)\/([^/]+)$/.exec(resourceId) : null;
    return { cluster: match?.[1] ?? null, service: match?.[2] ?? null };
  }

  const serviceRef = text(request?.service) ?? text(request?.serviceName) ?? text(response?.serviceArn) ?? text(response?.serviceName);
  const fromService = serviceRef ? serviceName(serviceRef) : null;
  const clusterRef = text(request?.cluster) ?? text(response?.clusterArn);
  const fromArn = text(request?.resourceArn) ? fromResourceArn(text(request?.resourceArn)!) : null;
  const service = fromService?.service ?? fromArn?.service ?? null;
  const cluster = (clusterRef ? clusterName(clusterRef) : null) ?? fromService?.cluster ?? fromArn?.cluster ?? null;
  return { cluster: cluster ?? (service ? DEFAULT_CLUSTER : null), service };
}

function flagsOf(event: Omit<DecodedEvent, 'flags'>, record: CloudTrailRecord, parked: boolean): EventFlag[] {
  const { who, via, what, failed } = event;
  const flags: EventFlag[] = [];
  const byDockhand = who.kind === 'dockhand' || who.kind === 'slack-user-via-dockhand' || via.kind === 'dockhand';
  if (who.kind === 'root') flags.push('root-activity');
  if (event.claimsDockhand) flags.push('claims-dockhand');
  // Only changes that happened: a refused scale-down or deletion changed nothing (permission-failure covers it).
  // Auto Scaling clamping a parked service to zero is dockhand's parking taking effect, not news.
  const toZero = what.desiredAfter === 0 || what.maxCapacity === 0;
  if (!failed && toZero && !byDockhand && !(who.kind === 'aws-service' && parked)) flags.push('scale-to-zero');
  if (!failed && DELETIONS.has(event.eventName)) flags.push('deletion');
  if (record.failure === 'denied') flags.push('permission-failure');
  const startsTasks =
    (event.eventName === 'UpdateService' && (what.desiredAfter ?? 0) > 0) ||
    (event.eventName === 'RegisterScalableTarget' && ((what.minCapacity ?? 0) > 0 || (what.maxCapacity ?? 0) > 0));
  if (!failed && via.kind === 'terraform' && startsTasks && parked) flags.push('terraform-reset-parked');
  return flags;
}

/** A validated record (aws/cloudtrail/schema.ts) as dockhand reads it: who, via what, did what to which service. */
export function decodeRecord(data: CloudTrailRecord, context: DecodeContext): DecodedEvent {
  const at = new Date(data.eventTime);
  const accountId = data.recipientAccountId ?? data.userIdentity.accountId ?? null;
  // dockhand knows its own calls by the request id AWS answered them with; nothing else in a record is proof.
  const own = data.requestID ? context.ownCall(data.requestID) : undefined;
  const who = own ? dockhandActor(data.userIdentity, own.actor, context) : actorOf(data.userIdentity);
  const via = viaOf(data.userAgent, who);
  const { cluster, service } = subjectOf(data);
  const request = data.requestParameters;
  const desiredAfter = count(request?.desiredCount);
  const target = cluster ? { accountId, region: data.awsRegion, cluster, service } : null;
  const serviceTarget = target && service ? { ...target, service } : null;
  const what: EventSubject = {
    cluster,
    service,
    environment: target ? context.environmentOf(target) : null,
    desiredBefore: serviceTarget && desiredAfter !== null ? context.lastDesiredCount(serviceTarget, at) : null,
    desiredAfter,
    minCapacity: count(either(request, 'minCapacity')),
    maxCapacity: count(either(request, 'maxCapacity')),
  };
  const errorCode = data.errorCode ?? null;
  const event: Omit<DecodedEvent, 'flags'> = {
    eventId: data.eventID,
    at,
    eventName: data.eventName,
    eventSource: data.eventSource,
    region: data.awsRegion,
    accountId,
    sourceIp: data.sourceIPAddress ?? null,
    who,
    via,
    what,
    failed: errorCode !== null,
    errorCode,
    errorMessage: data.errorMessage ?? null,
    readOnly: data.readOnly === true,
    claimsDockhand: !own && data.readOnly !== true && claimsDockhand(data.userIdentity, data.userAgent, context.dockhandSessionPrefix),
  };
  const parked = serviceTarget ? context.isParked(serviceTarget, at) : false;
  return { ...event, flags: flagsOf(event, data, parked) };
}

const MAX_ERROR_MESSAGE = 120;

function targetLabel(what: EventSubject): string {
  const place = what.environment ?? what.cluster;
  if (what.service) return place ? `${place}/${what.service}` : what.service;
  return place ?? 'unknown target';
}

/** The action as a verb phrase: past tense when it happened, base form after "tried to" when it failed. */
function actionOf(event: DecodedEvent): string {
  const { what, failed } = event;
  const verb = (past: string, base: string) => (failed ? base : past);
  const target = targetLabel(what);
  switch (event.eventName) {
    case 'UpdateService': {
      if (what.desiredAfter === null) return `${verb('updated', 'update')} ${target}`;
      const change = what.desiredBefore === null ? `to ${what.desiredAfter}` : `${what.desiredBefore} → ${what.desiredAfter}`;
      return `set ${target} desired ${change}`;
    }
    case 'CreateService':
      return `${verb('created', 'create')} service ${target}`;
    case 'DeleteService':
      return `${verb('deleted', 'delete')} service ${target}`;
    case 'CreateCluster':
      return `${verb('created', 'create')} cluster ${target}`;
    case 'DeleteCluster':
      return `${verb('deleted', 'delete')} cluster ${target}`;
    case 'RegisterScalableTarget': {
      const bounds = [
        what.minCapacity === null ? null : `min ${what.minCapacity}`,
        what.maxCapacity === null ? null : `max ${what.maxCapacity}`,
      ].filter((part) => part !== null);
      return `set ${target} auto scaling ${bounds.length ? bounds.join(', ') : 'target'}`;
    }
    case 'DeregisterScalableTarget':
      return `${verb('removed', 'remove')} auto scaling from ${target}`;
    default:
      return `${verb('called', 'call')} ${event.eventName} on ${target}`;
  }
}

/** One line for people: "maria (via dockhand) set staging-3/api desired 2 → 0". */
export function formatDecoded(event: DecodedEvent): string {
  const { who, via } = event;
  // "dockhand (via dockhand)" and "autoscaling (via autoscaling)" say nothing twice.
  const viaIsWho = (who.kind === 'dockhand' && who.name === via.label) || (who.kind === 'aws-service' && via.kind === 'aws-service');
  const viaText = via.kind === 'unknown' || viaIsWho ? '' : ` (via ${via.label})`;
  const action = actionOf(event);
  if (!event.failed) return `${who.name}${viaText} ${action}`;
  const message = event.errorMessage ?? '';
  const reason = message.length > MAX_ERROR_MESSAGE ? `${message.slice(0, MAX_ERROR_MESSAGE - 1)}…` : message;
  return `${who.name}${viaText} tried to ${action} — failed: ${event.errorCode}${reason ? ` (${reason})` : ''}`;
}
