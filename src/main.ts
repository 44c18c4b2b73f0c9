import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { VisibilityAwsClients } from './aws/visibility-clients.js';
import { costSettingsOf, idleRulesOf } from './config/report-policy.js';
import { isUp } from './domain/schedules/schedule.js';
import { AnomalyMonitor } from './jobs/anomalies.js';
import { AuditIngestJob, trailLocationsOf, trailStaleMsOf } from './jobs/audit-ingest.js';
import { CostIngestJob } from './jobs/cost-ingest.js';
import { DigestJob } from './jobs/digest.js';
import { InventorySampler } from './jobs/inventory-samples.js';
import { describeRequest } from './slack/blocks/approval.js';
import { code, who } from './slack/blocks/format.js';
import { extensionText } from './slack/blocks/schedule.js';
import { ScheduleService } from './schedules/schedule-service.js';
import { ChannelPoster, messengerPoster } from './slack/channel-poster.js';
import { idleSnoozer } from './slack/commands/idle.js';
import type { SlackClient } from './slack/directory.js';
import { SlackMembers } from './slack/members.js';
import { CostActualsStore } from './store/cost-actuals-store.js';
import { CostHistoryStore } from './store/cost-history-store.js';
import { CostReports } from './store/cost-reports.js';
import { TrailStore } from './store/trail-store.js';
import { FleetReports } from './store/fleet-reports.js';
import { NoticesStore } from './store/notices-store.js';
import { AwsClients, type AwsClientOptions } from './aws/clients.js';
import { DEFAULT_SLACK_CONNECT_TIMEOUT_SECONDS, type Env } from './config/env.js';
import { ConfigError, loadEnv, loadPolicyOf } from './config/load.js';
import { accessPolicyOf, environmentRulesOf, type Policy } from './config/policy.js';
import { withGrants } from './domain/access/permissions.js';
import { Housekeeping } from './jobs/housekeeping.js';
import { NativeSchedules } from './jobs/native-schedules.js';
import { SCHEDULER_ACTOR, Scheduler } from './jobs/scheduler.js';
import { ApprovalService } from './operations/approval-service.js';
import { OperationLauncher } from './operations/launch.js';
import { silentMessenger, type Messenger } from './operations/messenger.js';
import { OperationRunner } from './operations/runner.js';
import { slackMessenger } from './slack/messenger.js';
import { ApprovalsStore } from './store/approvals-store.js';
import { GrantsStore } from './store/grants-store.js';
import { HandledRequests } from './store/handled-requests.js';
import { OperationsStore } from './store/operations-store.js';
import { SchedulesStore } from './store/schedules-store.js';
import { systemClock, type Clock } from './domain/clock.js';
import { InventoryRefresher } from './jobs/inventory-refresh.js';
import { errorMessage, jsonLogger, type Logger } from './log.js';
import { createSlackApp, type SlackApp } from './slack/app.js';
import { SlackStartError } from './slack/preflight.js';
import type { Reply } from './slack/blocks/common.js';
import { handleEnvCommand, type EnvCommandHandlerDeps, type EnvRequest } from './slack/commands/env.js';
import { SlackDirectory, type Directory } from './slack/directory.js';
import { AuditStore } from './store/audit-store.js';
import { openDb } from './store/db.js';
import { Fleet } from './store/fleet.js';
import { InventoryStore } from './store/inventory-store.js';
import { LeaseStore } from './store/lease-store.js';
import { InstanceLease } from './jobs/instance-lease.js';
import type { Readiness } from './domain/readiness.js';
import { readinessProbe } from './ops/readiness-probe.js';
import { OpsServer } from './ops/http-server.js';
import { DockhandMetrics } from './ops/metrics.js';
import { SoleInstance } from './ops/sole-instance.js';

