import { parse } from '@cdktf/hcl2json';
import { beforeAll, describe, expect, it } from 'vitest';
import { postgresUrlFromEnv } from '../../src/config/database.js';
import { container, environment, local, MODULE_DIR, only, parseModule, readmeExamples, resource, type Body, type Hcl } from './terraform-hcl.js';

// The module's two shapes, as the parsed expressions say (there is no terraform binary here, and no evaluator:
// each test pins the expression that decides and what it depends on).
let main: Hcl;
beforeAll(async () => {
  main = await parseModule(MODULE_DIR);
});

const preconditions = (body: Body): Array<{ condition: string; error_message: string }> =>
  (only(body.lifecycle as Body[], 'lifecycle').precondition as Array<{ condition: string; error_message: string }>) ?? [];

describe('deploy/terraform: which store', () => {
  it('is the store variable (known at plan time, unlike a secret ARN made in the same apply), SQLite by default', () => {
    expect(local(main, 'postgres')).toBe('${var.store == "postgres"}');
    expect(local(main, 'sqlite')).toBe('${!local.postgres}');
    const store = only(main.variable.store, 'store');
    expect(store.default).toBe('sqlite');
    expect(only(store.validation as Body[], 'store validation').condition).toBe('${contains(["sqlite", "postgres"], var.store)}');
    expect(only(main.variable.database_secret_arn, 'database_secret_arn').default).toBeNull();
    // Postgres without its secret or host, or a secret with SQLite, is refused before anything is made.
    const conditions = preconditions(resource(main, 'aws_ecs_task_definition', 'this')).map((p) => p.condition);
    expect(conditions).toContain('${local.sqlite || (var.database_secret_arn != null && var.database_host != null)}');
    expect(conditions).toContain('${local.postgres || var.database_secret_arn == null}');
  });

  it('takes the secret’s ARN itself: the validation accepts a secret ARN and refuses one with a JSON key', () => {
    const variable = only(main.variable.database_secret_arn, 'database_secret_arn');
    const condition = only(variable.validation as Body[], 'validation').condition as string;
    expect(condition.startsWith('${var.database_secret_arn == null || can(regex(')).toBe(true);
    // The pattern is plain enough to mean the same in RE2 (Terraform) and JavaScript.
    const pattern = new RegExp(/regex\("([^"]+)"/.exec(condition)?.[1] ?? 'missing');
    const arn = 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds!db-3f2a9c1e-aaaa-bbbb-cccc-0123456789ab-AbCdEf';
    expect(pattern.test(arn)).toBe(true);
    expect(pattern.test('arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:dockhand-db-AbCdEf')).toBe(true);
    expect(pattern.test(`${arn}:username::`)).toBe(false);
    expect(pattern.test('arn:aws:ssm:eu-central-1:123456789012:parameter/db')).toBe(false);
  });
});

