/** Pure data: the fleets the sandbox is seeded with. */

export type CpuArchitecture = 'X86_64' | 'ARM64';

export interface ServiceSpec {
  name: string;
  /** CPU units: 256 = 0.25 vCPU, 1024 = 1 vCPU. */
  cpu: number;
  /** MiB. */
  memory: number;
  arch: CpuArchitecture;
  /** On FARGATE_SPOT via a capacity provider strategy, else launch type FARGATE. */
  spot: boolean;
  desired: number;
  /** Defaults to `desired`; lower only makes sense with `degraded`. */
  running?: number;
  tags: Record<string, string>;
  scalable?: { min: number; max: number };
  /** Tasks beyond `running` fail to start: rollouts asking for more end FAILED. */
  degraded?: boolean;
  /** Task definition family; defaults to `<environment>-<service>` or the service name. */
  taskFamily?: string;
  revision?: number;
  createdDaysAgo?: number;
  lastDeployedDaysAgo?: number;
  /** The app container's log driver; default awslogs (group `/ecs/<family>`, stream prefix `ecs`). */
  logDriver?: LogDriver;
}

/** `awsfirelens` adds a FireLens router container (fluent-bit, itself on awslogs); `none`: no logConfiguration. */
export type LogDriver = 'awslogs' | 'awsfirelens' | 'none';

export interface ClusterSpec {
  account: string;
  region: string;
  name: string;
  tags: Record<string, string>;
  services: ServiceSpec[];
}

export interface AccountSpec {
  id: string;
  regions: string[];
}

export interface FleetSpec {
  accounts: AccountSpec[];
  clusters: ClusterSpec[];
}

const DEMO_ACCOUNT = '111111111111';

interface EnvironmentSpec {
  name: string;
  owner?: string;
  team: string;
  /** Environments in a shared cluster prefix their service names with the environment name. */
  prefixServices: boolean;
  defaults?: Partial<ServiceSpec>;
  services: (Partial<ServiceSpec> & { name: string })[];
}

function environmentServices(env: EnvironmentSpec): ServiceSpec[] {
  return env.services.map((service) => {
    const spec: ServiceSpec = {
      cpu: 512,
      memory: 1024,
      arch: 'X86_64',
      spot: false,
      desired: 1,
      ...env.defaults,
      ...service,
      name: env.prefixServices ? `${env.name}-${service.name}` : service.name,
      taskFamily: `${env.name}-${service.name}`,
      tags: {
        environment: env.name,
        team: env.team,
        ...(env.owner === undefined ? {} : { owner: env.owner }),
        service: service.name,
        ...service.tags,
      },
    };
    return spec;
  });
}

function cluster(name: string, region: string, tags: Record<string, string>, services: ServiceSpec[]): ClusterSpec {
  return { account: DEMO_ACCOUNT, region, name, tags, services };
}

/**
 * The seeded demo fleet: 13 environments in one account, us-east-1 plus prod-eu in eu-west-1.
 * It holds one of each situation dockhand reports: degraded (staging-2 worker), stopped (qa-2),
 * partial (perf-1), untouched for weeks (preview-pr-117, no owner), orphans without an environment tag;
 * logs through FireLens (staging-2 search-indexer) and nowhere (uat-1 scheduler), CloudWatch for the rest.
 */
