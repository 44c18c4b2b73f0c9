import { and, asc, desc, eq, inArray, isNull, lt, ne, or } from 'drizzle-orm';
import type { ParkRecord } from '../domain/operations.js';
import { first, isUniqueViolation, type Database } from './database.js';
import type { Db } from './db.js';
import type { operations, operationSteps } from './schema.js';

export type OperationRow = typeof operations.$inferSelect;
export type StepRow = typeof operationSteps.$inferSelect;
export type NewStep = Pick<StepRow, 'serviceArn' | 'account' | 'region' | 'cluster' | 'service'>;
export type OperationVerb = OperationRow['verb'];

/** Not finished: approved and waiting to start, or under way. */
const UNFINISHED: OperationRow['status'][] = ['approved', 'running'];

/** Which replica runs an operation, and until when (epoch ms) unless it renews the claim. */
export interface RunnerClaim {
  runner: string;
  expiresAt: number;
}

export interface BeginOptions {
  claim?: RunnerClaim;
  /** Called inside the journal's transaction first: a leader's action checks its lease there (throws FencedOut). */
  fence?: (tx: Db) => Promise<void>;
}

export type BeginResult = { ok: true; operation: OperationRow; steps: StepRow[] } | { ok: false; running: OperationRow };

/** The operations journal and the park records it relies on. */
export class OperationsStore {
  constructor(private readonly database: Database) {}

  private get t() {
    return this.database.tables;
  }

