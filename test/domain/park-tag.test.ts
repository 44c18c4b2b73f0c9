import { describe, expect, it } from 'vitest';
import { formatParkTag, parseParkTag, PARK_TAG_MAX_LENGTH } from '../../src/domain/park-tag.js';

const AT = new Date('2026-12-01T18:03:41.123Z');

describe('park tag', () => {
  it('round-trips what dockhand writes, with and without a scalable target', () => {
    const scalable = formatParkTag({ desired: 2, minCapacity: 1, maxCapacity: 4 }, 'U0MARIA', AT);
    expect(scalable).toBe('v1 desired=2 min=1 max=4 by=U0MARIA at=2026-12-01T18:03Z');
    expect(parseParkTag(scalable)).toEqual({ ok: true, tag: { desired: 2, minCapacity: 1, maxCapacity: 4, by: 'U0MARIA', at: '2026-12-01T18:03:00.000Z' } });
    const plain = formatParkTag({ desired: 3, minCapacity: null, maxCapacity: null }, 'scheduler', AT);
    expect(parseParkTag(plain)).toMatchObject({ ok: true, tag: { desired: 3, minCapacity: null, maxCapacity: null, by: 'scheduler' } });
  });

  it('writes only characters ECS allows, within its limit, whoever parked', () => {
    const value = formatParkTag({ desired: 1000, minCapacity: 1000, maxCapacity: 1000 }, `<evil> ${'x'.repeat(300)}`, AT);
    expect(value).toMatch(/^[A-Za-z0-9 _.:/=+\-@]+$/);
    expect(value.length).toBeLessThanOrEqual(PARK_TAG_MAX_LENGTH);
    expect(parseParkTag(value).ok).toBe(true);
  });

  it.each([
    ['v2 desired=2 by=U at=2026-12-01T18:03Z', 'v unknown version (dockhand writes v1)'],
    ['v1 desired=2000 by=U at=2026-12-01T18:03Z', 'desired must be at most 1000'],
    ['v1 desired=-1 by=U at=2026-12-01T18:03Z', 'desired must be a whole number'],
    ['v1 desired=2 min=1 by=U at=2026-12-01T18:03Z', 'min and max come together or not at all'],
    ['v1 desired=2 min=5 max=4 by=U at=2026-12-01T18:03Z', 'min is above max'],
    ['v1 desired=2 desired=3 by=U at=2026-12-01T18:03Z', '"desired=3" is not one key=value field'],
    ['v1 desired=2 by=U at=2026-12-01T18:03Z extra=1', 'Unrecognized key: "extra"'],
    ['v1 desired=2 by=U', 'at Invalid input: expected string, received undefined'],
    ['desired=2', 'does not start with a version (v1)'],
    ['x'.repeat(300), `longer than ${PARK_TAG_MAX_LENGTH} characters`],
  ])('refuses %s', (value, reason) => {
    expect(parseParkTag(value)).toEqual({ ok: false, reason });
  });
});
