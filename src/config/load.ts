import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { envSchema, SECRET_KEYS, type Env } from './env.js';
import { policySchema, type Policy } from './policy.js';

/** A configuration problem a person can fix; main prints `message` and exits, never a stack trace. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source} is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function keyOf(path: PropertyKey[]): string {
  return path.reduce<string>((key, part) => (typeof part === 'number' ? `${key}[${part}]` : key ? `${key}.${String(part)}` : String(part)), '');
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let node: unknown = root;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  return node;
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** "key: got VALUE; expected …", one line per issue, with secrets masked. */
export function formatIssues(error: z.ZodError, input: unknown, maskKeys: ReadonlySet<string> = new Set()): string[] {
  return error.issues.map((issue) => {
    const key = keyOf(issue.path);
    const value = valueAt(input, issue.path);
    const shown = maskKeys.has(key) && value !== undefined ? '(hidden)' : describe(value);
    if (issue.code === 'unrecognized_keys') {
      return `${key || '(top level)'}: unknown key(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}; check the spelling against dockhand.example.yml`;
    }
    return `${key || '(top level)'}: got ${shown}; ${issue.message}`;
  });
}

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) throw new ConfigError('the environment', formatIssues(result.error, source, SECRET_KEYS));
  return result.data;
}

export function parsePolicy(text: string, source = 'dockhand.yml'): Policy {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const where = error.linePos?.[0] ? `line ${error.linePos[0].line}, column ${error.linePos[0].col}` : 'somewhere';
      throw new ConfigError(source, [`YAML syntax error at ${where}: ${error.message.split('\n')[0]}`]);
    }
    throw error;
  }
  const result = policySchema.safeParse(raw ?? {});
  if (!result.success) throw new ConfigError(source, formatIssues(result.error, raw));
  return result.data;
}

export function loadPolicy(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(path, [
      code === 'ENOENT'
        ? `the policy file does not exist; copy dockhand.example.yml to ${path} or set DOCKHAND_CONFIG to its path`
        : `cannot read the policy file (${code ?? String(error)})`,
    ]);
  }
  return parsePolicy(text, path);
}

/** The policy from DOCKHAND_POLICY (its YAML, as the Terraform module passes it) when set, else from the DOCKHAND_CONFIG file. */
export function loadPolicyOf(env: Pick<Env, 'DOCKHAND_CONFIG' | 'DOCKHAND_POLICY'>): Policy {
  return env.DOCKHAND_POLICY ? parsePolicy(env.DOCKHAND_POLICY, 'DOCKHAND_POLICY') : loadPolicy(env.DOCKHAND_CONFIG);
}
