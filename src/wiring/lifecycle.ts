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
  const lease = new InstanceLease({ store: stores.lease, clock, logger, leaseMs: policy.instance.lease_seconds * 1000, heartbeatMs: policy.instance.heartbeat_seconds * 1000 });
  metrics.readGaugesFrom({
    refreshAgeSeconds: async () => {
      const at = await stores.inventory.lastSuccessfulRefreshAt();
      return at ? (clock.now().getTime() - Date.parse(at)) / 1000 : null;
    },
    approvalsPending: async () => (await services.approvals.pending()).length,
    leaseHeld: () => lease.held,
    slackConnected: () => (slack?.mode === 'socket' ? slack.socketState() === 'connected' : null),
  });
  const readiness = readinessProbe({ leaseStore: stores.lease, lease, inventory: stores.inventory, slack, clock, logger, refreshIntervalMs: shared.refreshMs });
  const activation = activationOf(built, options);
  const server = (options.http ?? Boolean(options.slack))
    ? new OpsServer({ port: options.env.PORT, logger, readiness, metrics: () => metrics.scrape(), slackEvents: () => (activation.serving() ? (slack?.handleEvents ?? null) : null) })
    : null;
  const port = server ? await server.start() : null;
  if (server) logger.info('dockhand is listening', { mode: slack?.mode ?? 'no Slack', port });

  const sole = new SoleInstance({ lease, logger, activate: activation.activate, deactivate: activation.deactivate });
  try {
    await sole.start();
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
      await server?.stop();
      aws.destroy();
      await stores.close();
    },
  };
}

/** What only the lease holder runs (two would park environments twice): Slack, the refresh, the jobs, resuming operations. */
function activationOf({ shared, stores, slack, services, jobs }: Built, options: LifecycleOptions) {
  const { policy, logger, refreshMs } = shared;
  const { refresher, scheduler, housekeeping, auditIngest, costIngest, digests } = jobs;
  const { launcher, approvals } = services;
  const refreshEveryMs = options.refreshEveryMs === undefined ? refreshMs : options.refreshEveryMs;
  let serving = false;
  let resumed: Promise<number> = Promise.resolve(0);
  const activate = async () => {
    await slack?.start();
    serving = true;
    // The fleet may have changed while another instance ran (or none did): read it before the scheduler acts.
    const firstRead =
      refreshEveryMs === null ? Promise.resolve() : refresher.refresh('start').then(() => undefined, (error) => logger.error('first inventory refresh failed', { error: errorMessage(error) }));
    if (refreshEveryMs !== null) refresher.start(refreshEveryMs);
    if (options.housekeeping !== false) housekeeping.start();
    if (options.scheduler !== false) {
      void firstRead.then(() => {
        if (!serving) return;
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
    resumed = stores.operations
      .unfinished()
      .then((unfinished) => launcher.resumeUnfinished(unfinished, (operation, result) => approvals.reportResumed(operation, result)))
      .catch((error) => {
      logger.error('could not resume unfinished operations', { error: errorMessage(error) });
      return 0;
    });
  };
  const deactivate = async () => {
    serving = false;
    refresher.stop();
    await Promise.all([housekeeping.stop(), scheduler.stop(), auditIngest.stop(), costIngest.stop(), digests.stop()]);
    await resumed;
    await refresher.settled();
    await slack?.stop();
  };
  return { activate, deactivate, serving: () => serving, resumed: () => resumed };
}