export function demoFleet(): FleetSpec {
  const shared = (env: Omit<EnvironmentSpec, 'prefixServices'>) => environmentServices({ ...env, prefixServices: true });
  const own = (env: Omit<EnvironmentSpec, 'prefixServices'>) => environmentServices({ ...env, prefixServices: false });
  const nonprod: ServiceSpec[] = [
    ...shared({
      name: 'dev-1', owner: 'maria@example.com', team: 'checkout', defaults: { spot: true, lastDeployedDaysAgo: 1 },
      services: [{ name: 'api' }, { name: 'web', cpu: 256, memory: 512, arch: 'ARM64' }, { name: 'worker' }, { name: 'scheduler', cpu: 256, memory: 512 }],
    }),
    ...shared({
      name: 'dev-2', owner: '@dmitri', team: 'search', defaults: { spot: true, lastDeployedDaysAgo: 2 },
      services: [{ name: 'api' }, { name: 'web', cpu: 256, memory: 512 }, { name: 'worker' }, { name: 'search-indexer', cpu: 1024, memory: 2048 }],
    }),
    ...shared({
      name: 'qa-1', owner: '@priya', team: 'checkout', defaults: { lastDeployedDaysAgo: 1 },
      services: [{ name: 'api', desired: 2 }, { name: 'web' }, { name: 'worker' }, { name: 'scheduler', cpu: 256, memory: 512 }, { name: 'payments-mock', cpu: 256, memory: 512 }],
    }),
    ...shared({
      name: 'qa-2', owner: '@priya', team: 'checkout', defaults: { desired: 0, lastDeployedDaysAgo: 9 },
      services: [{ name: 'api' }, { name: 'web' }, { name: 'worker' }],
    }),
    ...shared({
      name: 'staging-1', owner: 'maria@example.com', team: 'platform', defaults: { desired: 2, lastDeployedDaysAgo: 0.5 },
      services: [
        { name: 'api', scalable: { min: 1, max: 4 } },
        { name: 'web', arch: 'ARM64' },
        { name: 'worker' },
        { name: 'scheduler', desired: 1 },
        { name: 'notifications', desired: 1, cpu: 256, memory: 512 },
      ],
    }),
    ...shared({
      name: 'staging-2', owner: '@dmitri', team: 'search', defaults: { lastDeployedDaysAgo: 4 },
      services: [
        { name: 'api', desired: 2 },
        { name: 'web' },
        { name: 'worker', desired: 3, running: 1, degraded: true, revision: 42, lastDeployedDaysAgo: 0.05 },
        { name: 'search-indexer', cpu: 1024, memory: 2048, logDriver: 'awsfirelens' },
      ],
    }),
    ...shared({
      name: 'preview-pr-101', owner: '@sam', team: 'web', defaults: { spot: true, createdDaysAgo: 6, lastDeployedDaysAgo: 0.2 },
      services: [{ name: 'web', cpu: 256, memory: 512 }, { name: 'api' }, { name: 'worker' }],
    }),
    ...shared({
      name: 'preview-pr-117', team: 'web', defaults: { spot: true, createdDaysAgo: 41, lastDeployedDaysAgo: 38 },
      services: [{ name: 'web', cpu: 256, memory: 512 }, { name: 'api' }, { name: 'worker' }],
    }),
    ...shared({
      name: 'perf-1', owner: '@lee', team: 'platform', defaults: { cpu: 1024, memory: 2048, lastDeployedDaysAgo: 12 },
      services: [{ name: 'api', desired: 4, arch: 'ARM64' }, { name: 'web', desired: 2 }, { name: 'worker', desired: 0 }, { name: 'load-generator', desired: 0, cpu: 2048, memory: 4096 }],
    }),
    ...shared({
      name: 'uat-1', owner: 'maria@example.com', team: 'checkout', defaults: { lastDeployedDaysAgo: 21 },
      services: [{ name: 'api' }, { name: 'web' }, { name: 'worker' }, { name: 'scheduler', cpu: 256, memory: 512, logDriver: 'none' }],
    }),
    { name: 'legacy-reporting', cpu: 1024, memory: 2048, arch: 'X86_64', spot: false, desired: 1, tags: { team: 'data' }, lastDeployedDaysAgo: 160, createdDaysAgo: 400 },
    { name: 'tmp-debug-shell', cpu: 256, memory: 512, arch: 'X86_64', spot: false, desired: 1, tags: {}, lastDeployedDaysAgo: 33, createdDaysAgo: 33 },
  ];
  const staging3 = own({
    name: 'staging-3', owner: 'maria@example.com', team: 'payments', defaults: { lastDeployedDaysAgo: 2 },
    services: [
      { name: 'api', desired: 2, scalable: { min: 1, max: 4 } },
      { name: 'web', arch: 'ARM64' },
      { name: 'worker' },
      { name: 'scheduler', cpu: 256, memory: 512 },
      { name: 'payments-gateway' },
      { name: 'ledger', arch: 'ARM64' },
    ],
  });
  const prod = own({
    name: 'prod', owner: '@platform-oncall', team: 'platform', defaults: { desired: 2, cpu: 1024, memory: 2048, lastDeployedDaysAgo: 1 },
    services: [
      { name: 'api', desired: 4, scalable: { min: 2, max: 12 } },
      { name: 'web', desired: 3, arch: 'ARM64', scalable: { min: 2, max: 8 } },
      { name: 'worker', desired: 3, scalable: { min: 2, max: 10 } },
      { name: 'scheduler', desired: 1, cpu: 512, memory: 1024 },
      { name: 'notifications' },
      { name: 'search-indexer', spot: true },
      { name: 'payments-gateway' },
      { name: 'ledger', arch: 'ARM64' },
    ],
  });
  const prodEu = own({
    name: 'prod-eu', owner: '@platform-oncall', team: 'platform', defaults: { desired: 2, cpu: 1024, memory: 2048, lastDeployedDaysAgo: 1 },
    services: [{ name: 'api', scalable: { min: 2, max: 6 } }, { name: 'web', arch: 'ARM64' }, { name: 'worker' }],
  });
  return {
    accounts: [{ id: DEMO_ACCOUNT, regions: ['us-east-1', 'eu-west-1'] }],
    clusters: [
      cluster('nonprod', 'us-east-1', { team: 'platform', 'managed-by': 'terraform' }, nonprod),
      cluster('staging-3', 'us-east-1', { environment: 'staging-3', owner: 'maria@example.com', team: 'payments' }, staging3),
      cluster('prod', 'us-east-1', { environment: 'prod', team: 'platform' }, prod),
      cluster('prod-eu', 'eu-west-1', { environment: 'prod-eu', team: 'platform' }, prodEu),
    ],
  };
}

