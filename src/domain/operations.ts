/**
 * Park and restore, as kube-green does it: record what a service looked like before changing anything,
 * and restore exactly that. Pure decisions; the AWS calls happen in the shell.
 */

export interface ScalableBounds {
  min: number;
  max: number;
}

/** A service as AWS reports it right before an operation. */
export interface ServiceCurrent {
  arn: string;
  account: string;
  region: string;
  cluster: string;
  name: string;
  desired: number;
  scalable: ScalableBounds | null;
  /** The raw value of the service's `dockhand:park` tag, if it has one (untrusted: anyone may edit it). */
  parkTag: string | null;
}

export interface ParkRecord {
  serviceArn: string;
  account: string;
  region: string;
  cluster: string;
  service: string;
  desired: number;
  minCapacity: number | null;
  maxCapacity: number | null;
}

/** Parked already: no tasks wanted, and no autoscaling bounds that would bring any back. */
export function isParked(service: Pick<ServiceCurrent, 'desired' | 'scalable'>): boolean {
  return service.desired === 0 && (service.scalable === null || service.scalable.max === 0);
}

/**
 * What to record before parking. A service already at zero that has a record keeps it: stopping twice, or
 * resuming an interrupted stop, must never overwrite the original state with the parked one.
 */
export function parkRecordFor(service: ServiceCurrent, existing: ParkRecord | undefined): ParkRecord {
  if (existing && isParked(service)) return existing;
  return {
    serviceArn: service.arn,
    account: service.account,
    region: service.region,
    cluster: service.cluster,
    service: service.name,
    desired: service.desired,
    minCapacity: service.scalable?.min ?? null,
    maxCapacity: service.scalable?.max ?? null,
  };
}

export interface RestoreTarget {
  desired: number;
  bounds: ScalableBounds | null;
  source: 'recorded' | 'fallback';
}

/** Exactly what was recorded; without a record, the configured fallback inside the current bounds. */
export function restoreTargetFor(service: ServiceCurrent, record: ParkRecord | undefined, fallbackDesired: number): RestoreTarget {
  if (record) {
    const bounds = record.minCapacity !== null && record.maxCapacity !== null ? { min: record.minCapacity, max: record.maxCapacity } : null;
    return { desired: record.desired, bounds, source: 'recorded' };
  }
  if (service.desired > 0) return { desired: service.desired, bounds: null, source: 'fallback' };
  // A target parked by someone else (max 0) has no bounds to go back to: open it just enough for the fallback.
  const bounds = service.scalable && service.scalable.max === 0 ? { min: 0, max: Math.max(fallbackDesired, 1) } : null;
  const limit = bounds ?? service.scalable;
  const desired = limit ? Math.min(Math.max(fallbackDesired, limit.min), limit.max) : fallbackDesired;
  return { desired, bounds, source: 'fallback' };
}

export type ScaleCheck = { ok: true } | { ok: false; reason: string };

/** Scaling outside the scalable target's bounds would be undone by Application Auto Scaling, so refuse it. */
export function checkScale(serviceName: string, count: number, scalable: ScalableBounds | null): ScaleCheck {
  if (!scalable) return { ok: true };
  if (count < scalable.min || count > scalable.max) {
    return {
      ok: false,
      reason: `${serviceName}'s autoscaling keeps it between ${scalable.min} and ${scalable.max} tasks, so ${count} would be undone. Change the scalable target's bounds (in Terraform) first, or pick a count in that range.`,
    };
  }
  return { ok: true };
}
