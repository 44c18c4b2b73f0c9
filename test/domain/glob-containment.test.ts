import { describe, expect, it } from 'vitest';
import { expandBraces, globContained, patternContained } from '../../src/domain/glob-containment.js';
import { prng } from '../support/prng.js';

/** A reference matcher for the test's own small patterns (`*` any run, `?` one character). */
function matches(pattern: string, name: string): boolean {
  const source = [...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, 's').test(name);
}

function allNames(alphabet: string, maxLength: number): string[] {
  const out = [''];
  let layer = [''];
  for (let length = 1; length <= maxLength; length++) {
    layer = layer.flatMap((prefix) => [...alphabet].map((c) => prefix + c));
    out.push(...layer);
  }
  return out;
}

describe('glob containment', () => {
  it('compares globs as sets of names (the cases from issue 10)', () => {
    for (const glob of ['{prod,x-y}', 'qa-*', '*']) expect(globContained(glob, ['qa-?']).contained, glob).not.toBe(true);
    for (const glob of ['{prod,x-y}', '*']) expect(globContained(glob, ['*-*']).contained, glob).not.toBe(true);
    // Every name qa-* matches holds a dash, so it is inside *-*.
    expect(globContained('qa-*', ['*-*']).contained).toBe(true);
    expect(globContained('qa-1', ['qa-?']).contained).toBe(true);
    expect(globContained('qa-?', ['qa-*']).contained).toBe(true);
    expect(globContained('qa-*', ['qa-?']).contained).toBe(false);
    expect(globContained('x-y', ['*-*']).contained).toBe(true);
    expect(globContained('staging-*', ['*']).contained).toBe(true);
    expect(globContained('*', ['*', 'qa-*']).contained).toBe(true);
    expect(globContained('QA-1', ['qa-?']).contained).toBe(true);
  });

  it('is exact for a union, not only for one glob of it', () => {
    // qa-a*: every name starts qa-a; qa-a? ∪ qa-a?* covers every length ≥ 1 after qa-a, and qa-a itself is missing.
    expect(globContained('qa-a*', ['qa-a?', 'qa-a??*'])).toEqual({ contained: false, example: 'qa-a' });
    expect(globContained('qa-a*', ['qa-a', 'qa-a?', 'qa-a??*']).contained).toBe(true);
  });

  it('gives a name inside the glob and outside the cover as the example', () => {
    const verdict = globContained('qa-*', ['qa-?']);
    expect(verdict.contained).toBe(false);
    const example = (verdict as { example: string }).example;
    expect(matches('qa-*', example) && !matches('qa-?', example)).toBe(true);
  });

  it('reads braces in a requested glob both ways, and expands them in a cover', () => {
    // {a,b} as alternatives is inside a* ∪ b; as literal text it is not, so it is refused.
    expect(globContained('{a,b}', ['a*', 'b']).contained).toBe(false);
    expect(globContained('{a,b}', ['*']).contained).toBe(true);
    expect(globContained('qa-1', ['{dev,qa}-*']).contained).toBe(true);
    expect(globContained('prod', ['{dev,qa}-*']).contained).toBe(false);
  });

  it('refuses what it cannot decide, and counts undecidable cover globs for nothing', () => {
    expect(globContained('qa-[12]', ['*']).contained).toBe('unknown');
    expect(globContained('qa-1', ['qa-[12]']).contained).toBe(false);
    expect(globContained('qa-1', ['qa-{1..3}']).contained).toBe(false);
    expect(globContained('{a}', ['*']).contained).toBe('unknown');
    expect(expandBraces('x{a,{b,c}d}')).toEqual(['xa', 'xbd', 'xcd']);
    expect(expandBraces('{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}')).toBeNull();
    expect(expandBraces('a{b,c}d{e,f}')).toEqual(['abde', 'abdf', 'acde', 'acdf']);
    expect(patternContained('*a*a*a*a*a*a*a*a*a*a*a*a*b', ['*a*a*a*a*a*a*a*a*a*a*a*a*']).contained).toBe(true);
  });

  it('agrees with every name up to 6 characters, for 3,000 random pairs of patterns', () => {
    const random = prng(10);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
    const pattern = () => Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(['a', 'b', '-', '*', '?', 'a'])).join('');
    const names = allNames('ab-c', 6);
    let contained = 0;
    for (let i = 0; i < 3000; i++) {
      const glob = pattern();
      const cover = Array.from({ length: 1 + Math.floor(random() * 3) }, pattern);
      const verdict = patternContained(glob, cover);
      if (verdict.contained === true) {
        contained++;
        const outside = names.find((n) => matches(glob, n) && !cover.some((c) => matches(c, n)));
        expect(outside, `${glob} in ${cover.join(' ∪ ')}`).toBeUndefined();
      } else {
        expect(verdict.contained).toBe(false);
        const example = (verdict as { example: string }).example;
        expect(matches(glob, example) && !cover.some((c) => matches(c, example)), `${glob} vs ${cover.join(' ∪ ')}: ${example}`).toBe(true);
      }
    }
    // Both answers occur often enough for the check to mean something.
    expect(contained).toBeGreaterThan(300);
    expect(contained).toBeLessThan(2700);
  });
});
