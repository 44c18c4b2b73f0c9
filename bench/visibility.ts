/**
 * Figure 6: what CloudTrail and Cost Explorer are asked, per run and per day, against the fewest requests
 * the APIs allow, and the peak request rate per account and region (CloudTrail allows 2 a second).
 *
 * The ingest jobs (src/jobs/audit-ingest.ts, src/jobs/cost-ingest.ts) are imported dynamically, so the
 * benchmark runs while they are being written: when one is missing or its API changed, its figures say
 * "not available" and why. They run in this process against a sandbox of their own, whose CloudTrail holds
 * only what the benchmark put there: a week of history, then five minutes of activity.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CostExplorerClient, GetCostAndUsageCommand } from '@aws-sdk/client-cost-explorer';
import { parsePolicy } from '../src/config/load.js';
import { environmentRulesOf, type Account } from '../src/config/policy.js';
import { systemClock } from '../src/domain/clock.js';
import { silentLogger } from '../src/log.js';
import { DEFAULT_REGION, generatedFleet, identities, startSandbox, type Sandbox } from '../dev/sandbox/index.js';
import { AwsClients } from '../src/aws/clients.js';
import { InventoryRefresher } from '../src/jobs/inventory-refresh.js';
import { openSqlite } from '../src/store/db.js';
import { Fleet } from '../src/store/fleet.js';
import { InventoryStore } from '../src/store/inventory-store.js';
import type { Outbound } from '../src/outbound.js';
import { noticeMessages } from '../src/slack/blocks/notices.js';
import { costExplorerMinimum, lookupMinimum } from './minimums.js';
import { benchPolicyText } from './policy.js';
import { BENCH_DIR } from './processes.js';
import { figure, unavailable, type Figure } from './report.js';
import { peakInWindow } from './stats.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** The sandbox's (day, group) pairs per GetCostAndUsage page (its default); AWS does not document its own. */
const COST_EXPLORER_PAGE = 40;
/** Events the benchmark writes into each account's CloudTrail: a week of history, then a quiet five minutes. */
const HISTORY_EVENTS = 300;
const RECENT_EVENTS = 12;

/** The parts of the jobs' APIs the benchmark uses; checked at run time, since the modules are still moving. */
interface TrailRunResult {
  location: { account: string; region: string; eventSource: string };
  requests: number;
  events: number;
}
interface AuditJob {
  runOnce(now?: Date): Promise<{ results: TrailRunResult[]; errors: string[] }>;
}
type CostRunResult = { account: string; asked: false } | { account: string; asked: true; days: { first: string; last: string }; pages: number; rows: number };
interface CostJob {
  runOnce(now?: Date): Promise<{ results: CostRunResult[]; errors: string[] }>;
}
type Ctor<T> = new (deps: unknown) => T;

export interface VisibilityBenchOptions {
  environments: number;
  servicesPerEnvironment: number;
  accounts: number;
  latencyMs: number;
  dir: string;
  log: (line: string) => void;
}

/** A module of src/ by its path from here, or why it cannot be used: not written yet, or failing to load. */
async function load(path: string): Promise<Record<string, unknown> | string> {
  const source = path.replace('../', '').replace(/\.js$/, '.ts');
  if (!existsSync(join(BENCH_DIR, '..', source))) return `${source} not built yet`;
  try {
    return (await import(path)) as Record<string, unknown>;
  } catch (error) {
    return `${source} failed to load: ${(error as Error).message.split('\n')[0]}`;
  }
}

function exported<T>(mod: Record<string, unknown> | string, name: string): T | string {
  if (typeof mod === 'string') return mod;
  return typeof mod[name] === 'function' ? (mod[name] as T) : `${name} is no longer exported`;
}

