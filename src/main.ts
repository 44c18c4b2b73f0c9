import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { AwsClients } from './aws/clients.js';
import { postgresUrlFromEnv } from './config/database.js';
import { ConfigError, loadEnv, loadPolicyOf } from './config/load.js';
import type { Readiness } from './domain/readiness.js';
import type { AuditIngestJob } from './jobs/audit-ingest.js';
import type { CostIngestJob } from './jobs/cost-ingest.js';
import type { DigestJob } from './jobs/digest.js';
import type { Housekeeping } from './jobs/housekeeping.js';
import type { InstanceLease } from './jobs/instance-lease.js';
import type { InventoryRefresher } from './jobs/inventory-refresh.js';
import type { Scheduler } from './jobs/scheduler.js';
import { errorWithCauses, jsonLogger } from './log.js';
import type { ApprovalService } from './operations/approval-service.js';
import type { DockhandMetrics } from './ops/metrics.js';
import type { SlackApp } from './slack/app.js';
import type { Reply } from './slack/blocks/common.js';
import { handleEnvCommand, type EnvRequest } from './slack/commands/env.js';
import { SlackStartError } from './slack/preflight.js';
import type { AuditStore } from './store/audit-store.js';
import type { Fleet } from './store/fleet.js';
import type { OperationsStore } from './store/operations-store.js';
import { USAGE } from './usage.js';
import { awsClientsOf } from './wiring/aws.js';
import { commandDepsOf } from './wiring/commands.js';
import { buildJobs } from './wiring/jobs.js';
import { startInstance } from './wiring/lifecycle.js';
import type { DockhandOptions } from './wiring/options.js';
import { buildServices } from './wiring/services.js';
import { sharedOf } from './wiring/shared.js';
import { listenOnSlack, workspaceOf, slackAppOf } from './wiring/slack.js';
import { openStores } from './wiring/stores.js';

export { USAGE } from './usage.js';
export type { DockhandOptions } from './wiring/options.js';

/** A started dockhand, as tests, the demo, the simulation and the bench drive it. */
export interface Dockhand {
  handle(request: EnvRequest): Promise<Reply | null>;
  refresher: InventoryRefresher;
  fleet: Fleet;
  audit: AuditStore;
  aws: AwsClients;
  approvals: ApprovalService;
  operations: OperationsStore;
  housekeeping: Housekeeping;
  scheduler: Scheduler;
  digests: DigestJob;
  auditIngest: AuditIngestJob;
  costIngest: CostIngestJob;
  slack: SlackApp | null;
  /** The port /health, /metrics and (HTTP mode) Slack requests are served on; null when not serving. */
  port: number | null;
  /** The one-instance lease this process holds or waits for. */
  lease: InstanceLease;
  metrics: DockhandMetrics;
  /** What /health/ready answers. */
  readiness(): Promise<Readiness>;
  /** Resolves once this instance holds the lease and runs its jobs (at once, when no other instance runs). */
  active: Promise<void>;
  /** Finishes operations a previous process left running; taking the lease does this by itself. */
  resumed: Promise<number>;
  stop(): Promise<void>;
}

/**
 * The composition root, in order: stores, AWS clients, the Slack app and what posts through it, services,
 * jobs, the Slack listeners, then the instance (lease, port, activation). Each step is one function in
 * wiring/; nothing else wires things.
 */
export async function startDockhand(options: DockhandOptions): Promise<Dockhand> {
  const shared = sharedOf(options);
  const stores = await openStores(options.env, shared);
  const aws = awsClientsOf(options.aws, shared);
  const slack = slackAppOf(options, shared);
  const workspace = workspaceOf(slack, options, shared);
  const services = buildServices(shared, stores, aws, workspace);
  const jobs = buildJobs(shared, stores, aws, workspace, services, options);
  const commands = commandDepsOf(shared, stores, services, jobs, workspace);
  listenOnSlack(slack, commands);
  const instance = await startInstance({ shared, stores, aws, slack, services, jobs }, options);
  return {
    handle: (request) => handleEnvCommand(request, commands.command),
    refresher: jobs.refresher,
    fleet: stores.fleet,
    audit: stores.audit,
    aws,
    approvals: services.approvals,
    operations: stores.operations,
    housekeeping: jobs.housekeeping,
    scheduler: jobs.scheduler,
    digests: jobs.digests,
    auditIngest: jobs.auditIngest,
    costIngest: jobs.costIngest,
    slack,
    port: instance.port,
    lease: instance.lease,
    metrics: shared.metrics,
    readiness: instance.readiness,
    active: instance.active,
    get resumed() {
      return instance.resumed();
    },
    stop: () => instance.stop(),
  };
}

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(USAGE);
    return;
  }
  // DATABASE_URL, or the Terraform module's DOCKHAND_STORE=postgres with PG* variables (no URL from a secret's keys).
  const env = { ...loadEnv(), DATABASE_URL: postgresUrlFromEnv(process.env) ?? undefined };
  const logger = jsonLogger(env.LOG_LEVEL);
  const dockhand = await startDockhand({ env, policy: loadPolicyOf(env), logger, slack: true });
  const shutdown = (signal: string) => {
    logger.info('shutting down', { signal });
    dockhand.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

// Real paths: run through a symlink (a linked checkout, a bin link), argv[1] is the link, import.meta.url its target.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  main().catch((error) => {
    process.stderr.write(error instanceof ConfigError || error instanceof SlackStartError ? `dockhand cannot start: ${error.message}\n` : `dockhand failed to start: ${errorWithCauses(error)}\n`);
    process.exit(1);
  });
}