describe('deploy/terraform: Postgres (store = "postgres")', () => {
  it('injects PGUSER and PGPASSWORD from the secret’s username and password keys', () => {
    expect(local(main, 'database_secret_arns')).toEqual({
      PGUSER: '${local.postgres ? "${var.database_secret_arn}:username::" : null}',
      PGPASSWORD: '${local.postgres ? "${var.database_secret_arn}:password::" : null}',
    });
    // Both reach the container's secrets (the list leaves out null ARNs, i.e. SQLite's).
    expect(container(main).secrets).toBe('${local.secrets}');
    expect(local(main, 'secrets')).toMatch(/^\$\{\[for name, arn in merge\(local\.secret_arns, local\.database_secret_arns\) : \{ name = name, valueFrom = arn \} if arn != null\]\}$/);
  });

  it('gives the rest of the connection as plain environment that dockhand turns into one connection', () => {
    const env = Object.fromEntries(environment(main).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({
      DOCKHAND_STORE: '${local.postgres ? "postgres" : null}',
      PGHOST: '${local.postgres ? var.database_host : null}',
      PGPORT: '${local.postgres ? tostring(var.database_port) : null}',
      PGDATABASE: '${local.postgres ? var.database_name : null}',
      PGSSLMODE: '${local.postgres ? var.database_ssl_mode : null}',
    });
    expect(only(main.variable.database_port, 'database_port').default).toBe(5432);
    // What the container then has (values as ECS would set them) is a connection dockhand can open.
    const url = postgresUrlFromEnv({ DOCKHAND_STORE: 'postgres', PGHOST: 'db.abc.eu-central-1.rds.amazonaws.com', PGPORT: '5432', PGDATABASE: 'postgres', PGUSER: 'u', PGPASSWORD: 'p' });
    expect(url).toBe('postgres://u:p@db.abc.eu-central-1.rds.amazonaws.com:5432/postgres');
  });

  it('creates no EFS: every EFS resource, its security group and rule, the volume and the mount point are SQLite’s only', () => {
    const efsResources = Object.entries(main.resource).flatMap(([type, byName]) =>
      Object.entries(byName)
        .filter(([name]) => type.startsWith('aws_efs_') || name.startsWith('efs'))
        .map(([name, [body]]) => ({ id: `${type}.${name}`, count: body?.count })),
    );
    expect(efsResources.map((r) => r.id).sort()).toEqual([
      'aws_efs_access_point.this',
      'aws_efs_backup_policy.this',
      'aws_efs_file_system.this',
      'aws_efs_file_system_policy.this',
      'aws_efs_mount_target.this',
      'aws_security_group.efs',
      'aws_vpc_security_group_ingress_rule.efs_from_task',
    ]);
    for (const { id, count } of efsResources) expect(count, id).toMatch(/^\$\{local\.sqlite \? (1|length\(var\.\w+\)) : 0\}$/);
    // Those that had no count before keep their existing object at index 0 (no new, empty file system).
    const single = efsResources.filter((r) => r.count === '${local.sqlite ? 1 : 0}').map((r) => r.id);
    expect(single.length).toBeGreaterThan(0);
    expect(main.moved.map((m) => `${m.from} -> ${m.to}`).sort()).toEqual(single.map((id) => `\${${id}} -> \${${id}[0]}`).sort());
    const task = resource(main, 'aws_ecs_task_definition', 'this');
    expect(only((task.dynamic as { volume?: Body[] }).volume, 'dynamic volume').for_each).toBe('${local.sqlite ? ["data"] : []}');
    expect(container(main).mountPoints).toMatch(/^\$\{local\.sqlite \? \[.+\] : \[\]\}$/);
    // No EFS permission anywhere else: the file system policy is the only one, and it goes with the file system.
    expect(JSON.stringify(main.resource.aws_iam_role_policy)).not.toMatch(/elasticfilesystem/);
    expect(main.output.file_system_id?.[0]?.value).toBe('${one(aws_efs_file_system.this[*].id)}');
  });

  it('runs two replicas by default, and a deployment starts the new tasks before it stops the old', () => {
    expect(local(main, 'replicas')).toBe('${coalesce(var.replicas, local.postgres ? 2 : 1)}');
    const service = resource(main, 'aws_ecs_service', 'this');
    expect(service.desired_count).toBe('${local.replicas}');
    // Postgres: 100 % stay up and up to 200 % run while the new tasks start.
    expect(service.deployment_minimum_healthy_percent).toBe('${local.sqlite ? 0 : 100}');
    expect(service.deployment_maximum_percent).toBe('${local.sqlite ? 100 : 200}');
    // Every replica registers in the target group (HTTP mode): one load_balancer block for the service.
    const balancer = only((service.dynamic as { load_balancer?: Body[] }).load_balancer, 'dynamic load_balancer');
    expect(balancer.for_each).toBe('${var.target_group_arn != null ? [var.target_group_arn] : []}');
    // Nothing else in the module could change the count.
    expect(main.resource.aws_appautoscaling_target).toBeUndefined();
  });

  it('refuses replicas in fewer than two subnets or one zone', () => {
    const service = resource(main, 'aws_ecs_service', 'this');
    const conditions = preconditions(service).map((p) => p.condition);
    expect(conditions).toContain('${local.replicas == 1 || length(distinct(var.subnet_ids)) >= 2}');
    expect(conditions).toContain('${local.replicas == 1 || length(distinct(data.aws_subnet.task[*].availability_zone)) >= 2}');
    const subnets = only(main.data.aws_subnet?.task, 'data.aws_subnet.task');
    expect(subnets.count).toBe('${local.replicas > 1 ? length(var.subnet_ids) : 0}');
    expect(subnets.id).toBe('${var.subnet_ids[count.index]}');
    const replicas = only(main.variable.replicas, 'replicas');
    expect(replicas.default).toBeNull();
    expect(only(replicas.validation as Body[], 'replicas validation').condition).toMatch(/coalesce\(var\.replicas, 1\) >= 1 && coalesce\(var\.replicas, 1\) <= 10/);
  });

  it('lets every task security group into every RDS security group given, on the database port', () => {
    const rule = resource(main, 'aws_vpc_security_group_ingress_rule', 'database_from_task');
    // Counted by lengths only: known at plan even when the group ids are not.
    expect(rule.count).toBe('${local.postgres ? length(var.database_security_group_ids) * length(var.security_group_ids) : 0}');
    expect(rule).toMatchObject({
      security_group_id: '${var.database_security_group_ids[floor(count.index / length(var.security_group_ids))]}',
      referenced_security_group_id: '${var.security_group_ids[count.index % length(var.security_group_ids)]}',
      ip_protocol: 'tcp',
      from_port: '${var.database_port}',
      to_port: '${var.database_port}',
    });
    expect(only(main.variable.database_security_group_ids, 'database_security_group_ids').default).toEqual([]);
  });
});

describe('deploy/terraform: SQLite (no database secret)', () => {
  it('keeps one task, never two, even during a deployment', () => {
    const service = resource(main, 'aws_ecs_service', 'this');
    // local.replicas is 1 without Postgres (above); 0 % / 100 %: the old task stops before the new one starts.
    expect(service.deployment_minimum_healthy_percent).toMatch(/^\$\{local\.sqlite \? 0 : /);
    expect(service.deployment_maximum_percent).toMatch(/^\$\{local\.sqlite \? 100 : /);
    const refusal = preconditions(service).find((p) => p.condition === '${local.postgres || local.replicas == 1}');
    expect(refusal?.error_message).toMatch(/one task/);
  });

  it('keeps EFS, its volume and the database path', () => {
    expect(resource(main, 'aws_efs_file_system', 'this').count).toBe('${local.sqlite ? 1 : 0}');
    expect(resource(main, 'aws_efs_mount_target', 'this').count).toBe('${local.sqlite ? length(var.subnet_ids) : 0}');
    const env = Object.fromEntries(environment(main).map((e) => [e.name, e.value]));
    expect(env.DOCKHAND_DB).toMatch(/^\$\{local\.sqlite \? /);
    expect(resource(main, 'aws_ecs_service', 'this').depends_on).toEqual(['${aws_efs_mount_target.this}', '${aws_efs_file_system_policy.this}']);
  });
});

describe('deploy/terraform: the README’s Postgres example', () => {
  it('runs replicas on RDS with every variable Postgres needs, each one declared', async () => {
    const examples = readmeExamples();
    expect(examples.length).toBeGreaterThanOrEqual(2);
    const parsed = (await parse('README.md', examples[1] as string)) as Partial<Hcl>;
    const call = only(parsed.module?.dockhand, 'module dockhand (Postgres example)');
    for (const argument of Object.keys(call).filter((a) => a !== 'source')) expect(main.variable, `${argument} is a variable`).toHaveProperty(argument);
    const required = Object.entries(main.variable)
      .filter(([, [v]]) => v && !('default' in v))
      .map(([n]) => n);
    for (const variable of required) expect(call, `sets ${variable}`).toHaveProperty(variable);
    expect(call.store).toBe('postgres');
    expect(call.database_secret_arn).toMatch(/master_user_secret\[0\]\.secret_arn/);
    expect(call.database_host).toMatch(/\.address\}$/);
    expect(call.database_security_group_ids).toEqual([expect.stringMatching(/^\$\{aws_security_group\..+\.id\}$/)]);
  });
});
