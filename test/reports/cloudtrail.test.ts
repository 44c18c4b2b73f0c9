import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { LOOKUP_PAGE_SIZE } from '../../src/aws/cloudtrail/lookup-events.js';
import { setDesiredCount } from '../../src/aws/ecs/actions.js';
import type { DecodedEvent } from '../../src/domain/trail/decode.js';
import { AuditIngestJob } from '../../src/jobs/audit-ingest.js';
import { silentLogger } from '../../src/log.js';
import { auditedAwsCall } from '../../src/operations/audited.js';
import { identities, SandboxError, userAgents, type RecordedRequest } from '../../dev/sandbox/index.js';
import { AuditStore } from '../../src/store/audit-store.js';
import { HOUR, SANDBOX_CREDENTIALS, startFixture, testPolicy, type Fixture } from './fixture.js';

let fx: Fixture;

afterEach(async () => {
  await fx.close();
});

function auditJob(f: Fixture): AuditIngestJob {
  return new AuditIngestJob({
    accounts: f.policy.accounts,
    clients: f.aws,
    store: f.stores.trail,
    history: f.stores.history,
    audit: new AuditStore(f.db),
    services: () => f.inventory.services(),
    rules: f.rules,
    policy: f.visibility.cloudtrail,
    maxSampleGapMs: f.sampler.maxSampleGapMs,
    clock: f.clock,
    logger: silentLogger,
  });
}

function lookups(f: Fixture): RecordedRequest[] {
  return f.sandbox.requests.filter((r) => r.operation === 'LookupEvents');
}

/** The property the limiter guarantees, on the sandbox's own record of when requests arrived. */
function maxRequestsInAnySecond(requests: readonly RecordedRequest[]): number {
  const byLocation = new Map<string, number[]>();
  for (const r of requests) byLocation.set(`${r.account}/${r.region}`, [...(byLocation.get(`${r.account}/${r.region}`) ?? []), r.at.getTime()]);
  let max = 0;
  for (const times of byLocation.values()) {
    times.sort((a, b) => a - b);
    for (let i = 0; i < times.length; i++) max = Math.max(max, times.filter((t) => t >= times[i]! && t < times[i]! + 1000).length);
  }
  return max;
}

function find(events: readonly DecodedEvent[], predicate: (e: DecodedEvent) => boolean): DecodedEvent {
  const event = events.find(predicate);
  if (!event) throw new Error(`no such event among ${events.map((e) => `${e.eventName} ${e.what.service}`).join(', ')}`);
  return event;
}

