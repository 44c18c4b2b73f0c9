import { and, desc, eq, inArray } from 'drizzle-orm';
import type { ParkRecord } from '../domain/operations.js';
import type { Db } from './db.js';
import { operations, operationSteps, parkedServices } from './schema.js';

export type OperationRow = typeof operations.$inferSelect;
export type StepRow = typeof operationSteps.$inferSelect;
export type NewStep = Pick<StepRow, 'serviceArn' | 'account' | 'region' | 'cluster' | 'service'>;
export type OperationVerb = OperationRow['verb'];

/** Not finished: approved and waiting to start, or under way. */
const UNFINISHED: OperationRow['status'][] = ['approved', 'running'];

export type BeginResult = { ok: true; operation: OperationRow; steps: StepRow[] } | { ok: false; running: OperationRow };

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** The operations journal and the park records it relies on. */
export class OperationsStore {
  constructor(private readonly db: Db) {}

  /**
   * Journals an operation and its steps before anything runs. The unique index on unfinished operations per
   * environment is the lock: a second request gets the one already under way instead. An approval journals
   * its operation as `approved` in the same transaction as the decision; it turns `running` when it starts.
   */
  begin(
    input: Pick<OperationRow, 'environment' | 'verb' | 'params' | 'requestedBy' | 'approvedBy' | 'channelId' | 'startedAt'>,
    steps: readonly NewStep[],
    status: 'approved' | 'running' = 'running',
  ): BeginResult {
    try {
      return this.db.transaction((tx) => {
        const operation = tx.insert(operations).values({ ...input, status }).returning().get();
        const rows = steps.map((step) => tx.insert(operationSteps).values({ ...step, operationId: operation.id, status: 'pending' }).returning().get());
        return { ok: true as const, operation, steps: rows };
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const running = this.running(input.environment);
      if (!running) throw error;
      return { ok: false, running };
    }
  }

  running(environment: string): OperationRow | undefined {
    return this.db.select().from(operations).where(and(eq(operations.environment, environment), inArray(operations.status, UNFINISHED))).get();
  }

  /** Operations a previous process left approved or running: it died before finishing them. */
  unfinished(): OperationRow[] {
    return this.db.select().from(operations).where(inArray(operations.status, UNFINISHED)).all();
  }

  /** An approved operation starts; from here on its steps say how far it got. */
  markRunning(operationId: number): void {
    this.db.update(operations).set({ status: 'running' }).where(and(eq(operations.id, operationId), eq(operations.status, 'approved'))).run();
  }

  byId(operationId: number): OperationRow | undefined {
    return this.db.select().from(operations).where(eq(operations.id, operationId)).get();
  }

  steps(operationId: number): StepRow[] {
    return this.db.select().from(operationSteps).where(eq(operationSteps.operationId, operationId)).all();
  }

  setMessage(operationId: number, messageTs: string): void {
    this.db.update(operations).set({ messageTs }).where(eq(operations.id, operationId)).run();
  }

  updateStep(stepId: number, change: Partial<Pick<StepRow, 'status' | 'detail' | 'startedAt' | 'finishedAt'>>): void {
    this.db.update(operationSteps).set(change).where(eq(operationSteps.id, stepId)).run();
  }

  finish(operationId: number, status: Exclude<OperationRow['status'], 'approved' | 'running'>, finishedAt: string, summary: string): void {
    this.db.update(operations).set({ status, finishedAt, summary }).where(eq(operations.id, operationId)).run();
  }

  parkRecords(serviceArns: readonly string[]): Map<string, ParkRecord> {
    if (serviceArns.length === 0) return new Map();
    const rows = this.db.select().from(parkedServices).where(inArray(parkedServices.serviceArn, [...serviceArns])).all();
    return new Map(rows.map((row) => [row.serviceArn, row]));
  }

  /** When dockhand parked this service, if it has it parked now. */
  parkedSince(location: { account: string; region: string; cluster: string; service: string }): string | undefined {
    return this.db
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
      .get()?.parkedAt;
  }

  /** When and by whom dockhand last parked a service of the environment, if it holds any of them parked. */
  async lastParked(environment: string): Promise<{ parkedAt: string; parkedBy: string } | undefined> {
    const rows = await this.db
      .select({ parkedAt: parkedServices.parkedAt, parkedBy: parkedServices.parkedBy })
      .from(parkedServices)
      .where(eq(parkedServices.environment, environment))
      .orderBy(desc(parkedServices.parkedAt))
      .limit(1);
    return rows[0];
  }

  parkedEnvironments(): Set<string> {
    return new Set(this.db.selectDistinct({ environment: parkedServices.environment }).from(parkedServices).all().map((r) => r.environment));
  }

  /** Saved in one transaction before the first service is touched. */
  saveParkRecords(environment: string, records: readonly ParkRecord[], parkedAt: string, parkedBy: string): void {
    this.db.transaction((tx) => {
      for (const record of records) {
        const row = { ...record, environment, parkedAt, parkedBy };
        tx.insert(parkedServices).values(row).onConflictDoUpdate({ target: parkedServices.serviceArn, set: row }).run();
      }
    });
  }

  deleteParkRecord(serviceArn: string): void {
    this.db.delete(parkedServices).where(eq(parkedServices.serviceArn, serviceArn)).run();
  }
}