export const USAGE = `dockhand — operate ECS Fargate environments from Slack

Usage: npm start            (node --env-file-if-exists=.env dist/src/main.js: reads .env when there is one)
       npm start -- --help  (this text)

Environment variables:
  SLACK_BOT_TOKEN       bot token, xoxb-… (required)
  SLACK_SIGNING_SECRET  HTTP mode: verifies Slack's requests (required unless SLACK_APP_TOKEN is set)
  SLACK_APP_TOKEN       app-level token, xapp-…: use Socket Mode instead of HTTP
  SLACK_API_URL         another Slack API base URL (proxies, tests); default https://slack.com/api/
  PORT                  /health/live, /health/ready (/health), /metrics; HTTP mode also /slack/events (default 3000)
  SLACK_CONNECT_TIMEOUT_SECONDS  start-up gives up reaching Slack after this long (default 120)
  DOCKHAND_CONFIG       policy file (default dockhand.yml; see dockhand.example.yml)
  DOCKHAND_POLICY       the policy's YAML itself, used instead of DOCKHAND_CONFIG (the Terraform module's way)
  DOCKHAND_DB           SQLite database (default ./data/dockhand.db)
  DOCKHAND_DB_JOURNAL   wal (default) | delete: use delete on network file systems such as EFS
  LOG_LEVEL             debug | info | warn | error (default info)
  AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, …  read by the AWS SDK as usual

AWS timeouts and deadlines are set in the policy file under aws: (connect_timeout_ms, request_timeout_ms,
refresh_deadline_ms, step_deadline_ms); see dockhand.example.yml.

One dockhand per database: a second one started on it waits (not ready, no jobs, no Slack) until the
first stops or its lease (instance.lease_seconds in the policy file, default 30) goes unrenewed.
`;

export interface DockhandOptions {
  env: Pick<Env, 'DOCKHAND_DB' | 'PORT'> &
    Partial<Pick<Env, 'DOCKHAND_DB_JOURNAL' | 'SLACK_BOT_TOKEN' | 'SLACK_SIGNING_SECRET' | 'SLACK_APP_TOKEN' | 'SLACK_API_URL' | 'SLACK_CONNECT_TIMEOUT_SECONDS'>>;
  policy: Policy;
  clock?: Clock;
  logger?: Logger;
  aws?: AwsClientOptions;
  /** Replaces Slack user-group lookups (the demo console has no Slack). */
  directory?: Directory;
  /** Replaces Slack for posting progress, approvals and DMs (the demo console). */
  messenger?: Messenger;
  /** Connect to Slack; needs SLACK_BOT_TOKEN and a signing secret or app token. */
  slack?: boolean;
  /** Periodic inventory refresh; null lets tests and the console refresh by hand. */
  refreshEveryMs?: number | null;
  /** The every-minute housekeeping (approval expiry); off lets tests drive it. */
  housekeeping?: boolean;
  /** The every-minute schedule reconciler; off lets tests and simulations drive `scheduler.tick`. */
  scheduler?: boolean;
  /** CloudTrail and Cost Explorer ingest and digests on their crons; off lets tests drive them. */
  visibility?: boolean;
  /** Serve /health, /health/live, /health/ready and /metrics on PORT; default: when Slack is on. */
  http?: boolean;
  /** The scheduler's node-cron expression; default every minute (process tests tick every second). */
  schedulerTick?: string;
}

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
  readiness(): Readiness;
  /** Resolves once this instance holds the lease and runs its jobs (at once, when no other instance runs). */
  active: Promise<void>;
  /** Finishes operations a previous process left running; taking the lease does this by itself. */
  resumed: Promise<number>;
  stop(): Promise<void>;
}

const NO_GROUPS: Directory = { groupsOf: async () => [] };

