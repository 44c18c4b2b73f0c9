import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { EMPTY_HINTS, envSchema, SECRET_KEYS, type Env } from './env.js';
import { closestNames } from '../domain/suggest.js';
import { policySchema, type Policy } from './policy.js';
import { knownKeysAt } from './schema-keys.js';

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

function unknownKeys(keys: readonly string[], known: readonly string[]): string {
  const named = keys.map((k) => {
    const [closest] = closestNames(k, known.filter((name) => !keys.includes(name)), 1);
    return closest ? `${JSON.stringify(k)} (did you mean \`${closest}\`?)` : JSON.stringify(k);
  });
  return `unknown key(s) ${named.join(', ')}; check the spelling against dockhand.example.yml`;
}

/** "key: got VALUE; expected …" ("key: is required …" when missing), one line per issue, with secrets masked. */
export function formatIssues(error: z.ZodError, input: unknown, maskKeys: ReadonlySet<string> = new Set(), schema?: z.ZodType): string[] {
  return error.issues.map((issue) => {
    const key = keyOf(issue.path);
    const value = valueAt(input, issue.path);
    if (issue.code === 'unrecognized_keys') return `${key || '(top level)'}: ${unknownKeys(issue.keys, schema ? knownKeysAt(schema, issue.path) : [])}`;
    if (value === undefined) {
      // zod's own wording for a missing value is "Invalid input: expected array, received undefined".
      const message = issue.code === 'invalid_type' && issue.message.startsWith('Invalid input') ? `is required (${issue.expected})` : issue.message;
      return `${key || '(top level)'}: ${message}`;
    }
    const shown = maskKeys.has(key) ? '(hidden)' : describe(value);
    return `${key || '(top level)'}: got ${shown}; ${issue.message}`;
  });
}

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  // A variable set to "": one line saying so, rather than what its value fails and that it is missing.
  const empty = Object.keys(EMPTY_HINTS).filter((key) => source[key] === '');
  const result = envSchema.safeParse(source);
  if (result.success && empty.length === 0) return result.data;
  const problems = [
    ...empty.map((key) => `${key}: is empty; ${EMPTY_HINTS[key]}`),
    ...(result.success ? [] : formatIssues(result.error, source, SECRET_KEYS).filter((_, i) => !empty.includes(keyOf(result.error.issues[i]?.path ?? [])))),
  ];
  throw new ConfigError('the environment', problems);
}

export function parsePolicy(text: string, source = 'dockhand.yml'): Policy {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const where = error.linePos?.[0] ? `line ${error.linePos[0].line}, column ${error.linePos[0].col}` : 'somewhere';
      // The yaml library ends its first line with the position again and a colon before the excerpt.
      const what = (error.message.split('\n')[0] ?? '').replace(/\s+at line \d+, column \d+:?\s*$/, '').replace(/:\s*$/, '');
      throw new ConfigError(source, [`YAML syntax error at ${where}: ${what}`]);
    }
    throw error;
  }
  const result = policySchema.safeParse(raw ?? {});
  if (!result.success) throw new ConfigError(source, formatIssues(result.error, raw, new Set(), policySchema));
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
