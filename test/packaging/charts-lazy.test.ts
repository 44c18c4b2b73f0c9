import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chartFontPath } from '../../src/charts/render.js';
import { botSourceFiles } from './source.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CHARTING = /^\s*import\s+(?!type\b)(?:[^;]*?from\s+)?'(vega|vega-lite|@resvg\/resvg-js)'/m;

describe('charting modules', () => {
  it('are never imported statically by the bot: only on the first chart drawn', () => {
    const offenders = botSourceFiles(resolve(repoRoot, 'src')).filter((file) => CHARTING.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('stay unloaded when the bot modules load, and load once a chart is drawn', () => {
    // A child process, so this test's own imports do not count. A resolve hook names each charting module
    // as it is first resolved; the script says when the composition root has loaded, then draws.
    const dir = mkdtempSync(join(tmpdir(), 'dockhand-charts-lazy-'));
    writeFileSync(
      join(dir, 'hook.mjs'),
      `export async function resolve(specifier, context, next) {
        if (/^(vega|vega-lite|@resvg\\/resvg-js)$/.test(specifier)) process.stderr.write('charting:' + specifier + '\\n');
        return next(specifier, context);
      }\n`,
    );
    writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hook.mjs')).href)});\n`);
    const script = `
      await import('./src/main.ts');
      process.stderr.write('phase:main-loaded\\n');
      const { renderSpec } = await import('./src/charts/render.ts');
      await renderSpec({ data: { values: [{ a: 1 }] }, mark: 'bar', encoding: { y: { field: 'a', type: 'quantitative' } } });
    `;
    try {
      const child = spawnSync(process.execPath, ['--import', join(dir, 'register.mjs'), '--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: repoRoot,
        encoding: 'utf8',
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      });
      expect(child.status, child.stderr).toBe(0);
      const lines = child.stderr.split('\n').filter((line) => line.startsWith('charting:') || line.startsWith('phase:'));
      expect(lines[0]).toBe('phase:main-loaded');
      expect([...new Set(lines.slice(1))].sort()).toEqual(['charting:@resvg/resvg-js', 'charting:vega', 'charting:vega-lite']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('draw with the font shipped in the repository', () => {
    expect(existsSync(chartFontPath())).toBe(true);
    expect(existsSync(resolve(repoRoot, 'assets/fonts/LICENSE-DejaVu.txt'))).toBe(true);
  });
});
