import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const LABEL = /^[A-Za-z0-9_.:-]{1,64}$/;

function bounded(value: string | null | undefined, fallback = 'unknown'): string {
  return value && LABEL.test(value) ? value : fallback;
}

/** What the Slack poster reports: failures by API method and Slack error code, and waits for a rate limit. */
export interface SlackPostObserver {
  postFailed(method: string, error: string | undefined): void;
  rateLimitWait(source: 'channel_limit' | 'slack_429'): void;
}

/** One AWS attempt (retries count separately) and its error code; null when it succeeded. */
export interface AwsCallObserver {
  awsCall(service: string, operation: string, error: string | null): void;
}

/** What the gauges read at each scrape; null: nothing to report. */
export interface MetricReadings {
  refreshAgeSeconds: () => Promise<number | null>;
  approvalsPending: () => Promise<number>;
  leaseHeld: () => boolean;
  slackConnected: () => boolean | null;
}

/**
 * dockhand's Prometheus metrics, in a Registry of its own (never prom-client's global one), so two instances
 * in one process (tests) do not collide. Labels are bounded sets: verbs, outcomes, AWS operation names and
 * error codes, never messages, account ids or user ids.
 */
export class DockhandMetrics implements SlackPostObserver, AwsCallObserver {
  readonly registry = new Registry();
  private readonly commands = new Counter({ name: 'dockhand_commands_total', help: '/env commands by verb and outcome', labelNames: ['verb', 'outcome'], registers: [this.registry] });
  private readonly operations = new Counter({ name: 'dockhand_operations_total', help: 'Journaled operations (stop, start, restart, scale) by verb and outcome', labelNames: ['verb', 'outcome'], registers: [this.registry] });
  private readonly operationSeconds = new Histogram({
    name: 'dockhand_operation_duration_seconds',
    help: 'Time from an operation being journaled to its outcome',
    labelNames: ['verb', 'outcome'],
    buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [this.registry],
  });
  private readonly aws = new Counter({ name: 'dockhand_aws_calls_total', help: 'AWS HTTP attempts (retries included) by service, operation and error code ("none" when it succeeded)', labelNames: ['service', 'operation', 'error'], registers: [this.registry] });
  private readonly refreshSeconds = new Histogram({
    name: 'dockhand_inventory_refresh_duration_seconds',
    help: 'How long reading the fleet took, by outcome (ok, partial: some locations failed, failed: all did)',
    labelNames: ['outcome'],
    buckets: [0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });
  private readonly edges = new Counter({ name: 'dockhand_scheduler_edges_total', help: 'Schedule edges the scheduler parked or restored for: acted (on time), caught_up (after downtime), failed', labelNames: ['action', 'result'], registers: [this.registry] });
  private readonly postFailures = new Counter({ name: 'dockhand_slack_post_failures_total', help: 'Slack posts and updates that failed, by method and Slack error code', labelNames: ['method', 'error'], registers: [this.registry] });
  private readonly rateLimitWaits = new Counter({ name: 'dockhand_slack_rate_limit_waits_total', help: 'Slack posts that waited: for the per-channel limit, or after a 429 from Slack', labelNames: ['source'], registers: [this.registry] });

  constructor() {
    // prom-client's own names begin process_ and nodejs_: the prefix only adds ours (dockhand_process_cpu_…, not dockhand_process_process_…).
    collectDefaultMetrics({ register: this.registry, prefix: 'dockhand_' });
  }

  /**
   * The gauges, read at each scrape: registered once what they read (the lease, Slack) exists, while the
   * counters above are there from the start for everything that records into them.
   */
  readGaugesFrom(readings: MetricReadings): void {
    const gauge = (name: string, help: string, read: () => number | null | Promise<number | null>) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        async collect() {
          // null: nothing to report (no refresh yet, no socket in HTTP mode): NaN, which no alert mistakes for 0.
          this.set((await read()) ?? Number.NaN);
        },
      });
    gauge('dockhand_inventory_refresh_age_seconds', 'Seconds since the last refresh that read every account and region (NaN before the first)', readings.refreshAgeSeconds);
    gauge('dockhand_approvals_pending', 'Approval requests waiting for a decision', readings.approvalsPending);
    gauge('dockhand_instance_lease_held', '1 while this instance holds the one-instance lease and runs the jobs', () => (readings.leaseHeld() ? 1 : 0));
    gauge('dockhand_slack_connected', 'Socket Mode: 1 while the WebSocket to Slack is connected (NaN in HTTP mode)', () => {
      const connected = readings.slackConnected();
      return connected === null ? null : connected ? 1 : 0;
    });
  }

  /** `verb` is a registered verb or 'unknown' (the command pipeline maps anything typed to one of those). */
  command(verb: string, outcome: string): void {
    this.commands.inc({ verb: bounded(verb), outcome: bounded(outcome) });
  }

  operation(verb: string, outcome: string, seconds: number): void {
    const labels = { verb: bounded(verb), outcome: bounded(outcome) };
    this.operations.inc(labels);
    this.operationSeconds.observe(labels, Math.max(0, seconds));
  }

  awsCall(service: string, operation: string, error: string | null): void {
    this.aws.inc({ service: bounded(service), operation: bounded(operation), error: error === null ? 'none' : bounded(error, 'Unknown') });
  }

  refresh(outcome: 'ok' | 'partial' | 'failed', seconds: number): void {
    this.refreshSeconds.observe({ outcome }, Math.max(0, seconds));
  }

  schedulerEdge(action: 'park' | 'restore', result: 'acted' | 'caught_up' | 'failed'): void {
    this.edges.inc({ action, result });
  }

  postFailed(method: string, error: string | undefined): void {
    this.postFailures.inc({ method: bounded(method), error: bounded(error, 'request_failed') });
  }

  rateLimitWait(source: 'channel_limit' | 'slack_429'): void {
    this.rateLimitWaits.inc({ source });
  }

  /** The text format Prometheus scrapes. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}