const CT = { group: 6, unit: 'requests' } as const;
const IDS = {
  ctFirst: { ...CT, id: 'cloudtrail.firstRun.requests', label: 'CloudTrail requests, first run (7-day lookback)' },
  ctRun: { ...CT, id: 'cloudtrail.run.requests', label: 'CloudTrail requests per run (every 5 min)' },
  ctDay: { ...CT, id: 'cloudtrail.day.requests', label: 'CloudTrail requests per day (runs × per run)' },
  ctPeak: { group: 6, unit: 'req/s', id: 'cloudtrail.peakPerSecond', label: 'CloudTrail peak per account and region' },
  ceFirst: { ...CT, id: 'costExplorer.firstRun.requests', label: 'Cost Explorer requests, first run (62 days)' },
  ceDay: { ...CT, id: 'costExplorer.day.requests', label: 'Cost Explorer requests per day' },
  ceRerun: { ...CT, id: 'costExplorer.sameDayRerun.requests', label: 'Cost Explorer requests, second run the same day' },
  cePeak: { group: 6, unit: 'req/s', id: 'costExplorer.peakPerSecond', label: 'Cost Explorer peak per account' },
  digest: { ...CT, id: 'digest.run.requests', label: 'AWS requests per digest run' },
};

/** A missing module or export: the figure is not available, and this says why. */
class NotAvailable extends Error {}

async function need<T>(path: string, name: string): Promise<T> {
  const found = exported<T>(await load(path), name);
  if (typeof found === 'string') throw new NotAvailable(found);
  return found;
}

/** Peak requests in any one second, the highest of any account and region. */
function peakPerLocation(sandbox: Sandbox, from: number, operation: string): number {
  const byLocation = new Map<string, number[]>();
  for (const r of sandbox.requests.slice(from)) {
    if (r.operation !== operation) continue;
    const key = `${r.account}/${r.region}`;
    byLocation.set(key, [...(byLocation.get(key) ?? []), r.at.getTime()]);
  }
  return Math.max(0, ...[...byLocation.values()].map((times) => peakInWindow(times, 1000)));
}

async function cloudTrailFigures(sandbox: Sandbox, accounts: Account[], db: ReturnType<typeof openSqlite>, clients: unknown, cloudtrail: Record<string, unknown>): Promise<Figure[]> {
  const [Job, Trail, History, Audit] = await Promise.all([
    need<Ctor<AuditJob>>('../src/jobs/audit-ingest.js', 'AuditIngestJob'),
    need<Ctor<unknown>>('../src/store/trail-store.js', 'TrailStore'),
    need<Ctor<unknown>>('../src/store/cost-history-store.js', 'CostHistoryStore'),
    need<Ctor<unknown>>('../src/store/audit-store.js', 'AuditStore'),
  ]);
  const now = Date.now();
  for (const account of accounts) {
    for (let i = 0; i < HISTORY_EVENTS; i++) sandbox.injectCloudTrailEvent({ account: account.id, eventName: 'UpdateService', eventTime: new Date(now - 7 * DAY_MS + MINUTE_MS + (i * (7 * DAY_MS - 20 * MINUTE_MS)) / HISTORY_EVENTS) });
    for (let i = 0; i < RECENT_EVENTS; i++) sandbox.injectCloudTrailEvent({ account: account.id, eventName: 'UpdateService', eventTime: new Date(now - 4 * MINUTE_MS + i * 1000) });
  }
  const job = new Job({
    accounts,
    clients,
    store: new Trail(db),
    history: new History(db),
    // dockhand's own calls, by request id: none here, so every injected event is someone else's.
    audit: new Audit(db),
    services: () => [],
    rules: environmentRulesOf(parsePolicy(benchPolicyText(accounts.length))),
    policy: cloudtrail,
    maxSampleGapMs: 10 * MINUTE_MS,
    clock: systemClock,
    logger: silentLogger,
  });
  const everyMinutes = Number(cloudtrail.every_minutes);
  // The first run ends five minutes ago; the next one, a run's interval later, is now.
  const from = sandbox.requests.length;
  const first = await job.runOnce(new Date(now - everyMinutes * MINUTE_MS));
  const next = await job.runOnce(new Date(now));
  const errors = [...first.errors, ...next.errors];
  if (errors.length > 0) throw new Error(`CloudTrail ingest failed: ${errors.join('; ')}`);
  const requests = (run: { results: TrailRunResult[] }) => run.results.reduce((sum, r) => sum + r.requests, 0);
  const lookups = next.results.length;
  const runsPerDay = (24 * 60) / everyMinutes;
  const firstMin = lookupMinimum(first.results.map((r) => r.events));
  const runMin = lookupMinimum(next.results.map((r) => r.events));
  const slack = { op: '<=' as const, source: 'bench: minimum + 1 per lookup (a full last page can carry a NextToken)' };
  return [
    figure({ ...IDS.ctFirst, label: `${IDS.ctFirst.label} (minimum ${firstMin})`, runs: [requests(first)], aim: { ...slack, target: firstMin + lookups }, note: `${first.results.map((r) => r.events).join(' + ')} events over ${lookups} lookup(s)` }),
    figure({ ...IDS.ctRun, label: `${IDS.ctRun.label} (minimum ${runMin})`, runs: [requests(next)], aim: { ...slack, target: runMin + lookups }, note: `${next.results.map((r) => r.events).join(' + ')} events in the window (overlap included)` }),
    figure({ ...IDS.ctDay, label: `${IDS.ctDay.label} (minimum ${runMin * runsPerDay})`, runs: [requests(next) * runsPerDay], aim: { ...slack, target: (runMin + lookups) * runsPerDay }, note: `${runsPerDay} runs a day at every_minutes = ${everyMinutes}` }),
    figure({ ...IDS.ctPeak, runs: [peakPerLocation(sandbox, from, 'LookupEvents')], aim: { op: '<=', target: 2, source: 'issue 6 (CloudTrail LookupEvents limit)' } }),
  ];
}