export interface GeneratedFleetOptions {
  environments: number;
  servicesPerEnvironment: number;
  /** Environments are spread round-robin over this many accounts: 111111111111, 222222222222, … */
  accounts?: number;
  regions?: string[];
  cpu?: number;
  memory?: number;
  /** Every n-th environment is a production one named `prod-NNN` (with scalable targets); 0 for none. */
  prodEvery?: number;
}

const SERVICE_NAMES = ['api', 'web', 'worker', 'scheduler', 'auth', 'search', 'billing', 'notifications', 'reports', 'gateway'];
const OWNERS = ['maria@example.com', '@dmitri', '@priya', '@sam', '@lee', 'jo@example.com'];
const TEAMS = ['checkout', 'search', 'platform', 'web', 'data'];
const ENVIRONMENTS_PER_CLUSTER = 40;

export function accountId(index: number): string {
  return index < 9 ? String(index + 1).repeat(12) : String(index + 1).padStart(12, '0');
}

/** A large uniform fleet for simulations and benchmarks: every service runs one task, on demand, x86. */
export function generatedFleet(options: GeneratedFleetOptions): FleetSpec {
  const accountCount = options.accounts ?? 1;
  const regions = options.regions ?? ['us-east-1'];
  const prodEvery = options.prodEvery ?? 10;
  const byPlacement = new Map<string, ServiceSpec[][]>();
  for (let i = 0; i < options.environments; i++) {
    const number = String(i + 1).padStart(3, '0');
    const isProd = prodEvery > 0 && (i + 1) % prodEvery === 0;
    const name = isProd ? `prod-${number}` : `env-${number}`;
    const owner = i % 7 === 6 ? undefined : OWNERS[i % OWNERS.length];
    const services = environmentServices({
      name,
      team: TEAMS[i % TEAMS.length]!,
      prefixServices: true,
      defaults: {
        cpu: options.cpu ?? 512,
        memory: options.memory ?? 1024,
        createdDaysAgo: 60,
        lastDeployedDaysAgo: i % 45,
        ...(isProd ? { scalable: { min: 1, max: 4 } } : {}),
      },
      ...(owner === undefined ? {} : { owner }),
      services: Array.from({ length: options.servicesPerEnvironment }, (_, j) => ({ name: SERVICE_NAMES[j] ?? `svc-${j + 1}` })),
    });
    const account = accountId(i % accountCount);
    const region = regions[Math.floor(i / accountCount) % regions.length]!;
    const key = `${account}/${region}`;
    byPlacement.set(key, [...(byPlacement.get(key) ?? []), services]);
  }
  const clusters: ClusterSpec[] = [];
  for (const [key, environments] of byPlacement) {
    const [account, region] = key.split('/') as [string, string];
    for (let start = 0; start < environments.length; start += ENVIRONMENTS_PER_CLUSTER) {
      const number = String(start / ENVIRONMENTS_PER_CLUSTER + 1).padStart(2, '0');
      clusters.push({
        account,
        region,
        name: `fleet-${number}`,
        tags: { 'managed-by': 'terraform' },
        services: environments.slice(start, start + ENVIRONMENTS_PER_CLUSTER).flat(),
      });
    }
  }
  return {
    accounts: Array.from({ length: accountCount }, (_, k) => ({ id: accountId(k), regions })),
    clusters,
  };
}

/**
 * 10 non-production environments × 8 services, 512 CPU / 1024 MiB, one on-demand x86 task each, us-east-1:
 * 80 tasks × (0.5 × $0.04048 + 1 × $0.004445) × 730 h ≈ $1,442 a month. Used for cost and savings checks.
 */
export function referenceFleet(): FleetSpec {
  return generatedFleet({ environments: 10, servicesPerEnvironment: 8, prodEvery: 0, cpu: 512, memory: 1024 });
}
