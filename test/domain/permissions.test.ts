import { describe, expect, it } from 'vitest';
import { allowsOn, hasAnyBinding, holdersOf, holdsOnAll, isAllowed, whoToAsk, withGrants, type AccessPolicy } from '../../src/domain/access/permissions.js';

const policy: AccessPolicy = {
  roles: { viewer: ['view'], developer: ['view', 'restart'], admin: ['*'] },
  bindings: [
    { subjects: ['group:S0PLATFORM'], role: 'admin', environments: ['*'] },
    { subjects: ['user:U0MARIA'], role: 'developer', environments: ['staging-*', 'dev-*'] },
    { subjects: ['user:U0VIEW'], role: 'viewer', environments: ['prod'] },
  ],
};

describe('permissions', () => {
  const maria = { userId: 'U0MARIA', groupIds: [] };
  const lee = { userId: 'U0LEE', groupIds: ['S0PLATFORM'] };
  const sam = { userId: 'U0SAM', groupIds: [] };

  it('denies by default and allows only bound verbs on matching globs', () => {
    expect(isAllowed(policy, maria, 'view', 'staging-3')).toBe(true);
    expect(isAllowed(policy, maria, 'restart', 'dev-1')).toBe(true);
    expect(isAllowed(policy, maria, 'view', 'prod')).toBe(false);
    expect(isAllowed(policy, maria, 'stop', 'staging-3')).toBe(false);
    expect(isAllowed(policy, { userId: 'U0VIEW', groupIds: [] }, 'view', 'prod-eu')).toBe(false);
    expect(isAllowed(policy, sam, 'view', 'dev-1')).toBe(false);
    expect(isAllowed(policy, { userId: 'U0MARIA', groupIds: [] }, 'view', 'staging')).toBe(false);
  });

  it('answers many environments at once as it answers each (allowsOn), and holdsOnAll follows the grants of each policy', () => {
    const names = ['staging-3', 'dev-1', 'prod', 'prod-eu', 'staging', 'other'];
    for (const subject of [maria, lee, sam, { userId: 'U0VIEW', groupIds: [] }]) {
      for (const verb of ['view', 'restart', 'stop']) {
        const can = allowsOn(policy, subject, verb);
        expect(names.map(can), `${subject.userId} ${verb}`).toEqual(names.map((name) => isAllowed(policy, subject, verb, name)));
      }
    }
    // Asked twice (the second answer is remembered), and again once a grant widens what maria holds.
    expect(holdsOnAll(policy, maria, 'view', 'staging-*')).toBe(true);
    expect(holdsOnAll(policy, maria, 'view', '*')).toBe(false);
    expect(holdsOnAll(policy, maria, 'view', '*')).toBe(false);
    const granted = withGrants(policy, [{ userId: 'U0MARIA', role: 'viewer', environments: '*' }]);
    expect(holdsOnAll(granted, maria, 'view', '*')).toBe(true);
    expect(holdsOnAll(policy, maria, 'view', '*')).toBe(false);
  });

  it('grants through user groups and "*" roles', () => {
    expect(isAllowed(policy, lee, 'anything-new', 'prod')).toBe(true);
    expect(hasAnyBinding(policy, lee)).toBe(true);
    expect(hasAnyBinding(policy, sam)).toBe(false);
  });

  it('names who to ask: the contact, else granters, else holders', () => {
    expect(holdersOf(policy, 'view', 'prod')).toEqual(['group:S0PLATFORM', 'user:U0VIEW']);
    expect(whoToAsk(policy, 'view', 'prod')).toBe('<!subteam^S0PLATFORM>');
    expect(whoToAsk({ ...policy, accessContact: '#platform-help' }, 'view', 'prod')).toBe('#platform-help');
    expect(whoToAsk({ roles: { v: ['view'] }, bindings: [{ subjects: ['user:U1'], role: 'v', environments: ['*'] }] }, 'view', 'x')).toBe('<@U1>');
    expect(whoToAsk({ roles: {}, bindings: [] }, 'view', 'x')).toMatch(/administrator/);
  });
});
