import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { expect } from 'vitest';

export const MODULE_DIR = 'deploy/terraform';
export const CROSS_ACCOUNT_DIR = 'deploy/terraform/modules/cross-account-role';

/** hcl2json's JSON: blocks are arrays of bodies, expressions are "${…}" strings. */
export type Body = Record<string, unknown>;
export interface Hcl {
  variable: Record<string, Body[]>;
  locals: Body[];
  resource: Record<string, Record<string, Body[]>>;
  data: Record<string, Record<string, Body[]>>;
  module: Record<string, Body[]>;
  output: Record<string, Body[]>;
  moved: Array<{ from: string; to: string }>;
}

/** Every .tf file of a folder, parsed by HashiCorp's HCL parser and merged as Terraform merges them. */
export async function parseModule(dir: string): Promise<Hcl> {
  const merged: Hcl = { variable: {}, locals: [], resource: {}, data: {}, module: {}, output: {}, moved: [] };
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.tf'))) {
    const parsed = (await parse(file, readFileSync(join(dir, file), 'utf8'))) as Partial<Hcl>;
    Object.assign(merged.variable, parsed.variable);
    Object.assign(merged.module, parsed.module);
    Object.assign(merged.output, parsed.output);
    merged.locals.push(...(parsed.locals ?? []));
    merged.moved.push(...(parsed.moved ?? []));
    for (const kind of ['resource', 'data'] as const) {
      for (const [type, byName] of Object.entries(parsed[kind] ?? {})) merged[kind][type] = { ...merged[kind][type], ...byName };
    }
  }
  return merged;
}

export function only<T>(blocks: T[] | undefined, what: string): T {
  expect(blocks, what).toHaveLength(1);
  return (blocks as T[])[0] as T;
}

export const resource = (hcl: Hcl, type: string, name: string): Body => only(hcl.resource[type]?.[name], `resource ${type}.${name}`);

export function local(hcl: Hcl, name: string): unknown {
  const found = hcl.locals.filter((block) => name in block);
  expect(found, `local.${name}`).toHaveLength(1);
  return (found[0] as Body)[name];
}

/** The README's ```hcl blocks, in order: the first is the SQLite example, the second the Postgres one. */
export function readmeExamples(): string[] {
  const blocks = [...readFileSync(join(MODULE_DIR, 'README.md'), 'utf8').matchAll(/```hcl\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  if (blocks.length === 0) throw new Error(`${MODULE_DIR}/README.md has no \`\`\`hcl example`);
  return blocks;
}

export interface Container {
  name: string;
  environment: string;
  secrets: string;
  healthCheck: { command: string[]; interval: number; timeout: number; retries: number; startPeriod: number };
  mountPoints: string;
  logConfiguration: { logDriver: string; options: Record<string, string> };
}

export const container = (hcl: Hcl): Container => local(hcl, 'container') as Container;
export const environment = (hcl: Hcl): Array<{ name: string; value: string }> => local(hcl, 'environment') as Array<{ name: string; value: string }>;
