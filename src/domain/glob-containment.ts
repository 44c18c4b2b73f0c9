/**
 * Whether every name one environment glob matches is also matched by a set of others: the check that keeps
 * a grant inside its granter's own scope. Globs are compared as sets of names, never as names themselves.
 *
 * Patterns here are `*` (any run of characters, `/` included) and `?` (one character); everything else is a
 * literal, compared without case. Policy globs may hold brace groups: they are expanded into a bounded
 * number of plain alternatives first. Anything richer (classes, extglobs, ranges, escapes) cannot be
 * decided here, and an undecidable answer is always treated as "not contained" by callers.
 */

export type Containment = { contained: true } | { contained: false; example: string } | { contained: 'unknown'; why: string };

/** Brace groups expand to at most this many plain alternatives; a glob that expands further is not decided. */
export const MAX_ALTERNATIVES = 64;
/** The product automaton explored for one check stays below this many states; bigger ones are not decided. */
const MAX_STATES = 20_000;

/** Characters that make a glob more than `*`, `?`, literals and braces in some matcher: not decided here. */
const UNDECIDABLE = /[[\]()!+@\\]/;

/** `a{b,c{d,e}}f` → abf, acdf, acef; null when unbalanced, a range (`{1..3}`), a lone `{a}`, or more than the bound. */
export function expandBraces(glob: string, limit = MAX_ALTERNATIVES): string[] | null {
  const open = glob.indexOf('{');
  if (open < 0) return glob.includes('}') ? null : [glob];
  let depth = 0;
  let close = -1;
  const commas: number[] = [];
  for (let i = open; i < glob.length; i++) {
    const char = glob[i];
    if (char === '{') depth++;
    else if (char === '}' && --depth === 0) {
      close = i;
      break;
    } else if (char === ',' && depth === 1) commas.push(i);
  }
  if (close < 0) return null;
  const inner = glob.slice(open + 1, close);
  if (inner.includes('..')) return null;
  // `{a}` is no group at all to most matchers (it matches the literal text): not decided.
  if (commas.length === 0) return null;
  const bounds = [open, ...commas, close];
  const options = bounds.slice(1).map((end, i) => glob.slice((bounds[i] as number) + 1, end));
  const prefix = glob.slice(0, open);
  const rest = expandBraces(glob.slice(close + 1), limit);
  if (!rest || prefix.includes('}')) return null;
  const out: string[] = [];
  for (const option of options) {
    const expanded = expandBraces(option, limit);
    if (!expanded) return null;
    for (const middle of expanded) {
      for (const tail of rest) {
        out.push(prefix + middle + tail);
        if (out.length > limit) return null;
      }
    }
  }
  return out;
}

/**
 * The plain `*`/`?` patterns whose union is exactly the glob's set of names, or null when that can't be
 * said: braces expanded, classes and extglobs refused.
 */
export function plainAlternatives(glob: string): string[] | null {
  return UNDECIDABLE.test(glob) ? null : expandBraces(glob);
}

/** A pattern as tokens; consecutive stars collapse (they match the same names). */
function tokens(pattern: string): string[] {
  const out: string[] = [];
  for (const char of pattern.toLowerCase()) if (!(char === '*' && out.at(-1) === '*')) out.push(char);
  return out;
}

/** NFA states of one pattern: position i means "the first i tokens are matched"; stars also skip themselves. */
function closure(pattern: readonly string[], positions: Iterable<number>): Set<number> {
  const out = new Set<number>();
  for (let position of positions) {
    out.add(position);
    while (pattern[position] === '*') out.add(++position);
  }
  return out;
}

function step(pattern: readonly string[], positions: ReadonlySet<number>, char: string): Set<number> {
  const next: number[] = [];
  for (const position of positions) {
    const token = pattern[position];
    if (token === undefined) continue;
    if (token === '*') next.push(position);
    else if (token === '?' || token === char) next.push(position + 1);
  }
  return closure(pattern, next);
}

/**
 * Is every name `pattern` matches also matched by at least one of `cover`? Exact for plain patterns: the
 * product of `pattern`'s automaton with the determinised union of `cover`'s is searched for a name that
 * one accepts and the other does not. Names are only ever compared with the patterns' literal characters,
 * so those characters plus one "any other" stand for every character there is.
 */
export function patternContained(pattern: string, cover: readonly string[]): Containment {
  const a = tokens(pattern);
  const bs = cover.map(tokens);
  const literals = new Set([...a, ...bs.flat()].filter((t) => t !== '*' && t !== '?'));
  const other = [...'x0z9_.-'].find((c) => !literals.has(c)) ?? '\u0001';
  const alphabet = [...literals, other];
  type State = { a: Set<number>; b: Set<number>[]; name: string };
  const keyOf = (s: Pick<State, 'a' | 'b'>) => `${[...s.a].sort().join(',')}|${s.b.map((set) => [...set].sort().join(',')).join(';')}`;
  const start: State = { a: closure(a, [0]), b: bs.map((b) => closure(b, [0])), name: '' };
  const seen = new Set([keyOf(start)]);
  const queue: State[] = [start];
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head] as State;
    const accepted = state.a.has(a.length);
    if (accepted && !state.b.some((set, i) => set.has((bs[i] as string[]).length))) return { contained: false, example: state.name };
    for (const char of alphabet) {
      const next = { a: step(a, state.a, char), b: state.b.map((set, i) => step(bs[i] as string[], set, char)), name: state.name + char };
      if (next.a.size === 0) continue; // no name `pattern` matches goes this way
      const key = keyOf(next);
      if (seen.has(key)) continue;
      if (seen.size >= MAX_STATES) return { contained: 'unknown', why: 'the globs are too intricate to compare' };
      seen.add(key);
      queue.push(next);
    }
  }
  return { contained: true };
}

/**
 * Is every name `glob` matches also matched by one of `cover`? A user's glob counts under both readings of
 * braces: expanded into alternatives, and as literal characters, so the answer holds whichever a matcher
 * uses. Cover globs that can't be read as plain patterns count for nothing (the answer can only get
 * stricter). Anything undecidable is `unknown`, which callers refuse.
 */
export function globContained(glob: string, cover: readonly string[]): Containment {
  if (UNDECIDABLE.test(glob)) return { contained: 'unknown', why: `\`${glob}\` uses more than \`*\` and \`?\`` };
  const readings = expandBraces(glob);
  if (!readings) return { contained: 'unknown', why: `\`${glob}\` has braces that expand to too many names or don’t pair up` };
  if (/[{},]/.test(glob)) readings.push(glob);
  const plainCover = cover.flatMap((c) => plainAlternatives(c) ?? []);
  for (const reading of readings) {
    const verdict = patternContained(reading, plainCover);
    if (verdict.contained !== true) return verdict;
  }
  return { contained: true };
}