/** The composition root: config → store → AWS clients → Slack app → jobs. Nothing else wires things. */
export async function startDockhand(options: DockhandOptions): Promise<Dockhand> {
  const { env, policy } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? jsonLogger();
  const db = openDb(env.DOCKHAND_DB, env.DOCKHAND_DB_JOURNAL);
  const inventory = new InventoryStore(db);
  const rules = environmentRulesOf(policy);
  const audit = new AuditStore(db);
  const operations = new OperationsStore(db);
  const fleet = new Fleet(inventory, rules, () => operations.parkedEnvironments());
  const grants = new GrantsStore(db);
  const handled = new HandledRequests(db);
  const refreshMs = policy.inventory.refresh_seconds * 1000;
  let approvalsPending = () => 0;
  const metrics = new DockhandMetrics({
    refreshAgeSeconds: () => {
      const at = inventory.lastSuccessfulRefreshAt();
      return at ? (clock.now().getTime() - Date.parse(at)) / 1000 : null;
    },
    approvalsPending: () => approvalsPending(),
    leaseHeld: () => lease.held,
    slackConnected: () => (slack?.mode === 'socket' ? slack.socketState() === 'connected' : null),
  });
  // Every AWS client, of every job, gets these deadlines (one place builds client settings: aws/clients.ts).
  const awsOptions: AwsClientOptions = {
    ...options.aws,
    timeouts: { connectMs: policy.aws.connect_timeout_ms, requestMs: policy.aws.request_timeout_ms },
    observer: metrics,
  };
  const aws = new AwsClients(awsOptions);
  // Visibility: cost samples from every refresh, CloudTrail and Cost Explorer ingest, idle rules, digests.
  const history = new CostHistoryStore(db);
  const trail = new TrailStore(db);
  const notices = new NoticesStore(db);
  const actuals = new CostActualsStore(db);
  const costs = new CostReports(history, actuals, costSettingsOf(policy.cost, refreshMs));
  const sampler = new InventorySampler({
    store: history,
    clock,
    refreshIntervalMs: refreshMs,
    retentionDays: policy.cost.sample_retention_days,
    parkedDesired: (arns) => new Map([...operations.parkRecords(arns)].map(([arn, record]) => [arn, record.desired])),
  });
  const visibilityAws = new VisibilityAwsClients({ ...awsOptions, counter: aws.counter });
  let anomalies: AnomalyMonitor | null = null;
  const refresher = new InventoryRefresher({
    accounts: policy.accounts,
    rules,
    aws,
    store: inventory,
    clock,
    logger,
    deadlineMs: policy.aws.refresh_deadline_ms,
    onRefreshed: async (record) => {
      const locations = policy.accounts.reduce((sum, account) => sum + account.regions.length, 0);
      metrics.refresh(record.errors.length === 0 ? 'ok' : record.errors.length >= locations ? 'failed' : 'partial', (Date.parse(record.finishedAt) - Date.parse(record.startedAt)) / 1000);
      sampler.record(inventory.services(), record.startedAt);
      await anomalies?.runOnce();
    },
  });
  const auditIngest = new AuditIngestJob({
    accounts: policy.accounts,
    clients: visibilityAws,
    store: trail,
    history,
    audit,
    parked: operations,
    services: () => inventory.services(),
    rules,
    policy: policy.cloudtrail,
    maxSampleGapMs: sampler.maxSampleGapMs,
    clock,
    logger,
  });
  const costIngest = new CostIngestJob({ accounts: policy.accounts, clients: visibilityAws, store: actuals, policy: policy.cost.actuals, tagKey: policy.discovery.tag_key, clock, logger });
  const basePolicy = accessPolicyOf(policy);
  const access = () => withGrants(basePolicy, grants.active(clock.now().toISOString()));
  const usesGroups = policy.bindings.some((b) => b.subjects.some((s) => s.startsWith('group:')));
  const runner = new OperationRunner({
    accounts: policy.accounts,
    aws,
    operations,
    audit,
    clock,
    logger,
    startFallbackDesired: policy.operations.start_fallback_desired,
    stepDeadlineMs: policy.aws.step_deadline_ms,
    onDesiredSet: (arn, desired) => inventory.setDesired(arn, desired),
  });
  const schedules = new SchedulesStore(db);
  const native = new NativeSchedules({ globs: policy.schedules.native, accounts: policy.accounts, aws, operations, audit, clock, logger });
  const scheduleRules = { named: policy.schedules.named, defaults: policy.schedules.defaults, tagKey: policy.schedules.tag_key };
  const scheduleService = new ScheduleService({ fleet, store: schedules, rules: scheduleRules, clock, logger, native, describeExtension: extensionText });
  // An operation finished: the metrics, then the schedules (a person's start or stop is an override), then a
  // refresh so `/env list` shows the new state soon. Listeners run in this order; none can fail the operation.
  runner.finished.subscribe(({ operation }) =>
    metrics.operation(operation.verb, operation.status, operation.finishedAt ? (Date.parse(operation.finishedAt) - Date.parse(operation.startedAt)) / 1000 : 0),
  );
  runner.finished.subscribe(({ operation }) => scheduleService.noteOperation(operation));
  runner.finished.subscribe(() => void refresher.refresh('after operation').catch(() => undefined));

  const wire = (directory: Directory, messenger: Messenger, client: SlackClient | null, poster: ChannelPoster) => {
    const launcher = new OperationLauncher(runner, messenger);
    const scheduler = new Scheduler({
      schedules: scheduleService,
      fleet,
      store: schedules,
      operations,
      runner,
      messenger,
      clock,
      logger,
      channel: policy.schedules.channel,
      graceMs: policy.schedules.grace_minutes * 60_000,
      warnMs: policy.schedules.warn_minutes * 60_000,
      catchUpMs: policy.schedules.catch_up_hours * 3600_000,
      lastActivity: (environment) => audit.lastActivity(environment, [SCHEDULER_ACTOR]),
      onEdge: (action, result) => metrics.schedulerEdge(action, result),
      ...(options.schedulerTick ? { tickCron: options.schedulerTick } : {}),
      native,
    });
    const extend = scheduleService.extend.bind(scheduleService);
    const approvals = new ApprovalService({
      store: new ApprovalsStore(db),
      launcher,
      extend,
      fleet,
      access,
      groupsOf: (userId) => directory.groupsOf(userId),
      messenger,
      audit,
      clock,
      logger,
      channel: policy.approvals.channel,
      expireMinutes: policy.approvals.expire_minutes,
    });
    const members = client ? new SlackMembers(client, clock, logger) : null;
    const reports = new FleetReports({
      fleet,
      services: () => inventory.services(),
      costs,
      trail,
      store: notices,
      idleRules: idleRulesOf(policy.idle),
      trailLocations: trailLocationsOf(policy.accounts, policy.cloudtrail).map(({ account, ...location }) => ({ ...location, account: account.id })),
      trailStaleMs: trailStaleMsOf(policy.cloudtrail),
      ...(members ? { activeOwners: () => members.activeOwners() } : {}),
      isUp: (name, at) => {
        const env = fleet.environment(name);
        const schedule = env ? scheduleService.resolve(env).schedule : null;
        return schedule ? isUp(schedule, at) : null;
      },
      pendingApprovals: (envs) => approvals.pending().filter((a) => envs.includes(a.environment)).map((a) => `#${a.id} ${code(describeRequest(a))} by ${who(a.requestedBy)}`),
      activeOverrides: (envs) =>
        [...scheduleService.explainAll(fleet.environments().filter((e) => envs.includes(e.name)))]
          .filter(([, e]) => e.override)
          .map(([name, e]) => `${code(name)} ${e.override?.reason === 'extend' ? 'extended' : 'overridden'} ${e.override?.kind} until ${e.override?.until.toISOString().slice(0, 16).replace('T', ' ')} UTC`),
    });
    anomalies = new AnomalyMonitor({ costs, environments: () => fleet.environments(), policy: policy.anomalies, digests: policy.digests, store: notices, poster, clock, logger });
    const digests = new DigestJob({ digests: policy.digests, reports, store: notices, poster, clock, logger });
    const command: EnvCommandHandlerDeps = {
      fleet,
      access,
      protect: policy.protect,
      refresh: (trigger) => refresher.refresh(trigger),
      launcher,
      approvals,
      audit,
      grants,
      scheduler: scheduleService,
      visibility: { costs, reports, trail, snoozeDays: policy.idle.snooze_days, digests: policy.digests },
      clock,
      directory,
      logger,
      metrics,
    };
    return { command, approvals, launcher, handled, scheduler, digests, snooze: idleSnoozer({ store: notices, snoozeDays: policy.idle.snooze_days }) };
  };

  const leaseStore = new LeaseStore(db);
  const lease = new InstanceLease({ store: leaseStore, clock, logger, leaseMs: policy.instance.lease_seconds * 1000, heartbeatMs: policy.instance.heartbeat_seconds * 1000 });
  let slack: SlackApp | null = null;
  let wired: ReturnType<typeof wire> | null = null;
  if (options.slack) {
    if (!env.SLACK_BOT_TOKEN) throw new ConfigError('the environment', ['SLACK_BOT_TOKEN: got missing; is required to connect to Slack']);
    slack = createSlackApp(
      {
        botToken: env.SLACK_BOT_TOKEN,
        signingSecret: env.SLACK_SIGNING_SECRET,
        appToken: env.SLACK_APP_TOKEN,
        slackApiUrl: env.SLACK_API_URL,
        logger,
        observer: metrics,
        connectDeadlineMs: (env.SLACK_CONNECT_TIMEOUT_SECONDS ?? DEFAULT_SLACK_CONNECT_TIMEOUT_SECONDS) * 1000,
      },
      (client) => {
        // One poster for everything dockhand posts, so every channel stays within Slack's rate together.
        const poster = new ChannelPoster(client, undefined, metrics);
        const messenger = options.messenger ?? slackMessenger(client, poster, logger, metrics);
        return (wired = wire(options.directory ?? new SlackDirectory(client, clock, usesGroups), messenger, client, poster));
      },
    );
  }
  const offline = options.messenger ?? silentMessenger(logger);
  const { command, approvals, launcher, scheduler: schedule, digests } = wired ?? wire(options.directory ?? NO_GROUPS, offline, null, new ChannelPoster(messengerPoster(offline)));
  const housekeeping = new Housekeeping({ approvals, handled, audit, auditRetentionDays: policy.audit.retention_days, clock, logger });
  approvalsPending = () => approvals.pending().length;

  const readinessNow = readinessProbe({ leaseStore, lease, inventory, slack: () => slack, clock, logger, refreshIntervalMs: refreshMs });
  let serving = false;
  const server = (options.http ?? Boolean(options.slack))
    ? new OpsServer({ port: env.PORT, logger, readiness: readinessNow, metrics: () => metrics.scrape(), slackEvents: () => (serving ? (slack?.handleEvents ?? null) : null) })
    : null;
  const port = server ? await server.start() : null;
  if (server) logger.info('dockhand is listening', { mode: slack?.mode ?? 'no Slack', port });

  // Everything below runs only in the instance holding the lease: two would park environments twice.
  const refreshEveryMs = options.refreshEveryMs === undefined ? refreshMs : options.refreshEveryMs;
  let resumedNow: Promise<number> = Promise.resolve(0);
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
        schedule.start();
        // Native mode's drift check: once the fleet has been read, then daily.
        if (policy.schedules.native.length > 0) void schedule.repairNative().catch((error) => logger.error('native schedule sync failed', { error: errorMessage(error) }));
      });
    }
    if (options.visibility !== false) {
      auditIngest.start();
      costIngest.start();
      digests.start();
    }
    resumedNow = launcher.resumeUnfinished(operations.unfinished(), (operation, result) => approvals.reportResumed(operation, result)).catch((error) => {
      logger.error('could not resume unfinished operations', { error: errorMessage(error) });
      return 0;
    });
  };
  const deactivate = async () => {
    serving = false;
    refresher.stop();
    await Promise.all([housekeeping.stop(), schedule.stop(), auditIngest.stop(), costIngest.stop(), digests.stop()]);
    await resumedNow;
    await refresher.settled();
    await slack?.stop();
  };
  const sole = new SoleInstance({ lease, logger, activate, deactivate });
  try {
    await sole.start();
  } catch (error) {
    // Could not start (a rejected Slack token, say): give the lease and the port back before failing.
    await sole.stop().catch(() => undefined);
    await server?.stop();
    db.$client.close();
    throw error;
  }

  return {
    handle: (request) => handleEnvCommand(request, command),
    refresher,
    fleet,
    audit,
    aws,
    approvals,
    operations,
    housekeeping,
    scheduler: schedule,
    digests,
    auditIngest,
    costIngest,
    slack,
    port,
    lease,
    metrics,
    readiness: readinessNow,
    active: sole.activated,
    get resumed() {
      return sole.activated.then(() => resumedNow);
    },
    async stop() {
      await sole.stop();
      await server?.stop();
      aws.destroy();
      visibilityAws.destroy();
      db.$client.close();
    },
  };
}

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(USAGE);
    return;
  }
  const env = loadEnv();
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
    process.stderr.write(error instanceof ConfigError || error instanceof SlackStartError ? `dockhand cannot start: ${error.message}\n` : `dockhand failed to start: ${errorMessage(error)}\n`);
    process.exit(1);
  });
}
