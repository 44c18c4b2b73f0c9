import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { LIVENESS_PATH } from '../../src/ops/http-server.js';

// No Docker engine runs here: the Dockerfile is checked by reading it, and by checking that everything it
// copies from the build context exists in the repository (so a renamed file breaks this test, not a release).

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

interface Stage {
  base: string;
  name: string | undefined;
  index: number;
  instructions: Instruction[];
}

/** Joins continuation lines, drops comments and blank lines, splits into instructions. */
function parseInstructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split(/\r?\n/);
  let buffer = '';
  let startLine = 0;
  lines.forEach((raw, i) => {
    const trimmed = raw.trim();
    if (buffer === '' && (trimmed === '' || trimmed.startsWith('#'))) return;
    if (buffer !== '' && trimmed.startsWith('#')) return; // comment inside a continued instruction
    if (buffer === '') startLine = i + 1;
    if (trimmed.endsWith('\\')) {
      buffer += trimmed.slice(0, -1) + ' ';
      return;
    }
    buffer += trimmed;
    const match = /^(\S+)\s*(.*)$/s.exec(buffer.trim());
    if (match?.[1]) out.push({ keyword: match[1].toUpperCase(), args: (match[2] ?? '').trim(), line: startLine });
    buffer = '';
  });
  return out;
}

function parseStages(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of parseInstructions(text)) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      const asIndex = words.findIndex((w) => w.toUpperCase() === 'AS');
      stages.push({
        base: words[0] ?? '',
        name: asIndex >= 0 ? words[asIndex + 1] : undefined,
        index: stages.length,
        instructions: [],
      });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

interface Copy {
  from: string | undefined;
  sources: string[];
  destination: string;
  line: number;
}

function parseCopy(instruction: Instruction): Copy {
  let args = instruction.args;
  const flags: Record<string, string> = {};
  for (;;) {
    const flag = /^--([a-z-]+)(?:=(\S+))?\s+/.exec(args);
    if (!flag?.[1]) break;
    flags[flag[1]] = flag[2] ?? '';
    args = args.slice(flag[0].length);
  }
  const parts = args.startsWith('[') ? (JSON.parse(args) as string[]) : args.split(/\s+/);
  return { from: flags.from, sources: parts.slice(0, -1), destination: parts.at(-1) ?? '', line: instruction.line };
}

function finalStage(stages: Stage[]): Stage {
  const last = stages.at(-1);
  if (!last) throw new Error('Dockerfile has no FROM');
  return last;
}

function stageByRef(stages: Stage[], ref: string): Stage | undefined {
  return stages.find((s) => s.name === ref) ?? (/^\d+$/.test(ref) ? stages[Number(ref)] : undefined);
}

