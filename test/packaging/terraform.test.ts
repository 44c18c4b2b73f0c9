import { readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_ENV_NAMES } from '../../src/config/database.js';
import { envSchema } from '../../src/config/env.js';
import { LIVENESS_PATH } from '../../src/ops/http-server.js';
import { startHarness, type Harness } from '../support/harness.js';
import { actionsCalledByCode, actionsOf, canonicalPolicy, IAM_POLICY_PATH, type PolicyDocument } from './aws-actions.js';
import {
  CROSS_ACCOUNT_DIR,
  MODULE_DIR,
  container as containerOf,
  environment as environmentOf,
  local,
  only,
  parseModule,
  readmeExamples,
  resource,
  type Body,
  type Hcl,
} from './terraform-hcl.js';

const TOKEN_LIKE = /TOKEN|SECRET|PASSWORD|PRIVATE|CREDENTIAL/i;

let main: Hcl;
let crossAccount: Hcl;
beforeAll(async () => {
  [main, crossAccount] = await Promise.all([parseModule(MODULE_DIR), parseModule(CROSS_ACCOUNT_DIR)]);
});

const container = () => containerOf(main);
const environment = () => environmentOf(main);

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
    expect(local(main, 'secrets')).toBe('${[for name, arn in merge(local.secret_arns, local.database_secret_arns) : { name = name, valueFrom = arn } if arn != null]}');
    expect(local(main, 'secret_arns')).toBe('${merge(local.slack_secret_arns, { DOCKHAND_POLICY = local.policy_parameter_arn })}');
    const slack = local(main, 'slack_secret_arns') as Record<string, string>;
    expect(slack).toEqual({
      SLACK_BOT_TOKEN: '${var.slack_bot_token_secret_arn}',
      SLACK_APP_TOKEN: '${var.slack_mode == "socket" ? var.slack_app_token_secret_arn : null}',
      SLACK_SIGNING_SECRET: '${var.slack_mode == "http" ? var.slack_signing_secret_arn : null}',
    });
    // The container gets the list below without the other store's entries (those whose value is null).
    expect(c.environment).toBe('${[for entry in local.environment : entry if entry.value != null]}');
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
    const known = new Set<string>([...Object.keys(envSchema.shape), ...DATABASE_ENV_NAMES]);
    const database = Object.keys(local(main, 'database_secret_arns') as Body);
    for (const name of [...environment().map((e) => e.name), ...Object.keys(slack), ...database, 'DOCKHAND_POLICY']) {
      expect(known.has(name) || name === 'DOCKHAND_POLICY_REVISION', name).toBe(true);
    }
  });

  it('lets the execution role read exactly the referenced secrets', () => {
    const doc = only(main.data.aws_iam_policy_document?.execution_secrets, 'execution_secrets');
    const statements = (doc.dynamic as { statement: Array<{ for_each: string; content: Body[] }> }).statement;
    const bySid = Object.fromEntries(statements.map((s) => [s.content[0]?.sid, { actions: s.content[0]?.actions, resources: s.content[0]?.resources, for_each: s.for_each }]));
    expect(bySid).toEqual({
      SlackSecrets: { actions: ['secretsmanager:GetSecretValue'], resources: '${local.secretsmanager_arns}', for_each: expect.any(String) },
      Parameters: { actions: ['ssm:GetParameters'], resources: '${local.ssm_parameter_arns}', for_each: expect.any(String) },
      // The database secret (Postgres only), on exactly the ARN given: its JSON keys are read, not other secrets.
      DatabaseSecret: { actions: ['secretsmanager:GetSecretValue'], resources: ['${statement.value}'], for_each: '${local.postgres ? [var.database_secret_arn] : []}' },
      DecryptSecrets: { actions: ['kms:Decrypt'], resources: '${statement.value}', for_each: '${length(local.kms_key_arns) > 0 ? [local.kms_key_arns] : []}' },
    });
    expect(local(main, 'secret_resource_arns')).toContain('values(local.secret_arns)');
    // The Slack/policy list does not carry the database secret (its own statement does, above).
    expect(local(main, 'secret_arns')).not.toMatch(/database/);
    expect(local(main, 'kms_key_arns')).toBe('${compact([var.secrets_kms_key_arn, local.postgres ? var.database_kms_key_arn : null])}');
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

  it('SQLite: mounts EFS through the access point, encrypted in transit, at the database’s directory, with a rollback journal', () => {
    const task = resource(main, 'aws_ecs_task_definition', 'this');
    expect(task.volume, 'the volume is dynamic: SQLite only').toBeUndefined();
    const dynamicVolume = only((task.dynamic as { volume?: Body[] }).volume, 'dynamic volume');
    expect(dynamicVolume.for_each).toBe('${local.sqlite ? ["data"] : []}');
    const volume = only(dynamicVolume.content as Body[], 'volume content');
    expect(volume.name).toBe('${volume.value}');
    const efs = only(volume.efs_volume_configuration as Body[], 'efs_volume_configuration');
    expect(efs.transit_encryption).toBe('ENABLED');
    expect(efs.authorization_config).toEqual([{ access_point_id: '${aws_efs_access_point.this[0].id}', iam: 'ENABLED' }]);
    expect(container().mountPoints).toBe('${local.sqlite ? [{ sourceVolume = "data", containerPath = local.data_directory, readOnly = false }] : []}');
    const env = Object.fromEntries(environment().map((e) => [e.name, e.value]));
    expect(env.DOCKHAND_DB).toBe('${local.sqlite ? "${local.data_directory}/dockhand.db" : null}');
    expect(env.DOCKHAND_DB_JOURNAL).toBe('${local.sqlite ? "delete" : null}');
    expect(envSchema.safeParse({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', DOCKHAND_DB_JOURNAL: 'delete' }).data?.DOCKHAND_DB_JOURNAL).toBe('delete');
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
    const example = (await parse('README.md', readmeExamples()[0] as string)) as Partial<Hcl>;
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
