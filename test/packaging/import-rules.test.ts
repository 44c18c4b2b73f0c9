import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// The room rules of eslint.config.js (ARCHITECTURE.md) bite where they must and let the allowed imports through.
// Each case lints a made-up file of one room through the real config: the file need not exist, but what it
// imports must (the rules match the file an import resolves to).

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** A file (`….ts`), or some existing .ts file of a folder, so the cases survive files being renamed by later work. */
function someFileIn(folder: string): string {
  if (folder.endsWith('.ts')) return join(repoRoot, folder);
  const dir = join(repoRoot, folder);
  const entry = readdirSync(dir, { withFileTypes: true, recursive: true }).find(
    (e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'),
  );
  if (!entry) throw new Error(`no .ts file under ${folder}`);
  return join(entry.parentPath, entry.name);
}

/** The NodeNext specifier (`../slack/app.js`) that `importer` would write for `target`. */
function specifier(importer: string, target: string): string {
  const path = relative(join(repoRoot, importer, '..'), target).replace(/\.ts$/, '.js');
  return path.startsWith('.') ? path : `./${path}`;
}

let eslint: ESLint;

async function ruleIdsOf(importer: string, code: string): Promise<(string | null)[]> {
  const [result] = await eslint.lintText(code, { filePath: join(repoRoot, importer) });
  if (!result) throw new Error('eslint returned no result');
  // Unused imports are not what these cases are about.
  return result.messages.map((m) => m.ruleId).filter((id) => id !== '@typescript-eslint/no-unused-vars');
}

async function ruleIdsOfImport(importer: string, target: string): Promise<(string | null)[]> {
  return ruleIdsOf(importer, `import * as imported from '${specifier(importer, target)}';\nexport { imported };\n`);
}

beforeAll(() => {
  // The room cases need not follow the whole import graph for cycles (the second describe covers no-cycle).
  eslint = new ESLint({ cwd: repoRoot, overrideConfig: { rules: { 'import-x/no-cycle': 'off' } } });
});

describe('room rules', () => {
  it.each([
    ['src/operations/x.ts', 'src/slack'],
    ['src/jobs/x.ts', 'src/slack'],
    ['src/jobs/x.ts', 'src/slack/blocks'],
    ['src/ops/x.ts', 'src/slack'],
    ['src/domain/x.ts', 'src/store'],
    ['src/domain/schedules/x.ts', 'src/config'],
    ['src/store/x.ts', 'src/operations'],
    ['src/aws/x.ts', 'src/jobs'],
    ['src/aws/x.ts', 'src/store'],
    ['src/aws/x.ts', 'src/ops/http-server.ts'],
    ['src/config/x.ts', 'src/store'],
    ['src/operations/x.ts', 'src/jobs'],
    ['src/x.ts', 'src/slack'],
    ['src/operations/x.ts', 'dev'],
    ['src/slack/x.ts', 'dev'],
    ['src/x.ts', 'test/support'],
    ['src/jobs/x.ts', 'bench'],
    ['src/charts/x.ts', 'src/store'],
    ['src/charts/x.ts', 'src/slack'],
    ['src/jobs/x.ts', 'src/charts'],
    ['src/store/x.ts', 'src/charts'],
  ])('%s may not import from %s', async (importer, folder) => {
    expect(await ruleIdsOfImport(importer, someFileIn(folder))).toEqual(['import-x/no-restricted-paths']);
  });

  it('nothing in src/ imports the composition root', async () => {
    expect(await ruleIdsOfImport('src/slack/x.ts', join(repoRoot, 'src/main.ts'))).toEqual([
      'import-x/no-restricted-paths',
    ]);
    expect(await ruleIdsOfImport('src/jobs/x.ts', join(repoRoot, 'src/main.ts'))).toEqual([
      'import-x/no-restricted-paths',
    ]);
  });

  it.each([
    ['src/slack/x.ts', 'src/operations'],
    ['src/slack/x.ts', 'src/jobs'],
    ['src/jobs/x.ts', 'src/operations'],
    ['src/operations/x.ts', 'src/store'],
    ['src/operations/x.ts', 'src/aws'],
    ['src/aws/x.ts', 'src/ops/metrics.ts'],
    ['src/ops/x.ts', 'src/jobs'],
    ['src/store/x.ts', 'src/domain'],
    ['src/domain/x.ts', 'src/domain/trail'],
    ['src/main.ts', 'src/slack'],
    ['src/wiring/x.ts', 'src/slack'],
    ['dev/demo/x.ts', 'src/slack'],
    ['test/slack/x.ts', 'src/slack'],
    ['src/slack/x.ts', 'src/charts'],
    ['src/charts/x.ts', 'src/domain'],
    ['src/charts/x.ts', 'src/package.ts'],
    ['dev/demo/x.ts', 'src/charts'],
  ])('%s may import from %s', async (importer, folder) => {
    expect(await ruleIdsOfImport(importer, someFileIn(folder))).toEqual([]);
  });

  it('only slack/ and the composition root import the Slack SDK', async () => {
    const code = "import type { KnownBlock } from '@slack/types';\nexport type Block = KnownBlock;\n";
    expect(await ruleIdsOf('src/operations/x.ts', code)).toEqual(['no-restricted-imports']);
    expect(await ruleIdsOf('src/jobs/x.ts', code)).toEqual(['no-restricted-imports']);
    expect(await ruleIdsOf('src/slack/blocks/x.ts', code)).toEqual([]);
    expect(await ruleIdsOf('src/main.ts', code)).toEqual([]);
    expect(await ruleIdsOf('src/wiring/x.ts', code)).toEqual([]);
  });
});

describe('import cycles', () => {
  // test/fixtures/import-cycle/a.ts and b.ts import each other; `npx eslint .` ignores that folder, so this
  // ESLint lints it with the ignore patterns off (the rules are the config's own).
  let cycleLint: ESLint;
  beforeAll(() => {
    cycleLint = new ESLint({ cwd: repoRoot, ignore: false });
  });

  it('a two-file cycle is an error in both files', async () => {
    const results = await cycleLint.lintFiles(['test/fixtures/import-cycle/a.ts', 'test/fixtures/import-cycle/b.ts']);
    expect(results.map((r) => relative(repoRoot, r.filePath)).sort()).toEqual([
      'test/fixtures/import-cycle/a.ts',
      'test/fixtures/import-cycle/b.ts',
    ]);
    for (const result of results) expect(result.messages.map((m) => m.ruleId)).toEqual(['import-x/no-cycle']);
  });

  it('a file that imports into the cycle without closing it passes', async () => {
    const [result] = await cycleLint.lintText("import { countdownA } from './a.js';\nexport const ten = countdownA(10);\n", {
      filePath: join(repoRoot, 'test/fixtures/import-cycle/outside.ts'),
    });
    expect(result?.messages).toEqual([]);
  });

  it('src/, dev/, test/ and bench/ files get the same cycle rule as the fixture', async () => {
    const ruleOf = async (file: string) =>
      (await cycleLint.calculateConfigForFile(join(repoRoot, file))).rules['import-x/no-cycle'];
    const fixtureRule = await ruleOf('test/fixtures/import-cycle/a.ts');
    expect(fixtureRule[0]).toBe(2);
    for (const file of ['src/operations/x.ts', 'src/domain/x.ts', 'dev/demo/x.ts', 'test/x.ts', 'bench/x.ts']) {
      expect(await ruleOf(file), file).toEqual(fixtureRule);
    }
  });
});