  /**
   * Journals an operation and its steps before anything runs. The unique index on unfinished operations per
   * environment is the lock: a second request gets the one already under way instead. An approval journals
   * its operation as `approved` in the same transaction as the decision; it turns `running` when it starts.
   */
  async begin(
    input: Pick<OperationRow, 'environment' | 'verb' | 'params' | 'requestedBy' | 'approvedBy' | 'channelId' | 'startedAt'>,
    steps: readonly NewStep[],
    status: 'approved' | 'running' = 'running',
    options: BeginOptions = {},
  ): Promise<BeginResult> {
    const { operations, operationSteps } = this.t;
    const claim = options.claim ? { runner: options.claim.runner, runnerExpiresAt: options.claim.expiresAt } : {};
    try {
      return await this.database.transaction(async (tx) => {
        await options.fence?.(tx);
        const [operation] = await tx.insert(operations).values({ ...input, status, ...claim }).returning();
        const rows: StepRow[] = [];
        for (const step of steps) rows.push(...(await tx.insert(operationSteps).values({ ...step, operationId: operation!.id, status: 'pending' }).returning()));
        return { ok: true as const, operation: operation!, steps: rows };
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const running = await this.running(input.environment);
      if (!running) throw error;
      return { ok: false, running };
    }
  }

  running(environment: string): Promise<OperationRow | undefined> {
    const { operations } = this.t;
    return this.database.run((db) => first(db.select().from(operations).where(and(eq(operations.environment, environment), inArray(operations.status, UNFINISHED))).limit(1)));
  }

  /** Operations a previous process left approved or running: it died before finishing them. */
  unfinished(): Promise<OperationRow[]> {
    const { operations } = this.t;
    return this.database.run((db) => db.select().from(operations).where(inArray(operations.status, UNFINISHED)));
  }

  /**
   * Takes over an unfinished operation whose runner's claim ran out (its replica died) or that has none
   * (journaled by an older dockhand), in one UPDATE, so of several replicas exactly one gets it. `any`: take
   * it from any other runner, expired or not (a sole instance on SQLite: whoever ran it before was this
   * database's only process, and it is gone). Returns the operation when this runner has it now.
   */
  async claimOrphan(operationId: number, claim: RunnerClaim, nowMs: number, any = false): Promise<OperationRow | undefined> {
    const { operations } = this.t;
    const orphaned = or(isNull(operations.runner), isNull(operations.runnerExpiresAt), lt(operations.runnerExpiresAt, nowMs), any ? ne(operations.runner, claim.runner) : undefined);
    const rows = await this.database.run((db) =>
      db
        .update(operations)
        .set({ runner: claim.runner, runnerExpiresAt: claim.expiresAt })
        .where(and(eq(operations.id, operationId), inArray(operations.status, UNFINISHED), orphaned))
        .returning(),
    );
    return rows[0];
  }

  /** Extends this runner's claims on the operations it is running (its heartbeat). */
  async renewClaims(operationIds: readonly number[], claim: RunnerClaim): Promise<void> {
    if (operationIds.length === 0) return;
    const { operations } = this.t;
    await this.database.run((db) =>
      db
        .update(operations)
        .set({ runnerExpiresAt: claim.expiresAt })
        .where(and(inArray(operations.id, [...operationIds]), eq(operations.runner, claim.runner), inArray(operations.status, UNFINISHED))),
    );
  }

  /** An approved operation starts; from here on its steps say how far it got. */
  async markRunning(operationId: number): Promise<void> {
    const { operations } = this.t;
    await this.database.run((db) => db.update(operations).set({ status: 'running' }).where(and(eq(operations.id, operationId), eq(operations.status, 'approved'))));
  }

  byId(operationId: number): Promise<OperationRow | undefined> {
    const { operations } = this.t;
    return this.database.run((db) => first(db.select().from(operations).where(eq(operations.id, operationId)).limit(1)));
  }

  steps(operationId: number): Promise<StepRow[]> {
    const { operationSteps } = this.t;
    return this.database.run((db) => db.select().from(operationSteps).where(eq(operationSteps.operationId, operationId)).orderBy(asc(operationSteps.id)));
  }

  async setMessage(operationId: number, messageTs: string): Promise<void> {
    const { operations } = this.t;
    await this.database.run((db) => db.update(operations).set({ messageTs }).where(eq(operations.id, operationId)));
  }

  async updateStep(stepId: number, change: Partial<Pick<StepRow, 'status' | 'detail' | 'startedAt' | 'finishedAt'>>): Promise<void> {
    const { operationSteps } = this.t;
    await this.database.run((db) => db.update(operationSteps).set(change).where(eq(operationSteps.id, stepId)));
  }

  async finish(operationId: number, status: Exclude<OperationRow['status'], 'approved' | 'running'>, finishedAt: string, summary: string): Promise<void> {
    const { operations } = this.t;
    await this.database.run((db) => db.update(operations).set({ status, finishedAt, summary, runner: null, runnerExpiresAt: null }).where(eq(operations.id, operationId)));
  }

  async parkRecords(serviceArns: readonly string[]): Promise<Map<string, ParkRecord>> {
    if (serviceArns.length === 0) return new Map();
    const { parkedServices } = this.t;
    const rows = await this.database.run((db) => db.select().from(parkedServices).where(inArray(parkedServices.serviceArn, [...serviceArns])));
    return new Map(rows.map((row) => [row.serviceArn, row]));
  }

  /** When dockhand parked this service, if it has it parked now. */
  async parkedSince(location: { account: string; region: string; cluster: string; service: string }): Promise<string | undefined> {
    const { parkedServices } = this.t;
    const row = await this.database.run((db) =>
      first(
        db
          .select({ parkedAt: parkedServices.parkedAt })
          .from(parkedServices)
          .where(
            and(
              eq(parkedServices.account, location.account),
              eq(parkedServices.region, location.region),
              eq(parkedServices.cluster, location.cluster),
              eq(parkedServices.service, location.service),
            ),
          )
          .limit(1),
      ),
    );
    return row?.parkedAt;
  }

  /** When and by whom dockhand last parked a service of the environment, if it holds any of them parked. */
  lastParked(environment: string): Promise<{ parkedAt: string; parkedBy: string } | undefined> {
    const { parkedServices } = this.t;
    return this.database.run((db) =>
      first(
        db
          .select({ parkedAt: parkedServices.parkedAt, parkedBy: parkedServices.parkedBy })
          .from(parkedServices)
          .where(eq(parkedServices.environment, environment))
          .orderBy(desc(parkedServices.parkedAt))
          .limit(1),
      ),
    );
  }

  async parkedEnvironments(): Promise<Set<string>> {
    const { parkedServices } = this.t;
    const rows = await this.database.run((db) => db.selectDistinct({ environment: parkedServices.environment }).from(parkedServices));
    return new Set(rows.map((r) => r.environment));
  }

  /** Saved in one transaction before the first service is touched. */
  async saveParkRecords(environment: string, records: readonly ParkRecord[], parkedAt: string, parkedBy: string): Promise<void> {
    const { parkedServices } = this.t;
    await this.database.transaction(async (tx) => {
      for (const record of records) {
        const row = { ...record, environment, parkedAt, parkedBy };
        await tx.insert(parkedServices).values(row).onConflictDoUpdate({ target: parkedServices.serviceArn, set: row });
      }
    });
  }

  async deleteParkRecord(serviceArn: string): Promise<void> {
    const { parkedServices } = this.t;
    await this.database.run((db) => db.delete(parkedServices).where(eq(parkedServices.serviceArn, serviceArn)));
  }
}
