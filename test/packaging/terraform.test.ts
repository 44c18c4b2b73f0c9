import { readdirSync, readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envSchema } from '../../src/config/env.js';
import { LIVENESS_PATH } from '../../src/ops/http-server.js';
import { startHarness, type Harness } from '../support/harness.js';
import { actionsCalledByCode, actionsOf, canonicalPolicy, IAM_POLICY_PATH, type PolicyDocument } from './aws-actions.js';

const MODULE_DIR = 'deploy/terraform';
const CROSS_ACCOUNT_DIR = 'deploy/terraform/modules/cross-account-role';

/** hcl2json's JSON: blocks are arrays of bodies, expressions are "${…}" strings. */
type Body = Record<string, unknown>;
interface Hcl {
  variable: Record<string, Body[]>;
  locals: Body[];
  resource: Record<string, Record<string, Body[]>>;
  data: Record<string, Record<string, Body[]>>;
  module: Record<string, Body[]>;
  output: Record<string, Body[]>;
}

/** Every .tf file of a folder, parsed by HashiCorp's HCL parser and merged as Terraform merges them. */
async function parseModule(dir: string): Promise<Hcl> {
  const merged: Hcl = { variable: {}, locals: [], resource: {}, data: {}, module: {}, output: {} };
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.tf'))) {
    const parsed = (await parse(file, readFileSync(join(dir, file), 'utf8'))) as Partial<Hcl>;
    Object.assign(merged.variable, parsed.variable);
    Object.assign(merged.module, parsed.module);
    Object.assign(merged.output, parsed.output);
    merged.locals.push(...(parsed.locals ?? []));
    for (const kind of ['resource', 'data'] as const) {
      for (const [type, byName] of Object.entries(parsed[kind] ?? {})) merged[kind][type] = { ...merged[kind][type], ...byName };
    }
  }
  return merged;
}

function only<T>(blocks: T[] | undefined, what: string): T {
  expect(blocks, what).toHaveLength(1);
  return (blocks as T[])[0] as T;
}

const resource = (hcl: Hcl, type: string, name: string): Body => only(hcl.resource[type]?.[name], `resource ${type}.${name}`);

function local(hcl: Hcl, name: string): unknown {
  const found = hcl.locals.filter((block) => name in block);
  expect(found, `local.${name}`).toHaveLength(1);
  return (found[0] as Body)[name];
}

/** The README example: its ```hcl block. */
function readmeExample(): string {
  const block = /```hcl\n([\s\S]*?)```/.exec(readFileSync(join(MODULE_DIR, 'README.md'), 'utf8'))?.[1];
  if (!block) throw new Error(`${MODULE_DIR}/README.md has no \`\`\`hcl example`);
  return block;
}

const TOKEN_LIKE = /TOKEN|SECRET|PASSWORD|PRIVATE|CREDENTIAL/i;

let main: Hcl;
let crossAccount: Hcl;
beforeAll(async () => {
  [main, crossAccount] = await Promise.all([parseModule(MODULE_DIR), parseModule(CROSS_ACCOUNT_DIR)]);
});

interface Container {
  name: string;
  environment: string;
  secrets: string;
  healthCheck: { command: string[]; interval: number; timeout: number; retries: number; startPeriod: number };
  mountPoints: Array<{ sourceVolume: string; containerPath: string }>;
  logConfiguration: { logDriver: string; options: Record<string, string> };
}

const container = (): Container => local(main, 'container') as Container;
const environment = (): Array<{ name: string; value: string }> => local(main, 'environment') as Array<{ name: string; value: string }>;

describe('deploy/terraform: the IAM policy', () => {
  it('gives the task role the canonical policy, whose actions are the code’s', () => {
    expect(local(main, 'dockhand_policy')).toBe('${jsondecode(file("${path.module}/iam-policy.json"))}');
    const policy = resource(main, 'aws_iam_role_policy', 'task');
    expect(policy.role).toBe('${aws_iam_role.task.id}');
    expect(policy.policy).toBe('${jsonencode(local.dockhand_policy)}');
    const file = JSON.parse(readFileSync(join(MODULE_DIR, 'iam-policy.json'), 'utf8')) as PolicyDocument;
    expect(actionsOf(file.Statement.find((s) => s.Sid === 'Dockhand')).sort()).toEqual([...actionsCalledByCode()].sort());
    // No other policy on the task role grants more than sts on the account roles.
    const onTaskRole = Object.entries(main.resource.aws_iam_role_policy ?? {}).filter(([, [body]]) => body?.role === '${aws_iam_role.task.id}');
    expect(onTaskRole.map(([name]) => name).sort()).toEqual(['assume_account_roles', 'task']);
    expect(main.resource.aws_iam_role_policy_attachment?.task).toBeUndefined();
  });

  it('lets the task role assume exactly the account roles, with SourceIdentity', () => {
    const assume = resource(main, 'aws_iam_role_policy', 'assume_account_roles');
    expect(assume.count).toBe('${length(var.account_role_arns) > 0 ? 1 : 0}');
    expect(assume.policy).toContain('Action   = ["sts:AssumeRole", "sts:SetSourceIdentity"]');
    expect(assume.policy).toContain('Resource = var.account_role_arns');
  });

  it('gives the cross-account role the same policy and trusts only dockhand’s task role for AssumeRole and SetSourceIdentity', () => {
    const read = local(crossAccount, 'dockhand_policy') as string;
    const path = /file\("\$\{path\.module\}\/([^"]+)"\)/.exec(read)?.[1];
    expect(path && normalize(join(CROSS_ACCOUNT_DIR, path))).toBe(normalize(IAM_POLICY_PATH));
    expect(resource(crossAccount, 'aws_iam_role_policy', 'this').policy).toBe('${jsonencode(local.dockhand_policy)}');
    const trust = only(crossAccount.data.aws_iam_policy_document?.trust, 'trust policy document');
    const statement = only(trust.statement as Body[], 'trust statement');
    expect(statement.actions).toEqual(['sts:AssumeRole', 'sts:SetSourceIdentity']);
    expect(statement.principals).toEqual([{ type: 'AWS', identifiers: ['${var.dockhand_task_role_arn}'] }]);
    expect(resource(crossAccount, 'aws_iam_role', 'this').assume_role_policy).toBe('${data.aws_iam_policy_document.trust.json}');
    expect(canonicalPolicy().Statement.length).toBeGreaterThan(0);
  });
});

