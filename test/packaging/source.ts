import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The bot's own TypeScript under `dir` (src/ by default): not the sandbox or the demo console, which are tools. */
export function botSourceFiles(dir = 'src'): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'sandbox' || name === 'demo' ? [] : botSourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}
