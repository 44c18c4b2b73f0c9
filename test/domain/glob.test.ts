import { describe, expect, it } from 'vitest';
import { policySchema } from '../../src/config/policy.js';
import {
  cachedGlobCount,
  expandBraces,
  MAX_ALTERNATIVES,
  MAX_CACHED_GLOBS,
  MAX_USER_GLOB_LENGTH,
  MAX_USER_GLOB_WILDCARDS,
  matchesGlob,
  policyGlobProblem,
  userGlobProblem,
} from '../../src/domain/glob.js';
import { parseEnvCommand } from '../../src/slack/commands/registry.js';

/** A reference matcher for the test only: `*` and `?` as a regular expression over short strings. */
function reference(glob: string, name: string): boolean {
  const source = glob.replace(/[.+^${}()|[\]\\/-]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'is').test(name);
}

describe('the linear glob matcher', () => {
  it('matches `*` and `?` like a reference matcher, case-insensitively, on random globs and names', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const alphabet = ['a', 'b', 'A', '-', '/', '*', '?'];
    let matched = 0;
    for (let i = 0; i < 5000; i++) {
      const glob = Array.from({ length: 1 + random(7) }, () => alphabet[random(alphabet.length)]).join('');
      const name = Array.from({ length: random(9) }, () => alphabet[random(5)]).join('');
      expect(matchesGlob(glob, name), `${glob} on ${name}`).toBe(reference(glob, name));
      if (reference(glob, name)) matched++;
    }
    expect(matched).toBeGreaterThan(200); // both outcomes were exercised (306 of 5000 match with this seed)
  });

  it('lets `*` match a name holding `/`: environment names are tag values, not paths', () => {
    expect(matchesGlob('*', 'team/app')).toBe(true);
    expect(matchesGlob('team-*', 'team-a/b')).toBe(true);
    expect(matchesGlob('*/app', 'Team/App')).toBe(true);
    expect(matchesGlob('qa-?', 'qa-/')).toBe(true);
    expect(matchesGlob('qa-?', 'qa-12')).toBe(false);
  });

  it('answers the globs that backtrack exponentially elsewhere, with the right answer', () => {
    const name = 'a'.repeat(60);
    expect(matchesGlob(`${'*a'.repeat(40)}*b`, name)).toBe(false);
    expect(matchesGlob(`${'*a'.repeat(40)}*`, name)).toBe(true);
    expect(matchesGlob(`${'*a'.repeat(61)}*`, name)).toBe(false);
    expect(matchesGlob('{a,b}*{a,b}*{a,b}*{a,b}*{a,b}*c', name)).toBe(false);
    expect(matchesGlob('{a,b}*{a,b}*{a,b}*{a,b}*{a,b}*', name)).toBe(true);
  });

  it('expands brace groups, nested ones too, and takes a brace without a group literally', () => {
    expect(expandBraces('{prod,staging}-*')).toEqual(['prod-*', 'staging-*']);
    expect(expandBraces('{a,b{1,2}}-x')).toEqual(['a-x', 'b1-x', 'b2-x']);
    expect(expandBraces('a{b')).toEqual(['a{b']);
    expect(expandBraces('a{b}c')).toEqual(['a{b}c']);
    expect(matchesGlob('{prod,PROD-eu}', 'prod-EU')).toBe(true);
    expect(matchesGlob('{prod,prod-eu}', 'prod-us')).toBe(false);
  });

  it('refuses at policy load a glob that expands to too many alternatives, saying so', () => {
    const glob = '{a,b}'.repeat(7); // 128 alternatives
    expect(() => expandBraces(glob)).toThrow(`more than ${MAX_ALTERNATIVES} alternatives`);
    expect(policyGlobProblem(glob)).toContain('write fewer brace groups');
    expect(policyGlobProblem('{prod,staging}-*')).toBeNull();
    const parsed = policySchema.safeParse({ accounts: [{ id: '111111111111', name: 'a', regions: ['us-east-1'] }], roles: { v: ['view'] }, bindings: [{ subjects: ['user:U1'], role: 'v', environments: [glob] }] });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain('alternatives');
  });

  it('keeps at most a bounded number of compiled globs however many distinct ones arrive', () => {
    for (let i = 0; i < 20_000; i++) matchesGlob(`{env-${i},x}-*`, `env-${i}-api`);
    expect(cachedGlobCount()).toBeLessThanOrEqual(MAX_CACHED_GLOBS);
    expect(cachedGlobCount()).toBeGreaterThan(0);
    // The most recent are kept and still right.
    expect(matchesGlob('{env-19999,x}-*', 'env-19999-web')).toBe(true);
    expect(matchesGlob('{env-19999,x}-*', 'env-1-web')).toBe(false);
  });
});

describe('globs users type', () => {
  it('allows only `*` and `?`, within limits, with a message saying what to do', () => {
    expect(userGlobProblem('staging-*')).toBeNull();
    expect(userGlobProblem('team/app-?')).toBeNull();
    expect(userGlobProblem('{a,b}*')).toMatch(/the characters `\{ , \}` are not allowed: write e\.g\. staging-\* or qa-\?/);
    expect(userGlobProblem('qa-[12]')).toContain('not allowed');
    expect(userGlobProblem('a'.repeat(MAX_USER_GLOB_LENGTH + 1))).toBe(`that glob is ${MAX_USER_GLOB_LENGTH + 1} characters long; a glob is at most ${MAX_USER_GLOB_LENGTH}: shorten it`);
    expect(userGlobProblem('*a'.repeat(MAX_USER_GLOB_WILDCARDS + 1))).toBe(`that glob has ${MAX_USER_GLOB_WILDCARDS + 1} wildcards; at most ${MAX_USER_GLOB_WILDCARDS} are allowed: use fewer \`*\` and \`?\``);
    expect(userGlobProblem('*a'.repeat(MAX_USER_GLOB_WILDCARDS))).toBeNull();
  });

  it('is checked by the parser for list filters, grants and revokes', () => {
    for (const text of ['list {a,b}*{a,b}*', 'grant @U0MARIA developer {prod,x-y} 1h', `revoke U0MARIA developer ${'*a'.repeat(11)}`]) {
      const parsed = parseEnvCommand(text);
      expect(parsed.ok, text).toBe(false);
      if (!parsed.ok) expect(parsed.usage, text).not.toBeNull();
    }
    expect(parseEnvCommand('list team/*')).toEqual({ ok: true, command: { verb: 'list', filter: 'team/*' } });
    expect(parseEnvCommand('status team/app')).toEqual({ ok: true, command: { verb: 'status', environment: 'team/app' } });
  });
});
