import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsClients } from '../../src/aws/clients.js';
import { parsePolicy } from '../../src/config/load.js';
import { environmentRulesOf, type Policy } from '../../src/config/policy.js';
import { costSettingsOf, idleRulesOf, reportPolicySchema, type ReportPolicy } from '../../src/config/report-policy.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { EnvironmentRules } from '../../src/domain/environments.js';
import { InventoryRefresher } from '../../src/jobs/inventory-refresh.js';
import { InventorySampler } from '../../src/jobs/inventory-samples.js';
import { silentLogger } from '../../src/log.js';
import type { Timing } from '../../src/rate-limit.js';
import { startSandbox, type FleetSpec, type Sandbox } from '../../dev/sandbox/index.js';
import { CostActualsStore } from '../../src/store/cost-actuals-store.js';
import { CostHistoryStore } from '../../src/store/cost-history-store.js';
import { CostReports } from '../../src/store/cost-reports.js';
import { openSqlite, type Database } from '../../src/store/db.js';
import { Fleet } from '../../src/store/fleet.js';
import { InventoryStore } from '../../src/store/inventory-store.js';
import { TrailStore } from '../../src/store/trail-store.js';
import { FleetReports, type FleetReportsDeps } from '../../src/store/fleet-reports.js';
import { NoticesStore } from '../../src/store/notices-store.js';

export const SANDBOX_CREDENTIALS = { accessKeyId: 'AKIASANDBOXTEST', secretAccessKey: 'sandbox' };
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** Waiting on a ManualClock: time jumps instead of passing, so rate limits cost no real time. */
export function manualTiming(clock: ManualClock): Timing {
  return {
    clock,
    sleep: async (ms) => {
      clock.advance(ms);
    },
  };
}

export function testPolicy(accounts = `  - id: "111111111111"\n    name: sandbox\n    regions: [us-east-1]`): Policy {
  return parsePolicy(`
accounts:
${accounts}
roles:
  viewer: [view]
  developer: [view, restart, start, stop, scale]
  admin: ["*"]
bindings:
  - subjects: [user:U0MARIA]
    role: developer
    environments: ["dev-*", "qa-*", "staging-*"]
  - subjects: [user:U0ADMIN]
    role: admin
    environments: ["*"]
`);
}

export interface FixtureOptions {
  fleet?: FleetSpec;
  clock?: ManualClock;
  policy?: Policy;
  visibility?: Record<string, unknown>;
  refreshIntervalMs?: number;
  parkedDesired?: (arns: readonly string[]) => Promise<ReadonlyMap<string, number>>;
  reports?: Partial<FleetReportsDeps>;
}

/** A sandbox, a temp database and every visibility store and job input, wired as main.ts will wire them. */
export class Fixture {
  readonly stores: { history: CostHistoryStore; trail: TrailStore; actuals: CostActualsStore; visibility: NoticesStore };
  readonly inventory: InventoryStore;
  readonly fleet: Fleet;
  readonly refresher: InventoryRefresher;
  readonly sampler: InventorySampler;
  readonly costs: CostReports;
  readonly reports: FleetReports;
  readonly rules: EnvironmentRules;
  readonly dbs: Database[] = [];

  constructor(
    readonly dir: string,
    readonly db: Database,
    readonly sandbox: Sandbox,
    readonly clock: ManualClock,
    readonly policy: Policy,
    readonly visibility: ReportPolicy,
    readonly aws: AwsClients,
    options: FixtureOptions,
    inventory: InventoryStore,
  ) {
    this.dbs.push(db);
    this.rules = environmentRulesOf(policy);
    this.stores = { history: new CostHistoryStore(db), trail: new TrailStore(db), actuals: new CostActualsStore(db), visibility: new NoticesStore(db) };
    this.inventory = inventory;
    this.fleet = new Fleet(this.inventory, this.rules);
    this.sampler = new InventorySampler({
      store: this.stores.history,
      clock,
      refreshIntervalMs: options.refreshIntervalMs ?? 60_000,
      retentionDays: visibility.cost.sample_retention_days,
      ...(options.parkedDesired ? { parkedDesired: options.parkedDesired } : {}),
    });
    // As main.ts wires it: every refresh, periodic or asked for, is sampled.
    this.refresher = new InventoryRefresher({
      accounts: policy.accounts,
      rules: this.rules,
      aws,
      store: this.inventory,
      clock,
      logger: silentLogger,
      deadlineMs: policy.aws.refresh_deadline_ms,
      onRefreshed: async () => {
        await this.sampler.record(this.inventory.services());
      },
    });
    this.costs = new CostReports(this.stores.history, this.stores.actuals, costSettingsOf(visibility.cost, options.refreshIntervalMs ?? 60_000));
    this.reports = new FleetReports({
      fleet: this.fleet,
      services: () => this.inventory.services(),
      costs: this.costs,
      trail: this.stores.trail,
      store: this.stores.visibility,
      idleRules: idleRulesOf(visibility.idle),
      ...options.reports,
    });
  }

  /** One inventory refresh through the real SDK; the refresher's hook records its samples. */
  async refreshAndSample(): Promise<void> {
    await this.refresher.refresh('test');
  }

  /** A second connection to the same database file: another process, or the bot after a restart. */
  openAgain(): Database {
    const db = openSqlite(join(this.dir, 'dockhand.db'));
    this.dbs.push(db);
    return db;
  }

  async close(): Promise<void> {
    this.aws.destroy();
    for (const db of this.dbs) db.db.$client.close();
    await this.sandbox.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function startFixture(options: FixtureOptions = {}): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'dockhand-visibility-'));
  const clock = options.clock ?? new ManualClock();
  const sandbox = await startSandbox({ clock, convergeDelayMs: 0, ...(options.fleet ? { fleet: options.fleet } : {}) });
  const db = openSqlite(join(dir, 'dockhand.db'));
  const endpoint = { endpoint: sandbox.url, credentials: SANDBOX_CREDENTIALS };
  const aws = new AwsClients({ ...endpoint, timing: manualTiming(clock) });
  const visibility = reportPolicySchema.parse(options.visibility ?? {});
  return new Fixture(dir, db, sandbox, clock, options.policy ?? testPolicy(), visibility, aws, options, await InventoryStore.load(db));
}
