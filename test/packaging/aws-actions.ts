import { readFileSync } from 'node:fs';
import { botSourceFiles } from './source.js';

/** IAM prefixes of the SDK clients dockhand uses. */
const IAM_PREFIX: Record<string, string> = {
  '@aws-sdk/client-ecs': 'ecs',
  '@aws-sdk/client-application-auto-scaling': 'application-autoscaling',
  '@aws-sdk/client-cloudtrail': 'cloudtrail',
  '@aws-sdk/client-cost-explorer': 'ce',
  '@aws-sdk/client-cloudwatch-logs': 'logs',
  '@aws-sdk/client-sts': 'sts',
};

/** Every AWS action the bot's code can call: `new XCommand(` and `paginateX(` of the clients it imports. */
export function actionsCalledByCode(): Set<string> {
  const actions = new Set<string>();
  for (const file of botSourceFiles()) {
    const text = readFileSync(file, 'utf8');
    for (const [, staticNames, lazyNames, module] of text.matchAll(/(?:import\s*\{([^}]*)\}\s*from\s*|const\s*\{([^}]*)\}\s*=\s*await\s+import\()'(@aws-sdk\/client-[a-z-]+)'/g)) {
      const prefix = IAM_PREFIX[module as string];
      if (!prefix) throw new Error(`${file} imports ${module}: add its IAM prefix to this test`);
      for (const name of ((staticNames ?? lazyNames) as string).split(',').map((n) => n.trim().replace(/^type\s+/, ''))) {
        const command = /^(\w+)Command$/.exec(name)?.[1] ?? /^paginate(\w+)$/.exec(name)?.[1];
        if (command && new RegExp(`\\b(new ${name}\\(|${name}\\()`).test(text)) actions.add(`${prefix}:${command}`);
      }
    }
  }
  return actions;
}

export interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: string;
  Statement: PolicyStatement[];
}

/** The one IAM policy document: the Terraform module reads it, the README shows it. */
export const IAM_POLICY_PATH = 'deploy/terraform/iam-policy.json';

export function canonicalPolicy(): PolicyDocument {
  return JSON.parse(readFileSync(IAM_POLICY_PATH, 'utf8')) as PolicyDocument;
}

export const actionsOf = (statement: PolicyStatement | undefined): string[] => (statement ? [statement.Action].flat() : []);
