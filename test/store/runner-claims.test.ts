import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OperationsStore } from '../../src/store/operations-store.js';
import { storeDialects, type OpenedDatabase } from '../support/databases.js';

const T0 = Date.parse('2026-01-05T09:00:00.000Z');
const TTL = 30_000;

// Which replica runs an unfinished operation, and who may take it over: both dialects.
describe.each(await storeDialects())('runner claims in the operations journal on $dialect', ({ open }) => {
  let opened: OpenedDatabase;
  let journal: OperationsStore;
  beforeAll(async () => {
    opened = await open();
    journal = new OperationsStore(opened.database);
  });
  afterAll(() => opened?.close());

  const begin = async (environment: string, runner: string | null) => {
    const begun = await journal.begin(
      { environment, verb: 'stop', params: { service: null, count: null }, requestedBy: 'U0DEV', approvedBy: null, channelId: 'C0DEV', startedAt: new Date(T0).toISOString() },
      [{ serviceArn: `arn:${environment}:api`, account: '111111111111', region: 'us-east-1', cluster: environment, service: 'api' }],
      'running',
      runner ? { claim: { runner, expiresAt: T0 + TTL } } : {},
    );
    if (!begun.ok) throw new Error('busy');
    return begun.operation;
  };

  it('a live claim is not taken; a lapsed one is taken by exactly one of 10 racers; finishing clears it', async () => {
    const operation = await begin('qa-1', 'replica-a');
    expect(operation).toMatchObject({ runner: 'replica-a', runnerExpiresAt: T0 + TTL });
    expect(await journal.claimOrphan(operation.id, { runner: 'leader', expiresAt: T0 + 1 + TTL }, T0 + 1)).toBeUndefined();
    // A renews while it runs; past the old expiry it is still alive.
    await journal.renewClaims([operation.id], { runner: 'replica-a', expiresAt: T0 + 2 * TTL });
    expect(await journal.claimOrphan(operation.id, { runner: 'leader', expiresAt: T0 + TTL + 1 }, T0 + TTL + 1)).toBeUndefined();
    // A renews nothing it does not hold.
    await journal.renewClaims([operation.id], { runner: 'replica-x', expiresAt: T0 + 9 * TTL });
    expect((await journal.byId(operation.id))?.runnerExpiresAt).toBe(T0 + 2 * TTL);

    // A dies: past its claim, of ten replicas trying at once, exactly one takes it over.
    const at = T0 + 2 * TTL + 1;
    const taken = await Promise.all(Array.from({ length: 10 }, (_, i) => journal.claimOrphan(operation.id, { runner: `racer-${i}`, expiresAt: at + TTL }, at)));
    const winners = taken.filter((row) => row !== undefined);
    expect(winners).toHaveLength(1);
    expect((await journal.byId(operation.id))?.runner).toBe(winners[0]!.runner);

    await journal.finish(operation.id, 'succeeded', new Date(at).toISOString(), '1/1 services done');
    expect(await journal.byId(operation.id)).toMatchObject({ status: 'succeeded', runner: null, runnerExpiresAt: null });
    expect(await journal.claimOrphan(operation.id, { runner: 'leader', expiresAt: at + 10 * TTL }, at + 9 * TTL)).toBeUndefined();
  });

  it('an operation journaled without a claim (an older dockhand) is an orphan; a sole instance takes any other runner’s, never its own', async () => {
    const old = await begin('qa-2', null);
    expect(await journal.claimOrphan(old.id, { runner: 'leader', expiresAt: T0 + TTL }, T0)).toMatchObject({ id: old.id, runner: 'leader' });
    const live = await begin('qa-3', 'previous-process');
    expect(await journal.claimOrphan(live.id, { runner: 'sole', expiresAt: T0 + TTL }, T0)).toBeUndefined();
    expect(await journal.claimOrphan(live.id, { runner: 'sole', expiresAt: T0 + TTL }, T0, true)).toMatchObject({ runner: 'sole' });
    expect(await journal.claimOrphan(live.id, { runner: 'sole', expiresAt: T0 + TTL }, T0, true)).toBeUndefined();
  });
});
