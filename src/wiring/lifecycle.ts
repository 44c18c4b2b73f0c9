import type { Readiness } from '../domain/readiness.js';
import { InstanceLease } from '../jobs/instance-lease.js';
import { errorMessage } from '../log.js';
import { OpsServer } from '../ops/http-server.js';
import { readinessProbe } from '../ops/readiness-probe.js';
import { SoleInstance } from '../ops/sole-instance.js';
import type { SlackApp } from '../slack/app.js';
import type { AwsClients } from '../aws/clients.js';
import type { Jobs } from './jobs.js';
import type { DockhandOptions } from './options.js';
import type { Services } from './services.js';
import type { Shared } from './shared.js';
import type { Stores } from './stores.js';

/** Everything startDockhand built, in the order it built it. */
export interface Built {
  shared: Shared;
  stores: Stores;
  aws: AwsClients;
  slack: SlackApp | null;
  services: Services;
  jobs: Jobs;
}

export type LifecycleOptions = Pick<DockhandOptions, 'env' | 'slack' | 'http' | 'refreshEveryMs' | 'housekeeping' | 'scheduler' | 'reportJobs'>;

/** This process as one dockhand on its database: the lease, what it answers on its port, and how it stops. */
export interface RunningInstance {
  lease: InstanceLease;
  port: number | null;
  readiness: () => Promise<Readiness>;
  /** Resolves once this instance holds the lease and runs its jobs. */
  active: Promise<void>;
  /** How many unfinished operations the last activation resumed, once it has. */
  resumed(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Serves the port at once (health, metrics; HTTP mode's Slack requests once active), then takes or waits
 * for the lease. A failed start (a rejected Slack token, say) gives the lease, the port and the database back.
 */
export async function startInstance(built: Built, options: LifecycleOptions): Promise<RunningInstance> {
  const { shared, stores, aws, slack, services } = built;
  const { policy, clock, logger, metrics } = shared;
  // The lease holder and the journal's runner claims go by one name: this process.
  // Postgres: every replica serves Slack and the lease gates only the jobs. SQLite: one instance does all.
  const replicas = stores.lease.dialect === 'postgres';
  const lease = new InstanceLease({
    store: stores.lease,
    clock,
    logger,
    leaseMs: policy.instance.lease_seconds * 1000,
    heartbeatMs: policy.instance.heartbeat_seconds * 1000,
    holder: services.runner.runnerId,
    replicas,
  });
  built.jobs.scheduler.fenceWith((tx) => lease.checkFence(tx));
  metrics.readGaugesFrom({
    refreshAgeSeconds: async () => {
      const at = await stores.inventory.lastSuccessfulRefreshAt();
      return at ? (clock.now().getTime() - Date.parse(at)) / 1000 : null;
    },
    approvalsPending: async () => (await services.approvals.pending()).length,
    leaseHeld: () => lease.held,
    slackConnected: () => (slack?.mode === 'socket' ? slack.socketState() === 'connected' : null),
  });
  const readiness = readinessProbe({ leaseStore: stores.lease, lease, inventory: stores.inventory, slack, clock, logger, refreshIntervalMs: shared.refreshMs, replicas });
  const activation = activationOf(built, options, replicas);
  const server = (options.http ?? Boolean(options.slack))
    ? new OpsServer({ port: options.env.PORT, logger, readiness, metrics: () => metrics.scrape(), slackEvents: () => (activation.serving() ? (slack?.handleEvents ?? null) : null) })
    : null;
  const port = server ? await server.start() : null;
  if (server) logger.info('dockhand is listening', { mode: slack?.mode ?? 'no Slack', port });

  const sole = new SoleInstance({ lease, logger, activate: activation.activate, deactivate: activation.deactivate, beat: activation.beat });
  try {
    if (replicas) await activation.serveSlack();
    await sole.start();
    if (replicas && !lease.held) logger.info('serving Slack; another replica runs the jobs', { holder: lease.otherHolder });
  } catch (error) {
    // Could not start (a rejected Slack token, say): give the lease and the port back before failing.
    await sole.stop().catch(() => undefined);
    await server?.stop();
    await stores.close();
    throw error;
  }
  return {
    lease,
    port,
    readiness,
    active: sole.activated,
    resumed: () => sole.activated.then(activation.resumed),
    async stop() {
      await sole.stop();
      await activation.stopSlack();
      await server?.stop();
      aws.destroy();
      await stores.close();
    },
  };
}

/**
 * What only the lease holder runs (two would park environments twice): the refresh, the jobs, resuming
 * operations; and on SQLite Slack too. On Postgres (`replicas`) every replica serves Slack from the start.
 */
function activationOf({ shared, stores, slack, services, jobs }: Built, options: LifecycleOptions, replicas: boolean) {
  const { policy, logger, refreshMs } = shared;
  const { refresher, scheduler, housekeeping, auditIngest, costIngest, digests } = jobs;
  const { launcher, approvals, runner } = services;
  const refreshEveryMs = options.refreshEveryMs === undefined ? refreshMs : options.refreshEveryMs;
  let serving = false;
  let leading = false;
  let resumed: Promise<number> = Promise.resolve(0);
  // Orphans found on later heartbeats: one pass at a time.
  let later: Promise<unknown> | null = null;
  const resumeOrphans = (any: boolean): Promise<number> =>
    runner
      .claimOrphans(any)
      .then((orphans) => launcher.resumeUnfinished(orphans, (operation, result) => approvals.reportResumed(operation, result)))
      .catch((error) => {
        logger.error('could not resume unfinished operations', { error: errorMessage(error) });
        return 0;
      });
  const serveSlack = async () => {
    await slack?.start();
    serving = true;
  };
  const stopSlack = async () => {
    if (!serving) return;
    serving = false;
    await slack?.stop();
  };
  const beat = (held: boolean) => {
    // Alive: this replica's operations keep their claims, so the leader leaves them alone.
    void runner.renewClaims().catch((error) => logger.warn('could not renew the claims of running operations', { error: errorMessage(error) }));
    if (held && leading && later === null) {
      // A replica that died mid-operation: its claim has lapsed by now; the leader takes it over and finishes it.
      later = resumed.then(() => resumeOrphans(false)).finally(() => (later = null));
    }
    // Another replica refreshed (the leader's timer, or a follower after its operation or `/env refresh`): show
    // what it read, on every replica, unless this one's own refresh is under way and will show newer.
    if (replicas && !refresher.busy) void stores.inventory.reloadIfChanged().catch((error) => logger.warn('could not reload the inventory', { error: errorMessage(error) }));
  };
  const activate = async () => {
    if (!replicas) await serveSlack();
    leading = true;
    // The fleet may have changed while another instance ran (or none did): read it before the scheduler acts.
    const firstRead =
      refreshEveryMs === null ? Promise.resolve() : refresher.refresh('start').then(() => undefined, (error) => logger.error('first inventory refresh failed', { error: errorMessage(error) }));
    if (refreshEveryMs !== null) refresher.start(refreshEveryMs);
    if (options.housekeeping !== false) housekeeping.start();
    if (options.scheduler !== false) {
      void firstRead.then(() => {
        if (!leading) return;
        scheduler.start();
        // Native mode's drift check: once the fleet has been read, then daily.
        if (policy.schedules.native.length > 0) void scheduler.repairNative().catch((error) => logger.error('native schedule sync failed', { error: errorMessage(error) }));
      });
    }
    if (options.reportJobs !== false) {
      auditIngest.start();
      costIngest.start();
      digests.start();
    }
    // A sole instance (SQLite) resumes whatever is unfinished: whoever ran it was this database's only process.
    // Replicas resume only what no live replica claims; the rest is looked at again every heartbeat.
    resumed = resumeOrphans(!replicas);
  };
  const deactivate = async () => {
    leading = false;
    refresher.stop();
    await Promise.all([housekeeping.stop(), scheduler.stop(), auditIngest.stop(), costIngest.stop(), digests.stop()]);
    await resumed;
    await later;
    await refresher.settled();
    if (!replicas) await stopSlack();
  };
  return { activate, deactivate, beat, serveSlack, stopSlack, serving: () => serving, resumed: () => resumed };
}
