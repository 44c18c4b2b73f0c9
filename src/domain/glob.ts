import { quoted } from './bounded-text.js';

/**
 * Environment globs, matched without regular expressions so no input can make a match slow.
 *
 * Every glob ends up as one or more plain patterns of `*` (any run of characters, `/` included: names are
 * tag values, not paths) and `?` (one character), matched case-insensitively by a greedy two-pointer scan
 * that is O(name × pattern) at worst. Policy-file globs may also hold brace groups (`{prod,staging}-*`),
 * expanded once into at most MAX_ALTERNATIVES plain patterns. What users type is held to `*` and `?` with
 * limits on length and wildcards (see userGlobProblem).
 */

/** A glob that expands to more plain patterns than this is refused (policy load fails saying so). */
export const MAX_ALTERNATIVES = 64;
/** Policy globs longer than this are refused at load. */
export const MAX_POLICY_GLOB_LENGTH = 200;
/** Limits on what a user types as a glob (`/env list`, `/env grant`, …). */
export const MAX_USER_GLOB_LENGTH = 100;
export const MAX_USER_GLOB_WILDCARDS = 10;
/** Compiled brace globs kept; plain globs need no compiling. Least recently used go first. */
export const MAX_CACHED_GLOBS = 256;

/** True when `name` matches the plain pattern (`*` and `?` only); both already lower-cased. */
function wildcardMatch(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let star = -1; // position in the pattern just after the last `*`
  let resume = 0; // position in the name that `*` has swallowed up to
  while (n < name.length) {
    const c = pattern[p];
    if (c === '*') {
      star = ++p;
      resume = n;
    } else if (c !== undefined && (c === '?' || c === name[n])) {
      p++;
      n++;
    } else if (star >= 0) {
      // Let the last `*` take one more character and try the rest of the pattern again from there.
      p = star;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

export class GlobError extends Error {}

/** The index of the `}` closing the `{` at `open`, or -1 when it is not closed. */
function closingBrace(glob: string, open: number): number {
  let depth = 0;
  for (let i = open; i < glob.length; i++) {
    if (glob[i] === '{') depth++;
    else if (glob[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

/** The alternatives of a brace group's inside, split at its top-level commas. */
function splitAlternatives(inside: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inside.length; i++) {
    if (inside[i] === '{') depth++;
    else if (inside[i] === '}') depth--;
    else if (inside[i] === ',' && depth === 0) {
      parts.push(inside.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(inside.slice(start));
  return parts;
}

/**
 * `{a,b}-*` → [`a-*`, `b-*`]; nested groups too. A `{` without a closing `}` or without a comma is a
 * literal character. Throws a GlobError once the expansion would exceed MAX_ALTERNATIVES.
 */
export function expandBraces(glob: string): string[] {
  const open = glob.indexOf('{');
  if (open < 0) return [glob];
  const close = closingBrace(glob, open);
  const alternatives = close < 0 ? [] : splitAlternatives(glob.slice(open + 1, close));
  const prefix = glob.slice(0, open);
  if (alternatives.length < 2) {
    // Not a group: keep the `{` literally and expand what follows it.
    return expandBraces(glob.slice(open + 1)).map((rest) => `${prefix}{${rest}`);
  }
  const tails = expandBraces(glob.slice(close + 1));
  const out: string[] = [];
  for (const alternative of alternatives) {
    for (const head of expandBraces(alternative)) {
      for (const tail of tails) {
        out.push(`${prefix}${head}${tail}`);
        if (out.length > MAX_ALTERNATIVES) throw new GlobError(`\`${glob.slice(0, 60)}\` expands to more than ${MAX_ALTERNATIVES} alternatives; write fewer brace groups`);
      }
    }
  }
  return out;
}

export type GlobMatcher = (name: string) => boolean;

/** Compiles a glob once: braces expanded, lower-cased. Throws a GlobError for a glob too big to expand. */
export function compileGlob(glob: string): GlobMatcher {
  if (glob.length > MAX_POLICY_GLOB_LENGTH) throw new GlobError(`a glob is at most ${MAX_POLICY_GLOB_LENGTH} characters (this one has ${glob.length})`);
  const patterns = [...new Set(expandBraces(glob.toLowerCase()))];
  return (name) => {
    const lower = name.toLowerCase();
    return patterns.some((pattern) => wildcardMatch(pattern, lower));
  };
}

/** A policy glob's problem, or null when it compiles: the policy schema refuses it at load with this. */
export function policyGlobProblem(glob: string): string | null {
  try {
    compileGlob(glob);
    return null;
  } catch (error) {
    if (error instanceof GlobError) return error.message;
    throw error;
  }
}

/** Brace globs compiled so far, most recently used last. Bounded: every glob a user sends must not stay forever. */
const compiled = new Map<string, GlobMatcher>();

function cachedMatcher(glob: string): GlobMatcher {
  let matcher = compiled.get(glob);
  if (matcher) {
    compiled.delete(glob);
  } else {
    try {
      matcher = compileGlob(glob);
    } catch (error) {
      // A glob that cannot be compiled (only possible for one stored before the limits) matches nothing.
      if (!(error instanceof GlobError)) throw error;
      matcher = () => false;
    }
    if (compiled.size >= MAX_CACHED_GLOBS) compiled.delete(compiled.keys().next().value as string);
  }
  compiled.set(glob, matcher);
  return matcher;
}

/** How many compiled globs are held in memory (for tests of the bound). */
export function cachedGlobCount(): number {
  return compiled.size;
}

export function matchesGlob(glob: string, name: string): boolean {
  // Plain globs need no compiling: matched as they are, linear in what is typed.
  if (!glob.includes('{')) return wildcardMatch(glob.toLowerCase(), name.toLowerCase());
  return cachedMatcher(glob)(name);
}

export function matchesAny(globs: readonly string[], name: string): boolean {
  return globs.some((glob) => matchesGlob(glob, name));
}

/** What a user may type in a glob: name characters plus `*` and `?`. */
const USER_GLOB_CHARS = /^[A-Za-z0-9._\-/:+=@*?]+$/;

/**
 * What is wrong with a glob a user typed, or null: only `*` and `?` (no braces or brackets), at most
 * MAX_USER_GLOB_LENGTH characters and MAX_USER_GLOB_WILDCARDS wildcards. The message says what to do.
 */
export function userGlobProblem(glob: string): string | null {
  if (glob.length > MAX_USER_GLOB_LENGTH) {
    return `that glob is ${glob.length} characters long; a glob is at most ${MAX_USER_GLOB_LENGTH}: shorten it`;
  }
  if (!USER_GLOB_CHARS.test(glob)) {
    const bad = [...new Set(glob.replace(/[A-Za-z0-9._\-/:+=@*?]/g, ''))].slice(0, 5);
    const which = bad.length === 1 ? `the character \`${quoted(bad.join(''))}\` is` : `the characters \`${quoted(bad.join(' '))}\` are`;
    return `a glob here is a name with \`*\` (any characters) and \`?\` (one character); ${which} not allowed: write e.g. staging-* or qa-?`;
  }
  const wildcards = glob.replace(/[^*?]/g, '').length;
  if (wildcards > MAX_USER_GLOB_WILDCARDS) {
    return `that glob has ${wildcards} wildcards; at most ${MAX_USER_GLOB_WILDCARDS} are allowed: use fewer \`*\` and \`?\``;
  }
  return null;
}
