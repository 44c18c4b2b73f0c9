import { z } from 'zod';
import { MAX_SCALE } from './command.js';
import { parkRecordFor, type ParkRecord, type ServiceCurrent } from './operations.js';

/**
 * The park record kept on the ECS service itself, as Cloud Custodian keeps it in a tag: if dockhand's
 * database is lost while an environment is parked, start still restores exactly what was there. The
 * database stays the primary record; the tag is the same data, compact enough for ECS's tag limits
 * (value ≤ 256 characters of letters, digits, spaces and `_ . : / = + - @`):
 *
 *   dockhand:park = v1 desired=2 min=1 max=4 by=U0MARIA at=2026-12-01T18:03Z
 *
 * A service without a scalable target has no min/max fields. Anyone who can tag the service can edit the
 * value, so reading it back is parsing untrusted input: bounded, validated, and refused when odd.
 */
export const PARK_TAG_KEY = 'dockhand:park';
export const PARK_TAG_MAX_LENGTH = 256;

/** What the tag says beyond the counts: who parked the service and when (to the minute). */
export interface ParkTag {
  desired: number;
  minCapacity: number | null;
  maxCapacity: number | null;
  by: string;
  at: string;
}

const NOT_TAG_CHARACTERS = /[^A-Za-z0-9_.:/=+\-@]/g;
const BY_MAX = 64;

/** A subject as a tag token: only characters ECS allows in a value, no spaces (they separate fields). */
function tagToken(text: string): string {
  return text.replace(NOT_TAG_CHARACTERS, '_').slice(0, BY_MAX) || '_';
}

export function formatParkTag(record: Pick<ParkRecord, 'desired' | 'minCapacity' | 'maxCapacity'>, by: string, at: Date): string {
  const bounds = record.minCapacity !== null && record.maxCapacity !== null ? ` min=${record.minCapacity} max=${record.maxCapacity}` : '';
  return `v1 desired=${record.desired}${bounds} by=${tagToken(by)} at=${at.toISOString().slice(0, 16)}Z`;
}

const count = z
  .string()
  .regex(/^\d{1,4}$/, 'must be a whole number')
  .transform(Number)
  .refine((n) => n <= MAX_SCALE, `must be at most ${MAX_SCALE}`);

const fieldsSchema = z
  .object({
    v: z.literal('1', { message: 'unknown version (dockhand writes v1)' }),
    desired: count,
    min: count.optional(),
    max: count.optional(),
    by: z.string().regex(/^[A-Za-z0-9_.:/=+\-@]{1,64}$/, 'must be a Slack user id or "scheduler"'),
    at: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\dZ$/, 'must be a UTC time like 2026-12-01T18:03Z'),
  })
  .strict()
  .refine((f) => (f.min === undefined) === (f.max === undefined), { message: 'min and max come together or not at all' })
  .refine((f) => f.min === undefined || f.max === undefined || f.min <= f.max, { message: 'min is above max' });

export type ParkTagRead = { ok: true; tag: ParkTag } | { ok: false; reason: string };

/** Reads a tag value back; anything but what formatParkTag writes is refused with the reason. */
export function parseParkTag(value: string): ParkTagRead {
  if (value.length > PARK_TAG_MAX_LENGTH) return { ok: false, reason: `longer than ${PARK_TAG_MAX_LENGTH} characters` };
  const [version, ...rest] = value.trim().split(/ +/);
  const fields: Record<string, string> = { v: (version ?? '').replace(/^v/, '') };
  for (const part of rest) {
    const at = part.indexOf('=');
    const key = at > 0 ? part.slice(0, at) : '';
    if (!key || key in fields) return { ok: false, reason: `"${part.slice(0, 40)}" is not one key=value field` };
    fields[key] = part.slice(at + 1);
  }
  if (!version?.startsWith('v')) return { ok: false, reason: 'does not start with a version (v1)' };
  const parsed = fieldsSchema.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.');
    return { ok: false, reason: `${field ? `${field} ` : ''}${issue?.message ?? 'invalid'}`.slice(0, 120) };
  }
  const f = parsed.data;
  return {
    ok: true,
    tag: { desired: f.desired, minCapacity: f.min ?? null, maxCapacity: f.max ?? null, by: f.by, at: f.at.replace('Z', ':00.000Z') },
  };
}

/** The park record a service's tag holds, for a service the database has no record of. */
export function parkRecordFromTag(service: ServiceCurrent, tag: ParkTag): ParkRecord {
  return { ...parkRecordFor(service, undefined), desired: tag.desired, minCapacity: tag.minCapacity, maxCapacity: tag.maxCapacity };
}

/** Environments whose services carry a park tag in the stored snapshot: parked even if the database forgot. */
export function environmentsParkedByTag(services: ReadonlyArray<{ environment: string | null; tags: Record<string, string> }>): Set<string> {
  return new Set(services.flatMap((s) => (s.environment && s.tags[PARK_TAG_KEY] !== undefined ? [s.environment] : [])));
}
