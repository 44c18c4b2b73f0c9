import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** IAM prefixes of the SDK clients dockhand uses. */
const IAM_PREFIX: Record<string, string> = {
  '@aws-sdk/client-ecs': 'ecs',
  '@aws-sdk/client-application-auto-scaling': 'application-autoscaling',
  '@aws-sdk/client-cloudtrail': 'cloudtrail',
  '@aws-sdk/client-cost-explorer': 'ce',
  '@aws-sdk/client-sts': 'sts',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'sandbox' || name === 'demo' ? [] : sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Every AWS action the bot's code can call: `new XCommand(` and `paginateX(` of the clients it imports. */
function actionsCalledByCode(): Set<string> {
  const actions = new Set<string>();
  for (const file of sourceFiles('src')) {
    const text = readFileSync(file, 'utf8');
    for (const [, names, module] of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'(@aws-sdk\/client-[a-z-]+)'/g)) {
      const prefix = IAM_PREFIX[module as string];
      if (!prefix) throw new Error(`${file} imports ${module}: add its IAM prefix to this test`);
      for (const name of (names as string).split(',').map((n) => n.trim().replace(/^type\s+/, ''))) {
        const command = /^(\w+)Command$/.exec(name)?.[1] ?? /^paginate(\w+)$/.exec(name)?.[1];
        if (command && new RegExp(`\\b(new ${name}\\(|${name}\\()`).test(text)) actions.add(`${prefix}:${command}`);
      }
    }
  }
  return actions;
}

function actionsInReadme(): Set<string> {
  const readme = readFileSync('README.md', 'utf8');
  const block = /### IAM permissions[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no IAM policy JSON block under "### IAM permissions"');
  const policy = JSON.parse(block) as { Statement: Array<{ Action: string[] }> };
  return new Set(policy.Statement.flatMap((s) => s.Action));
}

describe('README IAM policy', () => {
  it('lists exactly the AWS actions the code calls', () => {
    const code = actionsCalledByCode();
    expect(code.size).toBeGreaterThan(0);
    expect([...actionsInReadme()].sort()).toEqual([...code].sort());
  });
});
