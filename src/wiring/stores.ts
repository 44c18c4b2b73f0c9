import { costSettingsOf } from '../config/report-policy.js';
import { ApprovalsStore } from '../store/approvals-store.js';
import { AuditStore } from '../store/audit-store.js';
import { CostActualsStore } from '../store/cost-actuals-store.js';
import { CostHistoryStore } from '../store/cost-history-store.js';
import { CostReports } from '../store/cost-reports.js';
import { openSqlite } from '../store/db.js';
import { Fleet } from '../store/fleet.js';
import { GrantsStore } from '../store/grants-store.js';
import { HandledRequests } from '../store/handled-requests.js';
import { InventoryStore } from '../store/inventory-store.js';
import { LeaseStore } from '../store/lease-store.js';
import { NoticesStore } from '../store/notices-store.js';
import { OperationsStore } from '../store/operations-store.js';
import { RolloutFollowsStore } from '../store/rollout-follows-store.js';
import { SchedulesStore } from '../store/schedules-store.js';
import { StoppedTasksStore } from '../store/stopped-tasks-store.js';
import { TrailStore } from '../store/trail-store.js';
import { WriteBatch } from '../store/write-batch.js';
import { errorMessage } from '../log.js';
import type { DockhandOptions } from './options.js';
import type { Shared } from './shared.js';
import type { Database } from '../store/database.js';

/** Every store on the one SQLite database, and the views read from them (the fleet, cost reports). */
export interface Stores {
  inventory: InventoryStore;
  operations: OperationsStore;
  audit: AuditStore;
  /** Environments as the last refresh found them, with parked ones marked from the operations journal. */
  fleet: Fleet;
  grants: GrantsStore;
  approvals: ApprovalsStore;
  /** Slack requests and clicks already handled, so a redelivery does not act twice. */
  handled: HandledRequests;
  schedules: SchedulesStore;
  lease: LeaseStore;
  history: CostHistoryStore;
  actuals: CostActualsStore;
  costs: CostReports;
  trail: TrailStore;
  notices: NoticesStore;
  /** Stopped tasks of services that were not healthy, for `/env why`. */
  stoppedTasks: StoppedTasksStore;
  /** Rollouts followed to their end in their operation's message (survives a restart). */
  rolloutFollows: RolloutFollowsStore;
  /** Commits the write batch, then closes the database. */
  close(): Promise<void>;
}

/** The database the environment names, or an error that says which variable named it and what it was. */
async function openDatabase(env: DockhandOptions['env'], pgDatabase: typeof import('../store/pg/database.js') | undefined, logger: Shared['logger']): Promise<Database> {
  const url = env.DATABASE_URL;
  if (pgDatabase?.isPostgresUrl(url)) {
    try {
      return await pgDatabase.openPostgresDatabase(url, {}, (error) => logger.warn('the database dropped a connection; the next query opens another', { error: errorMessage(error) }));
    } catch (error) {
      throw new Error(`could not open the Postgres database DATABASE_URL=${pgDatabase.redactedUrl(url)}`, { cause: error });
    }
  }
  try {
    return openSqlite(env.DOCKHAND_DB, env.DOCKHAND_DB_JOURNAL);
  } catch (error) {
    throw new Error(`could not open the SQLite database DOCKHAND_DB=${env.DOCKHAND_DB}`, { cause: error });
  }
}

export async function openStores(env: DockhandOptions['env'], { policy, rules, refreshMs, logger }: Shared): Promise<Stores> {
  const url = env.DATABASE_URL;
  // node-postgres, drizzle's pg driver and the pg tables load only when Postgres is used: SQLite processes
  // would carry them in memory for nothing.
  const pgDatabase = url ? await import('../store/pg/database.js') : undefined;
  const db = await openDatabase(env, pgDatabase, logger);
  logger.info('database opened', pgDatabase && db.dialect === 'postgres' ? { dialect: 'postgres', url: pgDatabase.redactedUrl(url ?? '') } : { dialect: 'sqlite', path: env.DOCKHAND_DB });
  // Audit rows and handled request keys of a burst of commands: one commit, after the acks.
  const batch = new WriteBatch(db, (error) => logger.error('a batched write failed', { error: errorMessage(error) }));
  const inventory = await InventoryStore.load(db);
  const operations = new OperationsStore(db);
  const history = new CostHistoryStore(db);
  const actuals = new CostActualsStore(db);
  return {
    inventory,
    operations,
    audit: new AuditStore(db, batch),
    fleet: new Fleet(inventory, rules, () => operations.parkedEnvironments()),
    grants: new GrantsStore(db),
    approvals: new ApprovalsStore(db),
    // On Postgres other replicas claim the same keys: the insert itself (its primary key) is the claim there.
    handled: new HandledRequests(db, db.dialect === 'sqlite' ? batch : undefined),
    schedules: new SchedulesStore(db),
    lease: new LeaseStore(db),
    history,
    actuals,
    costs: new CostReports(history, actuals, costSettingsOf(policy.cost, refreshMs)),
    trail: new TrailStore(db),
    notices: new NoticesStore(db),
    stoppedTasks: new StoppedTasksStore(db),
    rolloutFollows: new RolloutFollowsStore(db),
    close: async () => {
      await batch.flush();
      await db.close();
    },
  };
}