/** .dockerignore semantics, closely enough: the last matching pattern wins; excluding a folder excludes its contents. */
function dockerIgnored(patterns: string[], path: string): boolean {
  const segments = posix.normalize(path).replace(/^\.\//, '').replace(/\/$/, '').split('/');
  const candidates = segments.map((_, i) => segments.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = posix.normalize((negated ? raw.slice(1) : raw).trim()).replace(/^\/+/, '').replace(/\/$/, '');
    if (pattern === '' || pattern === '.') continue;
    const isMatch = picomatch(pattern, { dot: true });
    if (candidates.some((c) => isMatch(c))) ignored = !negated;
  }
  return ignored;
}

function readDockerignore(): string[] {
  return readFileSync(join(repoRoot, '.dockerignore'), 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** Files (relative to the repo root) under a folder, skipping what .dockerignore leaves out of the context. */
function contextFiles(path: string, ignore: string[]): string[] {
  const absolute = join(repoRoot, path);
  if (!statSync(absolute).isDirectory()) return dockerIgnored(ignore, path) ? [] : [path];
  return readdirSync(absolute).flatMap((entry) => contextFiles(posix.join(path, entry), ignore));
}

function expandSource(source: string): string[] {
  const clean = posix.normalize(source).replace(/^\.\//, '').replace(/\/$/, '');
  if (!/[*?[]/.test(clean)) return [clean === '' ? '.' : clean];
  const folder = posix.dirname(clean);
  const isMatch = picomatch(clean, { dot: true });
  const absolute = join(repoRoot, folder);
  if (!existsSync(absolute)) return [];
  return readdirSync(absolute)
    .map((entry) => (folder === '.' ? entry : posix.join(folder, entry)))
    .filter((candidate) => isMatch(candidate));
}

const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
const stages = parseStages(dockerfile);

describe('Dockerfile', () => {
  it('is a multi-stage build', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages.slice(0, -1).some((s) => s.name)).toBe(true);
  });

  it('builds on and runs Node 22', () => {
    for (const stage of stages) expect(stage.base).toMatch(/^node:22([.-]|$)/);
    expect(finalStage(stages).base).toMatch(/^node:22/);
  });

  it('runs as a non-root user in the final stage', () => {
    const users = finalStage(stages).instructions.filter((i) => i.keyword === 'USER');
    const user = users.at(-1)?.args.split(':')[0];
    expect(user, 'final stage has no USER').toBeDefined();
    expect(['root', '0']).not.toContain(user);
  });

  it('has a HEALTHCHECK that calls the liveness path without curl', () => {
    const healthchecks = finalStage(stages).instructions.filter((i) => i.keyword === 'HEALTHCHECK');
    expect(healthchecks).toHaveLength(1);
    const check = healthchecks[0]?.args ?? '';
    expect(check).toMatch(/CMD/);
    expect(check).toContain(`'${LIVENESS_PATH}'`);
    expect(check).toMatch(/\bnode\b/);
    expect(check).not.toMatch(/\b(curl|wget)\b/);
  });

  it('starts the compiled entry point that the build emits', () => {
    const final = finalStage(stages);
    const cmd = final.instructions.filter((i) => i.keyword === 'CMD').at(-1)?.args;
    expect(cmd).toBeDefined();
    const argv = JSON.parse(cmd ?? '[]') as string[];
    expect(argv[0]).toBe('node');
    const entry = argv.at(-1) ?? '';
    // Node's own flags (the young generation's size) come between; npm start passes the same ones.
    const flags = argv.slice(1, -1);
    expect(flags.every((flag) => flag.startsWith('--'))).toBe(true);
    expect(entry).toMatch(/^dist\/.+\.js$/);
    // dist/src/main.js is emitted from src/main.ts by tsconfig.build.json (outDir dist, rootDir .).
    const sourceEntry = entry.replace(/^dist\//, '').replace(/\.js$/, '.ts');
    expect(existsSync(join(repoRoot, sourceEntry)), `${sourceEntry} (compiled to ${entry}) does not exist`).toBe(true);
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
    expect(pkg.scripts?.start).toBe(`node ${[...flags, '--env-file-if-exists=.env'].join(' ')} ${entry}`);
    // The final image receives dist/ from a build stage that runs the build script.
    const distCopy = final.instructions
      .filter((i) => i.keyword === 'COPY')
      .map(parseCopy)
      .find((c) => c.from !== undefined && c.sources.some((s) => /(^|\/)dist\/?$/.test(s)));
    expect(distCopy, 'final stage does not copy dist/ from a build stage').toBeDefined();
    const buildStage = stageByRef(stages, distCopy?.from ?? '');
    expect(buildStage?.instructions.some((i) => i.keyword === 'RUN' && /npm run build\b/.test(i.args))).toBe(true);
  });

  it('builds dist/ from src/ alone: no sandbox, demo or simulation reaches the image', () => {
    // What tsc would emit into dist/ with the build config: the files of its program outside node_modules.
    const listed = execFileSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', join(repoRoot, 'tsconfig.build.json'), '--listFilesOnly'], { encoding: 'utf8' });
    const compiled = listed
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '' && !line.includes('/node_modules/'))
      .map((line) => posix.relative(repoRoot.split('\\').join('/'), line.trim().split('\\').join('/')));
    expect(compiled).toContain('src/main.ts');
    const outside = compiled.filter((path) => !path.startsWith('src/'));
    expect(outside, `the build compiles files outside src/: ${outside.join(', ')}`).toEqual([]);
    expect(compiled.filter((path) => /(sandbox|demo|simulat)/.test(path))).toEqual([]);
    // The image copies src/ into the build stage and nothing else of the code.
    const copied = stages.flatMap((s) => s.instructions).filter((i) => i.keyword === 'COPY').map(parseCopy).filter((c) => c.from === undefined).flatMap((c) => c.sources);
    expect(copied.filter((source) => /^\.?\/?dev\b|bench|test/.test(source))).toEqual([]);
  }, 60_000);

  it('ships production dependencies only', () => {
    const final = finalStage(stages);
    const modulesCopy = final.instructions
      .filter((i) => i.keyword === 'COPY')
      .map(parseCopy)
      .find((c) => c.sources.some((s) => /node_modules\/?$/.test(s)));
    const installsInFinal = final.instructions.filter((i) => i.keyword === 'RUN' && /\bnpm (ci|install|i)\b/.test(i.args));
    for (const install of installsInFinal) expect(install.args).toMatch(/--omit=dev/);

    if (modulesCopy) {
      expect(modulesCopy.from, 'node_modules must come from a build stage, not the context').toBeDefined();
      const source = stageByRef(stages, modulesCopy.from ?? '');
      expect(source).toBeDefined();
      const runs = source?.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args) ?? [];
      const lastInstall = runs.findLastIndex((r) => /\bnpm (ci|install|i)\b/.test(r));
      const lastOmit = runs.findLastIndex((r) => /--omit=dev\b/.test(r) && /\bnpm (ci|prune|install|i)\b/.test(r));
      expect(lastOmit, `stage ${modulesCopy.from ?? ''} never drops dev dependencies`).toBeGreaterThanOrEqual(0);
      expect(lastOmit).toBeGreaterThanOrEqual(lastInstall);
    } else {
      expect(installsInFinal.length, 'final stage neither copies nor installs node_modules').toBeGreaterThan(0);
    }
    expect(final.instructions.some((i) => i.keyword === 'ENV' && /NODE_ENV[= ]production/.test(i.args))).toBe(true);
  });

  it('keeps the database on a /data volume owned by the runtime user', () => {
    const final = finalStage(stages);
    expect(final.instructions.some((i) => i.keyword === 'ENV' && /DOCKHAND_DB[= ]\/data\//.test(i.args))).toBe(true);
    expect(final.instructions.some((i) => i.keyword === 'VOLUME' && /\/data\b/.test(i.args))).toBe(true);
    const user = final.instructions.filter((i) => i.keyword === 'USER').at(-1)?.args ?? '';
    expect(final.instructions.some((i) => i.keyword === 'RUN' && i.args.includes(`chown ${user}`) && i.args.includes('/data'))).toBe(true);
    expect(final.instructions.some((i) => i.keyword === 'EXPOSE' && /\b3000\b/.test(i.args))).toBe(true);
  });

  it('copies only paths that exist in the repository and are not in .dockerignore', () => {
    const ignore = readDockerignore();
    const contextCopies = stages
      .flatMap((s) => s.instructions)
      .filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')
      .map(parseCopy)
      .filter((c) => c.from === undefined);
    expect(contextCopies.length).toBeGreaterThan(0);
    const sources = contextCopies.flatMap((c) => c.sources.map((source) => ({ source, line: c.line })));
    for (const { source, line } of sources) {
      const expanded = expandSource(source);
      expect(expanded.length, `COPY source ${source} (Dockerfile line ${line}) matches nothing`).toBeGreaterThan(0);
      for (const path of expanded) {
        expect(existsSync(join(repoRoot, path)), `COPY source ${path} (Dockerfile line ${line}) does not exist`).toBe(true);
        expect(dockerIgnored(ignore, path), `COPY source ${path} (Dockerfile line ${line}) is excluded by .dockerignore`).toBe(false);
        // Git keeps no empty folders: a folder must hold at least one file that reaches the build context.
        expect(contextFiles(path, ignore).length, `COPY source ${path} (Dockerfile line ${line}) is empty`).toBeGreaterThan(0);
      }
    }
    // The files the build relies on are among them.
    for (const required of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'migrations']) {
      expect(sources.map((s) => s.source.replace(/\/$/, '')), `Dockerfile does not copy ${required}`).toContain(required);
    }
  });
});

describe('.dockerignore', () => {
  it('keeps local dependencies, build output and state out of the context', () => {
    const ignore = readDockerignore();
    for (const path of ['node_modules', 'node_modules/yaml/package.json', 'dist', 'dist/src/main.js', '.git', 'data/dockhand.db', 'coverage']) {
      expect(dockerIgnored(ignore, path), `${path} is not excluded`).toBe(true);
    }
    for (const path of ['package.json', 'package-lock.json', 'src/main.ts', 'migrations']) {
      expect(dockerIgnored(ignore, path), `${path} is excluded`).toBe(false);
    }
  });
});
