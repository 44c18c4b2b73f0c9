import { distance } from 'fastest-levenshtein';

/**
 * The names closest to what someone typed: prefix and substring matches first, then by edit distance,
 * dropping names so far off that suggesting them would be noise.
 */
export function closestNames(typed: string, names: readonly string[], limit = 3): string[] {
  const needle = typed.toLowerCase();
  const maxDistance = Math.max(2, Math.ceil(needle.length / 2));
  return names
    .map((name) => {
      const candidate = name.toLowerCase();
      const bonus = candidate.startsWith(needle) || needle.startsWith(candidate) ? -2 : candidate.includes(needle) ? -1 : 0;
      return { name, score: distance(needle, candidate) + bonus };
    })
    .filter((entry) => entry.score <= maxDistance)
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((entry) => entry.name);
}
