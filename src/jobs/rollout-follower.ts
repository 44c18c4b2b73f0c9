import type { Clock } from '../domain/clock.js';
import { diagnoseService } from '../domain/diagnosis.js';
import type { ServiceSnapshot } from '../domain/inventory.js';
import type { OperationView } from '../domain/notices.js';
import { isFinal, isFollowedVerb, judgeRollout, type RolloutLine } from '../domain/rollouts.js';
import { errorMessage, type Logger } from '../log.js';
import type { Outbound } from '../outbound.js';
import type { RefreshRecord } from '../store/inventory-store.js';
import type { OperationRow, OperationsStore } from '../store/operations-store.js';
import type { FollowedService, RolloutFollow, RolloutFollowsStore } from '../store/rollout-follows-store.js';
import type { StoppedTasksStore } from '../store/stopped-tasks-store.js';

export interface RolloutFollowerDeps {
  follows: RolloutFollowsStore;
  operations: Pick<OperationsStore, 'byId' | 'steps'>;
  /** The inventory as the last refresh left it: the only source, so following costs no AWS call. */
  services: () => readonly ServiceSnapshot[];
  stoppedTasks: Pick<StoppedTasksStore, 'forService'>;
  outbound: Outbound;
  clock: Clock;
  logger: Logger;
  followMs: number;
}

/**
 * Follows the rollouts of restarts, starts and scales to their end in the operation's own progress message:
 * judged at each inventory refresh (the one after the operation, then the periodic ones) from the stored
 * snapshots, never by polling AWS itself. Operations with no progress message (the scheduler's) are not
 * followed: there is nothing to update, and the tick report already says what the edge did.
 */
export class RolloutFollower {
  constructor(private readonly deps: RolloutFollowerDeps) {}

  /** Hears every finished operation (the runner's `finished` topic): follows those that changed a service. */
  async begin(finished: OperationRow): Promise<void> {
    if (!isFollowedVerb(finished.verb) || finished.status === 'failed' || !finished.finishedAt) return;
    // The message's timestamp is written to the journal as it is posted, not to the row the runner holds.
    const messageTs = (await this.deps.operations.byId(finished.id))?.messageTs ?? finished.messageTs;
    if (!messageTs) return;
    const services: FollowedService[] = (await this.deps.operations.steps(finished.id))
      .filter((step) => step.status === 'done')
      .map((step) => ({ arn: step.serviceArn, account: step.account, region: step.region, name: step.service, line: null }));
    if (services.length === 0) return;
    await this.deps.follows.add({
      operationId: finished.id,
      verb: finished.verb,
      channel: finished.channelId,
      messageTs,
      since: finished.startedAt,
      readAfter: finished.finishedAt,
      deadline: new Date(Date.parse(finished.finishedAt) + this.deps.followMs).toISOString(),
      services,
    });
  }

  /** After each refresh: moves every followed rollout on, updating its message when what it shows changed. */
  async onRefreshed(record: RefreshRecord): Promise<void> {
    const open = await this.deps.follows.open();
    if (open.length === 0) return;
    const byArn = new Map(this.deps.services().map((service) => [service.arn, service]));
    for (const follow of open) {
      try {
        await this.advance(follow, record, byArn);
      } catch (error) {
        this.deps.logger.warn('could not follow a rollout', { operation: follow.operationId, error: errorMessage(error) });
      }
    }
  }

  private async advance(follow: RolloutFollow, record: RefreshRecord, byArn: ReadonlyMap<string, ServiceSnapshot>): Promise<void> {
    const { follows, clock } = this.deps;
    // A refresh that began before the operation ended may have read AWS before its change.
    const fresh = record.startedAt >= follow.readAfter;
    const unread = (service: FollowedService) => record.failedLocations.some((l) => l.account === service.account && l.region === service.region);
    const since = new Date(follow.since);
    const seenAt = new Date(record.startedAt);
    const services = await Promise.all(
      follow.services.map(async (service): Promise<FollowedService> => {
        if (service.line || !fresh || unread(service)) return service;
        const snapshot = byArn.get(service.arn);
        return { ...service, line: snapshot ? await this.ended(follow, snapshot, since, seenAt) : { service: service.name, state: 'gone' } };
      }),
    );
    const timedOut = clock.now().getTime() >= Date.parse(follow.deadline);
    const minutes = Math.round((Date.parse(follow.deadline) - Date.parse(follow.readAfter)) / 60_000);
    const lines = services.map((service): RolloutLine => {
      if (service.line) return service.line;
      const snapshot = byArn.get(service.arn);
      const judged = snapshot ? judgeRollout(follow.verb, snapshot, since, seenAt) : null;
      const counts = judged?.state === 'rolling' ? { running: judged.running, desired: judged.desired } : { running: snapshot?.running ?? 0, desired: snapshot?.desired ?? 0 };
      return timedOut ? { service: service.name, state: 'timed-out', minutes, ...counts } : { service: service.name, state: 'rolling', ...counts };
    });
    const ended = lines.every(isFinal);
    const shown = JSON.stringify(lines.map((line) => (line.state === 'failed' ? { ...line, diagnosis: null } : line)));
    let showed = shown === follow.shown;
    if (!showed) {
      try {
        await this.show(follow, { lines, until: follow.deadline, ended });
        showed = true;
      } catch (error) {
        // Tried again at the next refresh; an ended follow is not kept for a message that cannot be updated.
        this.deps.logger.warn('could not update a followed rollout', { operation: follow.operationId, error: errorMessage(error) });
      }
    }
    if (ended) await follows.end(follow.operationId);
    else await follows.update(follow.operationId, showed ? { services, shown } : { services });
  }

  /** The line of a service whose rollout ended, or null while it rolls. */
  private async ended(follow: RolloutFollow, snapshot: ServiceSnapshot, since: Date, seenAt: Date): Promise<RolloutLine | null> {
    const judged = judgeRollout(follow.verb, snapshot, since, seenAt);
    const seconds = Math.max(0, Math.round((judged.state === 'rolling' ? 0 : judged.at.getTime() - since.getTime()) / 1000));
    switch (judged.state) {
      case 'rolling':
        return null;
      case 'completed':
        return { service: snapshot.name, state: 'completed', seconds };
      case 'failed': {
        // The refresh that saw it fail sampled its stopped tasks just before: the same diagnosis as `/env why`.
        const diagnosis = diagnoseService(snapshot, await this.deps.stoppedTasks.forService(snapshot.arn), seenAt);
        return { service: snapshot.name, state: 'failed', seconds, reason: judged.reason, rollback: judged.rollback, diagnosis };
      }
    }
  }

  private async show(follow: RolloutFollow, rollouts: NonNullable<OperationView['rollouts']>): Promise<void> {
    const operation = await this.deps.operations.byId(follow.operationId);
    if (!operation) return;
    const steps = (await this.deps.operations.steps(operation.id)).map((s) => ({ service: s.service, status: s.status, detail: s.detail }));
    const view: OperationView = { ...operation, steps, rollouts };
    await this.deps.outbound.update({ channel: follow.channel, ts: follow.messageTs }, { kind: 'operation', operation: view });
  }
}