describe('CloudTrail ingest against the sandbox', () => {
  it('turns a day of activity into who, via what and what, with the right flags', async () => {
    const qa2Parked = new Set<string>();
    fx = await startFixture({ parkedDesired: async (arns) => new Map(arns.filter((a) => qa2Parked.has(a)).map((a) => [a, 1])) });
    const job = auditJob(fx);
    await fx.refreshAndSample();
    for (const service of fx.fleet.environment('qa-2')!.services) qa2Parked.add(service.arn);
    const hourly = async (work: () => Promise<void> | void) => {
      fx.clock.advance(HOUR);
      await work();
      await fx.refreshAndSample();
      await job.runOnce();
    };

    // 10:00 someone scales a QA service to zero in the console.
    await hourly(() => void fx.sandbox.externalUpdate({ cluster: 'nonprod', service: 'qa-1-web', desiredCount: 0 }));
    // 11:00 a developer scales staging-3's api with the CLI.
    await hourly(() => void fx.sandbox.externalUpdate({ cluster: 'staging-3', service: 'api', desiredCount: 3, identity: identities.iamUser('dmitri'), userAgent: userAgents.cli }));
    // 12:00 dockhand stops staging-3's worker for Maria, through its own audited client (in an account with a
    // role, her own session of it); someone else, in a session named like hers with dockhand's user agent,
    // scales staging-3's web to zero.
    await hourly(async () => {
      const account = { ...fx.policy.accounts[0]!, role_arn: 'arn:aws:iam::111111111111:role/dockhand' };
      const call = { actor: 'U0MARIA', environment: 'staging-3', action: 'ecs:UpdateService', params: {} };
      await auditedAwsCall(new AuditStore(fx.db), fx.clock, call, () => setDesiredCount(fx.aws.ecs(account, 'us-east-1', 'U0MARIA'), 'staging-3', 'worker', 0));

      const sts = new STSClient({ endpoint: fx.sandbox.url, region: 'us-east-1', credentials: SANDBOX_CREDENTIALS });
      const assumed = await sts.send(
        new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::111111111111:role/dockhand', RoleSessionName: 'dockhand-U0MARIA', SourceIdentity: 'dockhand-U0MARIA' }),
      );
      const credentials = { accessKeyId: assumed.Credentials!.AccessKeyId!, secretAccessKey: assumed.Credentials!.SecretAccessKey!, sessionToken: assumed.Credentials!.SessionToken! };
      const ecs = new ECSClient({ endpoint: fx.sandbox.url, region: 'us-east-1', credentials, customUserAgent: 'dockhand/0.1.0' });
      await ecs.send(new UpdateServiceCommand({ cluster: 'staging-3', service: 'web', desiredCount: 0 }));
      ecs.destroy();
      sts.destroy();
    });
    // 13:00 a Terraform run in CI puts the parked qa-2 api back to one task.
    await hourly(
      () =>
        void fx.sandbox.externalUpdate({
          cluster: 'nonprod',
          service: 'qa-2-api',
          desiredCount: 1,
          identity: identities.assumedRole('terraform-ci', 'GitHubActions'),
          userAgent: userAgents.terraform,
        }),
    );
    // 14:00 the root account deletes a service; 15:00 an intern is refused on prod.
    await hourly(() => void fx.sandbox.injectCloudTrailEvent({ eventName: 'DeleteService', identity: identities.root(), requestParameters: { cluster: 'nonprod', service: 'tmp-debug-shell' } }));
    await hourly(async () => {
      fx.sandbox.registerIdentity('AKIAINTERN', identities.iamUser('intern'));
      fx.sandbox.failOn(({ operation, identity }) =>
        operation === 'UpdateService' && identity.type === 'IAMUser' && identity.userName === 'intern'
          ? new SandboxError('AccessDeniedException', 'User: intern is not authorized to perform: ecs:UpdateService')
          : undefined,
      );
      const ecs = new ECSClient({ endpoint: fx.sandbox.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIAINTERN', secretAccessKey: 'x' }, maxAttempts: 1 });
      await expect(ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'api', desiredCount: 0 }))).rejects.toThrow(/not authorized/);
      ecs.destroy();
      fx.sandbox.clearFaults();
    });
    for (let hour = 0; hour < 18; hour++) await hourly(() => undefined);

    const events = await fx.stores.trail.events({ from: new Date(0), to: fx.clock.now(), environments: null, includeUnplaced: true });
    const byConsole = find(events, (e) => e.what.service === 'qa-1-web');
    expect(byConsole).toMatchObject({ who: { kind: 'iam-user', name: 'ops-console' }, via: { kind: 'console' }, what: { environment: 'qa-1', desiredBefore: 1, desiredAfter: 0 } });
    expect(byConsole.flags).toEqual(['scale-to-zero']);

    const byCli = find(events, (e) => e.what.service === 'api' && e.what.cluster === 'staging-3');
    expect(byCli).toMatchObject({ who: { name: 'dmitri' }, via: { kind: 'cli', label: 'AWS CLI 2.22.35' }, what: { environment: 'staging-3', desiredBefore: 2, desiredAfter: 3 } });

    const forMaria = find(events, (e) => e.what.service === 'worker' && e.what.cluster === 'staging-3');
    expect(forMaria).toMatchObject({
      who: { kind: 'slack-user-via-dockhand', slackUserId: 'U0MARIA', name: '<@U0MARIA>', roleName: 'dockhand' },
      via: { kind: 'dockhand' },
      what: { environment: 'staging-3', desiredBefore: 1, desiredAfter: 0 },
    });
    expect(forMaria.flags).toEqual([]);
    const impostor = find(events, (e) => e.what.service === 'web' && e.what.cluster === 'staging-3');
    expect(impostor.who).toMatchObject({ kind: 'role', name: 'dockhand (dockhand-U0MARIA)', slackUserId: null });
    expect(impostor.via.kind).not.toBe('dockhand');
    expect(impostor.flags).toEqual(['claims-dockhand', 'scale-to-zero']);

    const byTerraform = find(events, (e) => e.what.service === 'qa-2-api');
    expect(byTerraform).toMatchObject({ who: { kind: 'role', name: 'terraform-ci (GitHubActions)' }, via: { kind: 'terraform', label: 'Terraform 1.10.3 in GitHub Actions' } });
    expect(byTerraform.what).toMatchObject({ environment: 'qa-2', desiredBefore: 0, desiredAfter: 1 });
    expect(byTerraform.flags).toEqual(['terraform-reset-parked']);

    expect(find(events, (e) => e.eventName === 'DeleteService').flags).toEqual(['root-activity', 'deletion']);
    const refused = find(events, (e) => e.failed);
    expect(refused).toMatchObject({ who: { name: 'intern' }, errorCode: 'AccessDenied', what: { environment: 'prod' } });
    expect(refused.flags).toEqual(['permission-failure']);

    // Every hourly run stayed within its budget; the overlap re-read events but none is stored twice.
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    for (const cursor of (await fx.stores.trail.cursors())) expect(cursor.requests).toBeLessThanOrEqual(Math.ceil(cursor.events / LOOKUP_PAGE_SIZE) + 1);
    expect(maxRequestsInAnySecond(lookups(fx))).toBeLessThanOrEqual(2);
  });

  it('pages a busy hour at most 2 requests a second per account and region, within ceil(events/50)+1 requests', async () => {
    const accounts = `  - id: "111111111111"\n    name: sandbox\n    regions: [us-east-1, eu-west-1]`;
    fx = await startFixture({ policy: testPolicy(accounts), visibility: { cloudtrail: { first_lookback_hours: 2 } } });
    const job = auditJob(fx);
    for (let i = 0; i < 230; i++) {
      fx.clock.advance(10_000);
      fx.sandbox.injectCloudTrailEvent({ eventName: 'UpdateService', requestParameters: { cluster: 'nonprod', service: 'qa-1-api', desiredCount: i % 3 } });
      if (i % 2 === 0) fx.sandbox.injectCloudTrailEvent({ region: 'eu-west-1', eventName: 'UpdateService', requestParameters: { cluster: 'prod-eu', service: 'api', desiredCount: 2 } });
    }
    fx.sandbox.resetCounts();
    // Two runs asked for at once join one run rather than doubling the requests.
    const [run, joined] = await Promise.all([job.runOnce(), job.runOnce()]);
    expect(joined).toBe(run);

    const us = run.results.find((r) => r.location.region === 'us-east-1')!;
    const eu = run.results.find((r) => r.location.region === 'eu-west-1')!;
    expect([us.events, eu.events]).toEqual([230, 115]);
    expect(us.requests).toBeLessThanOrEqual(Math.ceil(230 / 50) + 1);
    expect(eu.requests).toBeLessThanOrEqual(Math.ceil(115 / 50) + 1);
    expect(lookups(fx)).toHaveLength(us.requests + eu.requests);
    expect(maxRequestsInAnySecond(lookups(fx))).toBe(2);

    // The next run re-reads only the overlap; an event delivered late inside it is picked up, once.
    fx.clock.advance(5 * 60_000);
    const late = fx.sandbox.injectCloudTrailEvent({ eventName: 'UpdateService', eventTime: new Date(fx.clock.now().getTime() - 7 * 60_000), requestParameters: { cluster: 'nonprod', service: 'qa-1-api', desiredCount: 5 } });
    const next = await job.runOnce();
    const nextUs = next.results.find((r) => r.location.region === 'us-east-1')!;
    expect(nextUs.added).toBe(1);
    expect(nextUs.requests).toBeLessThanOrEqual(Math.ceil(nextUs.events / 50) + 1);
    expect((await fx.stores.trail.events({ from: new Date(0), to: fx.clock.now(), environments: null, includeUnplaced: true })).filter((e) => e.eventId === late)).toHaveLength(1);
  });
});