describe('deploy/terraform: the task definition', () => {
  it('passes Slack tokens only through secrets (valueFrom the ARNs given), never in environment', () => {
    const c = container();
    expect(c.secrets).toBe('${local.secrets}');
    expect(local(main, 'secrets')).toBe('${[for name, arn in local.secret_arns : { name = name, valueFrom = arn } if arn != null]}');
    expect(local(main, 'secret_arns')).toBe('${merge(local.slack_secret_arns, { DOCKHAND_POLICY = local.policy_parameter_arn })}');
    const slack = local(main, 'slack_secret_arns') as Record<string, string>;
    expect(slack).toEqual({
      SLACK_BOT_TOKEN: '${var.slack_bot_token_secret_arn}',
      SLACK_APP_TOKEN: '${var.slack_mode == "socket" ? var.slack_app_token_secret_arn : null}',
      SLACK_SIGNING_SECRET: '${var.slack_mode == "http" ? var.slack_signing_secret_arn : null}',
    });
    expect(c.environment).toBe('${local.environment}');
    expect(environment().length).toBeGreaterThan(0);
    for (const { name, value } of environment()) {
      expect(name, `${name} in environment`).not.toMatch(TOKEN_LIKE);
      expect(value, `${name}'s value`).not.toMatch(/var\.slack_|secret/i);
    }
    // A literal list (not an expression this test could not see into), and the one the container gets.
    expect(Array.isArray(local(main, 'environment'))).toBe(true);
    // No token can be given to the module as a value: every token- or secret-like variable is an ARN.
    for (const name of Object.keys(main.variable)) if (TOKEN_LIKE.test(name)) expect(name).toMatch(/_arn$/);
    // Every name given to the container is one dockhand reads (the revision only forces a new deployment).
    const known = new Set(Object.keys(envSchema.shape));
    for (const name of [...environment().map((e) => e.name), ...Object.keys(slack), 'DOCKHAND_POLICY']) {
      expect(known.has(name) || name === 'DOCKHAND_POLICY_REVISION', name).toBe(true);
    }
  });

  it('lets the execution role read exactly the referenced secrets', () => {
    const doc = only(main.data.aws_iam_policy_document?.execution_secrets, 'execution_secrets');
    const statements = (doc.dynamic as { statement: Array<{ for_each: string; content: Body[] }> }).statement;
    const byAction = Object.fromEntries(statements.map((s) => [JSON.stringify(s.content[0]?.actions), s.content[0]?.resources]));
    expect(byAction).toEqual({
      '["secretsmanager:GetSecretValue"]': '${local.secretsmanager_arns}',
      '["ssm:GetParameters"]': '${local.ssm_parameter_arns}',
      '["kms:Decrypt"]': ['${statement.value}'],
    });
    expect(local(main, 'secret_resource_arns')).toContain('values(local.secret_arns)');
  });

  it('health-checks in the task definition with node, on the liveness path dockhand serves', () => {
    const task = resource(main, 'aws_ecs_task_definition', 'this');
    expect(task.container_definitions).toBe('${jsonencode([local.container])}');
    const { command, retries, startPeriod } = container().healthCheck;
    expect(command[0]).toBe('CMD-SHELL');
    // The slim runtime image has node and neither curl nor wget.
    expect(readFileSync('Dockerfile', 'utf8')).toMatch(/FROM node:\d+-bookworm-slim AS runtime/);
    expect(command[1]).toMatch(/^node -e "fetch\('http:\/\/127\.0\.0\.1:\$\{var\.port\}\$\{local\.health_check_path\}'\)/);
    expect(local(main, 'health_check_path')).toBe(LIVENESS_PATH);
    expect(LIVENESS_PATH).toBe('/health/live');
    expect(retries).toBeGreaterThan(1);
    expect(startPeriod).toBeGreaterThan(0);
  });

  it('mounts EFS through the access point, encrypted in transit, at the database’s directory, with a rollback journal', () => {
    const task = resource(main, 'aws_ecs_task_definition', 'this');
    const volume = only(task.volume as Body[], 'volume');
    const efs = only(volume.efs_volume_configuration as Body[], 'efs_volume_configuration');
    expect(efs.transit_encryption).toBe('ENABLED');
    expect(efs.authorization_config).toEqual([{ access_point_id: '${aws_efs_access_point.this.id}', iam: 'ENABLED' }]);
    expect(container().mountPoints).toEqual([expect.objectContaining({ sourceVolume: volume.name, containerPath: '${local.data_directory}' })]);
    const env = Object.fromEntries(environment().map((e) => [e.name, e.value]));
    expect(env.DOCKHAND_DB).toBe('${local.data_directory}/dockhand.db');
    expect(env.DOCKHAND_DB_JOURNAL).toBe('delete');
    expect(envSchema.safeParse({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', DOCKHAND_DB_JOURNAL: env.DOCKHAND_DB_JOURNAL }).data?.DOCKHAND_DB_JOURNAL).toBe('delete');
    expect(resource(main, 'aws_efs_file_system', 'this').encrypted).toBe(true);
    // The access point's user is the image's.
    expect(readFileSync('Dockerfile', 'utf8')).toMatch(/^USER node$/m);
    expect(local(main, 'posix_uid')).toBe(1000);
  });

  it('logs through awslogs to a log group with a retention period', () => {
    const group = resource(main, 'aws_cloudwatch_log_group', 'this');
    expect(group.retention_in_days).toBe('${var.log_retention_days}');
    const retention = only(main.variable.log_retention_days, 'log_retention_days');
    expect(retention.default).toBe(30);
    const condition = (only(retention.validation as Body[], 'validation').condition as string).replace(/\s/g, '');
    expect(condition).toMatch(/^\$\{contains\(\[1,3,5,/);
    expect(condition).not.toMatch(/\[0,|,0,/);
    const { logDriver, options } = container().logConfiguration;
    expect(logDriver).toBe('awslogs');
    expect(options['awslogs-group']).toBe('${aws_cloudwatch_log_group.this.name}');
  });
});

describe('deploy/terraform: the service', () => {
  it('runs one task and never two, even during a deployment', () => {
    const service = resource(main, 'aws_ecs_service', 'this');
    expect(service.desired_count).toBe(1);
    expect(service.deployment_maximum_percent).toBe(100);
    expect(service.deployment_minimum_healthy_percent).toBe(0);
    expect(service.task_definition).toBe('${aws_ecs_task_definition.this.arn}');
    // Nothing in the module could raise the count.
    expect(main.resource.aws_appautoscaling_target).toBeUndefined();
  });
});

describe('deploy/terraform: variables and the README example', () => {
  it('describes and types every variable of both modules', () => {
    for (const hcl of [main, crossAccount]) {
      expect(Object.keys(hcl.variable).length).toBeGreaterThan(0);
      for (const [name, blocks] of Object.entries(hcl.variable)) {
        const variable = only(blocks, `variable ${name}`);
        expect(typeof variable.description === 'string' && variable.description.length > 10, `${name} has a description`).toBe(true);
        expect(variable.type, `${name} has a type`).toMatch(/^\$\{.+\}$/);
      }
    }
  });

  it('calls each module with every required variable and only declared ones', async () => {
    const example = (await parse('README.md', readmeExample())) as Partial<Hcl>;
    const calls = Object.entries(example.module ?? {});
    const modulesBySource: Record<string, Hcl> = { './deploy/terraform': main, './deploy/terraform/modules/cross-account-role': crossAccount };
    expect(calls.map(([, [call]]) => call?.source).sort()).toEqual(Object.keys(modulesBySource).sort());
    for (const [name, [call]] of calls) {
      const hcl = modulesBySource[call?.source as string] as Hcl;
      const required = Object.entries(hcl.variable)
        .filter(([, [v]]) => v && !('default' in v))
        .map(([n]) => n);
      expect(required.length).toBeGreaterThan(0);
      for (const variable of required) expect(call, `module ${name} sets ${variable}`).toHaveProperty(variable);
      const meta = new Set(['source', 'version', 'providers', 'count', 'for_each', 'depends_on']);
      for (const argument of Object.keys(call ?? {}).filter((a) => !meta.has(a))) expect(hcl.variable, `module ${name}: ${argument} is a variable`).toHaveProperty(argument);
    }
    // The example uses the documented Socket Mode wiring.
    const dockhand = only(example.module?.dockhand, 'module dockhand');
    expect(dockhand.slack_mode).toBe('socket');
    expect(dockhand.slack_app_token_secret_arn).toMatch(/^\$\{aws_secretsmanager_secret\..+\.arn\}$/);
  });
});

describe('the liveness path the module health-checks', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ refresh: false });
  });
  afterAll(async () => {
    await harness.close();
  });

  it('is served by dockhand', async () => {
    const response = await fetch(`${harness.baseUrl}${local(main, 'health_check_path') as string}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});