/** (day, group) entries Cost Explorer holds for the asked days: read again afterwards, without latency, to size the minimum. */
async function costEntries(sandbox: Sandbox, account: string, days: { first: string; last: string }, query: { metric: string; services: string[]; tagKey: string }): Promise<number> {
  const accessKeyId = `AKIABENCHCE${account}`;
  sandbox.registerIdentity(accessKeyId, identities.iamUser('bench-reader', account));
  const client = new CostExplorerClient({ endpoint: sandbox.url, region: DEFAULT_REGION, credentials: { accessKeyId, secretAccessKey: 'bench' } });
  const mark = sandbox.requests.length;
  try {
    let entries = 0;
    let token: string | undefined;
    const end = new Date(Date.parse(`${days.last}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
    do {
      const page = await client.send(
        new GetCostAndUsageCommand({
          TimePeriod: { Start: days.first, End: end },
          Granularity: 'DAILY',
          Metrics: [query.metric],
          GroupBy: [{ Type: 'TAG', Key: query.tagKey }],
          ...(query.services.length > 0 ? { Filter: { Dimensions: { Key: 'SERVICE', Values: query.services } } } : {}),
          NextPageToken: token,
        }),
      );
      entries += (page.ResultsByTime ?? []).reduce((sum, r) => sum + Math.max(1, r.Groups?.length ?? 0), 0);
      token = page.NextPageToken;
    } while (token);
    return entries;
  } finally {
    client.destroy();
    sandbox.requests.splice(mark);
  }
}

async function costExplorerFigures(sandbox: Sandbox, accounts: Account[], db: ReturnType<typeof openSqlite>, clients: unknown, actuals: Record<string, unknown>, latencyMs: number): Promise<Figure[]> {
  const [Job, Store] = await Promise.all([
    need<Ctor<CostJob>>('../src/jobs/cost-ingest.js', 'CostIngestJob'),
    need<Ctor<unknown>>('../src/store/cost-actuals-store.js', 'CostActualsStore'),
  ]);
  const tagKey = 'environment';
  const job = new Job({ accounts, clients, store: new Store(db), policy: actuals, tagKey, clock: systemClock, logger: silentLogger });
  const now = Date.now();
  const count = (from: number) => sandbox.requests.slice(from).filter((r) => r.operation === 'GetCostAndUsage').length;
  // The first run ever was yesterday; today's run asks only for the days not final yet; a second run today asks nothing.
  const from = sandbox.requests.length;
  const first = await job.runOnce(new Date(now - DAY_MS));
  const firstRequests = count(from);
  const dayFrom = sandbox.requests.length;
  const today = await job.runOnce(new Date(now));
  const todayRequests = count(dayFrom);
  const rerunFrom = sandbox.requests.length;
  const rerun = await job.runOnce(new Date(now));
  const rerunRequests = count(rerunFrom);
  const peak = peakPerLocation(sandbox, from, 'GetCostAndUsage');
  const errors = [...first.errors, ...today.errors, ...rerun.errors];
  if (errors.length > 0) throw new Error(`Cost Explorer ingest failed: ${errors.join('; ')}`);
  sandbox.setLatency(0);
  const query = { metric: String(actuals.metric), services: actuals.services as string[], tagKey };
  const minimumOf = async (run: { results: CostRunResult[] }) => {
    let total = 0;
    for (const result of run.results) if (result.asked) total += costExplorerMinimum(await costEntries(sandbox, result.account, result.days, query), COST_EXPLORER_PAGE);
    return total;
  };
  const firstMin = await minimumOf(first);
  const dayMin = await minimumOf(today);
  sandbox.setLatency(latencyMs);
  const daysOf = (run: { results: CostRunResult[] }) => run.results.map((r) => (r.asked ? `${r.days.first}…${r.days.last}` : 'not asked')).join(', ');
  const source = 'bench: fewest pages for the days not final yet';
  return [
    figure({ ...IDS.ceFirst, label: `${IDS.ceFirst.label} (minimum ${firstMin})`, runs: [firstRequests], aim: { op: '<=', target: firstMin, source }, note: `${daysOf(first)}; $0.01 a request` }),
    figure({ ...IDS.ceDay, label: `${IDS.ceDay.label} (minimum ${dayMin})`, runs: [todayRequests + rerunRequests], aim: { op: '<=', target: dayMin, source }, note: `${daysOf(today)}; a second run the same day asks nothing` }),
    figure({ ...IDS.ceRerun, runs: [rerunRequests], aim: { op: '==', target: 0, source: 'design: at most once per account and UTC day' } }),
    figure({ ...IDS.cePeak, runs: [peak], note: 'pages are sequential; Cost Explorer bills per request rather than throttling at this rate' }),
  ];
}

/**
 * One digest run over what the ingest jobs stored, posting to an outbound port that only counts: the AWS requests it
 * makes (aim: none; a digest reads the store). The inventory it reports on is read first, without latency.
 */
async function digestFigures(sandbox: Sandbox, db: ReturnType<typeof openSqlite>, schema: { parse(input: unknown): Record<string, unknown> }, accounts: Account[], latencyMs: number): Promise<Figure[]> {
  const [DigestJob, FleetReports, CostReports, NoticesStore, TrailStore, CostHistoryStore, CostActualsStore, idleRulesOf, costSettingsOf] = await Promise.all([
    need<Ctor<{ runOnce(now?: Date): Promise<{ status: string; error?: string }[]> }>>('../src/jobs/digest.js', 'DigestJob'),
    need<Ctor<unknown>>('../src/store/fleet-reports.js', 'FleetReports'),
    need<new (...args: unknown[]) => unknown>('../src/store/cost-reports.js', 'CostReports'),
    need<Ctor<unknown>>('../src/store/notices-store.js', 'NoticesStore'),
    need<Ctor<unknown>>('../src/store/trail-store.js', 'TrailStore'),
    need<Ctor<unknown>>('../src/store/cost-history-store.js', 'CostHistoryStore'),
    need<Ctor<unknown>>('../src/store/cost-actuals-store.js', 'CostActualsStore'),
    need<(idle: unknown) => unknown>('../src/config/report-policy.js', 'idleRulesOf'),
    need<(cost: unknown, refreshMs: number) => unknown>('../src/config/report-policy.js', 'costSettingsOf'),
  ]);
  const visibility = schema.parse({ digests: [{ channel: 'C0BENCH' }] }) as { digests: unknown[]; idle: unknown; cost: unknown };
  const policy = parsePolicy(benchPolicyText(accounts.length));
  const rules = environmentRulesOf(policy);
  const inventory = await InventoryStore.load(db);
  const aws = new AwsClients({ endpoint: sandbox.url, credentials: { accessKeyId: 'AKIABENCHDIGEST', secretAccessKey: 'bench' } });
  sandbox.setLatency(0);
  try {
    await new InventoryRefresher({ accounts: policy.accounts, rules, aws, store: inventory, clock: systemClock, logger: silentLogger, deadlineMs: policy.aws.refresh_deadline_ms }).refresh('bench');
  } finally {
    aws.destroy();
  }
  sandbox.setLatency(latencyMs);
  const store = new NoticesStore(db);
  const reports = new FleetReports({
    fleet: new Fleet(inventory, rules),
    services: () => inventory.services(),
    costs: new CostReports(new CostHistoryStore(db), new CostActualsStore(db), costSettingsOf(visibility.cost, 60_000)),
    trail: new TrailStore(db),
    store,
    idleRules: idleRulesOf(visibility.idle),
  });
  // Counts the Slack messages each notice would take (the digest continues in a thread past Slack's limits).
  let posts = 0;
  const post = async (channel: string, notice: Parameters<Outbound['post']>[1]) => {
    const messages = noticeMessages(notice).length;
    posts += messages;
    return { channel, ts: `${Math.floor(Date.now() / 1000)}.${String(posts).padStart(6, '0')}`, messages };
  };
  const outbound: Outbound = { post, tell: post, update: async () => undefined };
  const job = new DigestJob({ digests: visibility.digests, reports, store, outbound, clock: systemClock, logger: silentLogger });
  const from = sandbox.requests.length;
  const outcomes = await job.runOnce(new Date());
  const requests = sandbox.requests.length - from;
  const failed = outcomes.find((o) => o.status === 'failed');
  if (failed) throw new Error(`the digest failed: ${failed.error ?? 'unknown'}`);
  return [figure({ ...IDS.digest, runs: [requests], aim: { op: '==', target: 0, source: 'design: a digest reads what the ingest jobs stored' }, note: `${posts} message(s) posted for one channel over ${inventory.services().length} services` })];
}

/** Runs one group of figures; a module that is missing or changed, or a run that fails, makes them "not available". */
async function guarded(ids: readonly (typeof IDS)[keyof typeof IDS][], measure: () => Promise<Figure[]>): Promise<Figure[]> {
  try {
    return await measure();
  } catch (error) {
    const why = error instanceof NotAvailable ? error.message : `failed: ${(error as Error).message.split('\n')[0]}`;
    return ids.map((f) => unavailable(f, why));
  }
}

export async function benchVisibility(options: VisibilityBenchOptions): Promise<Figure[]> {
  const ct = [IDS.ctFirst, IDS.ctRun, IDS.ctDay, IDS.ctPeak];
  const ce = [IDS.ceFirst, IDS.ceDay, IDS.ceRerun, IDS.cePeak];
  const [clientsModule, configModule] = await Promise.all([load('../src/aws/clients.js'), load('../src/config/report-policy.js')]);
  const Clients = exported<Ctor<{ destroy(): void }>>(clientsModule, 'AwsClients');
  const schema = typeof configModule === 'string' ? configModule : (configModule.reportPolicySchema as { parse(input: unknown): Record<string, unknown> } | undefined) ?? 'reportPolicySchema is no longer exported';
  if (typeof Clients === 'string' || typeof schema === 'string') {
    const why = typeof Clients === 'string' ? Clients : (schema as string);
    return [...ct, ...ce, IDS.digest].map((f) => unavailable(f, why));
  }
  const visibility = schema.parse({}) as { cloudtrail: Record<string, unknown>; cost: { actuals: Record<string, unknown> } };
  const sandbox = await startSandbox({
    fleet: generatedFleet({ environments: options.environments, servicesPerEnvironment: options.servicesPerEnvironment, accounts: options.accounts }),
    latencyMs: options.latencyMs,
    convergeDelayMs: 0,
  });
  const db = openSqlite(join(options.dir, 'visibility.db'));
  const clients = new Clients({ endpoint: sandbox.url, credentials: { accessKeyId: 'AKIABENCHVIS', secretAccessKey: 'bench' } });
  try {
    const accounts = parsePolicy(benchPolicyText(options.accounts)).accounts;
    options.log('  CloudTrail: a week of history, then one run five minutes later');
    const cloudTrail = await guarded(ct, () => cloudTrailFigures(sandbox, accounts, db, clients, visibility.cloudtrail));
    options.log('  Cost Explorer: first run, the next day, and again the same day');
    const cost = await guarded(ce, () => costExplorerFigures(sandbox, accounts, db, clients, visibility.cost.actuals, options.latencyMs));
    options.log('  digest: one run over what was stored');
    const digest = await guarded([IDS.digest], () => digestFigures(sandbox, db, schema, accounts, options.latencyMs));
    return [...cloudTrail, ...cost, ...digest];
  } finally {
    clients.destroy();
    db.db.$client.close();
    await sandbox.close();
  }
}
