import picomatch from 'picomatch';

const compiled = new Map<string, (name: string) => boolean>();

/** Environment globs from the policy (`staging-*`, `prod`, `*`); compiled once, reused on every check. */
export function matchesGlob(glob: string, name: string): boolean {
  let matcher = compiled.get(glob);
  if (!matcher) {
    matcher = picomatch(glob, { nocase: true, dot: true });
    compiled.set(glob, matcher);
  }
  return matcher(name);
}

export function matchesAny(globs: readonly string[], name: string): boolean {
  return globs.some((glob) => matchesGlob(glob, name));
}
