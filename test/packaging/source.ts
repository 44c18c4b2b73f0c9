import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The bot's own TypeScript under `dir` (src/ by default). The sandbox, demo and simulation live in dev/, outside it. */
export function botSourceFiles(dir = 'src'): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return botSourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}
