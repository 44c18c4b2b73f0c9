import { describe, expect, it } from 'vitest';
import { VERBS } from '../../src/config/policy.js';
import { grantScope, isAllowed, withGrants, type AccessPolicy } from '../../src/domain/access/permissions.js';
import { prng } from '../support/prng.js';

const granter = { userId: 'U0GRANTER', groupIds: ['S0TEAM'] };
const grantee = { userId: 'U0NEW', groupIds: [] };

describe('grants cannot escalate', () => {
  const policy: AccessPolicy = {
    roles: { viewer: ['view'], granter: ['grant', 'view'], developer: ['view', 'restart', 'stop'], admin: ['*'] },
    bindings: [
      { subjects: ['user:U0GRANTER'], role: 'granter', environments: ['qa-?'] },
      { subjects: ['user:U0WIDE'], role: 'granter', environments: ['*-*'] },
    ],
  };

  it('refuses verbs the granter lacks, `*` roles included', () => {
    expect(grantScope(policy, granter, 'viewer', 'qa-1', VERBS)).toEqual({ ok: true });
    expect(grantScope(policy, granter, 'viewer', 'qa-?', VERBS)).toEqual({ ok: true });
    const admin = grantScope(policy, granter, 'admin', 'qa-1', VERBS);
    expect(admin.ok).toBe(false);
    expect((admin as { missing: { verb: string }[] }).missing.map((m) => m.verb)).toEqual(['restart', 'start', 'stop', 'scale', 'extend', 'schedule', 'approve', 'logs']);
    const developer = grantScope(policy, granter, 'developer', 'qa-1', VERBS);
    expect((developer as { missing: { verb: string }[] }).missing.map((m) => m.verb)).toEqual(['restart', 'stop']);
  });

  it('refuses a scope wider than the granter’s, compared as sets of names', () => {
    for (const glob of ['qa-*', '*', '{qa-1,prod}', 'qa-??']) expect(grantScope(policy, granter, 'viewer', glob, VERBS).ok, glob).toBe(false);
    const wide = { userId: 'U0WIDE', groupIds: [] };
    for (const glob of ['{prod,x-y}', '*', 'prod']) expect(grantScope(policy, wide, 'viewer', glob, VERBS).ok, glob).toBe(false);
    expect(grantScope(policy, wide, 'viewer', 'x-y', VERBS).ok).toBe(true);
    expect(grantScope(policy, wide, 'viewer', 'qa-*', VERBS).ok).toBe(true);
  });

  it('for random roles, bindings and requests, every accepted grant gives a subset of the granter’s permissions', () => {
    const random = prng(20261201);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
    const alphabet = ['a', 'b', '-', '1'];
    const glob = () => {
      const base = Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick([...alphabet, '*', '?'])).join('');
      return random() < 0.1 ? `{${base},${pick(alphabet)}${pick(['*', '?', 'a'])}}` : base;
    };
    const name = () => Array.from({ length: 1 + Math.floor(random() * 5) }, () => pick(alphabet)).join('');
    /** Names a glob matches, made by filling its wildcards, so accepted grants are probed where they reach. */
    const inside = (g: string) => {
      const plain = g.startsWith('{') ? pick(g.slice(1, -1).split(',')) : g;
      return plain.replace(/\*/g, () => Array.from({ length: Math.floor(random() * 3) }, () => pick(alphabet)).join('')).replace(/\?/g, () => pick(alphabet));
    };
    let accepted = 0;
    let refused = 0;
    for (let round = 0; round < 400; round++) {
      const roleNames = ['r0', 'r1', 'r2', 'r3'];
      const roles = Object.fromEntries(roleNames.map((r) => [r, random() < 0.15 ? ['*'] : VERBS.filter(() => random() < 0.5).concat(random() < 0.6 ? ['grant'] : [])]));
      const bindings = Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({
        subjects: [pick(['user:U0GRANTER', 'group:S0TEAM', 'user:U0OTHER'])],
        role: pick(roleNames),
        environments: Array.from({ length: 1 + Math.floor(random() * 2) }, glob),
      }));
      const base: AccessPolicy = { roles, bindings };
      for (let request = 0; request < 10; request++) {
        const role = pick(roleNames);
        const scope = glob();
        if (!grantScope(base, granter, role, scope, VERBS).ok) {
          refused++;
          continue;
        }
        accepted++;
        const granted = withGrants(base, [{ userId: grantee.userId, role, environments: scope }]);
        for (let probe = 0; probe < 40; probe++) {
          const env = probe % 2 === 0 ? inside(scope) : name();
          if (env === '') continue;
          for (const verb of VERBS) {
            if (isAllowed(granted, grantee, verb, env)) expect(isAllowed(base, granter, verb, env), `${role} on ${scope}: ${verb} ${env}`).toBe(true);
          }
        }
      }
    }
    expect(accepted).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });
});
