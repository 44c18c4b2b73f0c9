import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedFleet } from '../../dev/sandbox/index.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { Environment } from '../../src/domain/environments.js';
import { whyReply } from '../../src/slack/blocks/why.js';
import { diagnoseService } from '../../src/domain/diagnosis.js';
import { startHarness, type Harness } from '../support/harness.js';
import { askPrivately, blocksText, clickButton, sendCommand } from '../support/slack-requests.js';

const clock = new ManualClock('2026-03-20T10:00:00Z');
let h: Harness;

async function why(userId: string, text: string): Promise<string> {
  return blocksText(await askPrivately(h.eventsUrl, h.slack, userId, text));
}

beforeAll(async () => {
  h = await startHarness({ clock, sandbox: { clock } });
});
afterAll(() => h.close());

describe('/env why', () => {
  it('samples stopped tasks only for services that are not healthy, and only describes new ones', async () => {
    h.sandbox.breakService({ cluster: 'nonprod', service: 'staging-1-api', failure: { kind: 'image-missing', imageTag: 'v2026-03-20', rollback: true } });
    h.sandbox.breakService({ cluster: 'nonprod', service: 'staging-1-notifications', failure: { kind: 'oom' } });
    clock.advance(60_000);
    h.sandbox.resetCounts();
    const first = await h.dockhand.refresher.refresh('test');
    // Three services are not healthy: staging-2's worker (seeded) and the two just broken; each costs one
    // ListTasks and, for tasks not yet known, one DescribeTasks (the worker's were read at the first refresh).
    expect(h.sandbox.countCalls({ operation: 'ListTasks' })).toBe(3);
    expect(h.sandbox.countCalls({ operation: 'DescribeTasks' })).toBe(2);
    expect(first.awsCalls).toBe(h.sandbox.countCalls({ service: 'ecs' }));

    h.sandbox.resetCounts();
    await h.dockhand.refresher.refresh('test');
    expect(h.sandbox.countCalls({ operation: 'ListTasks' })).toBe(3);
    expect(h.sandbox.countCalls({ operation: 'DescribeTasks' })).toBe(0);
  });

  it('says in plain words that an image tag does not exist, not to restart, and an OOM kill with its memory limit', async () => {
    const answer = await why('U0MARIA', 'why staging-1');
    expect(answer).toContain('image 111111111111.dkr.ecr.us-east-1.amazonaws.com/staging-1-api:v2026-03-20 not found');
    expect(answer).toContain('A restart will not fix it');
    expect(answer).toContain('a restart will not fix this');
    expect(answer).toContain('out of memory: container app was killed (exit code 137) at its memory limit of 512 MiB');
    expect(answer).toContain('exit 137 (OutOfMemoryError: Container killed due to memory usage)');
    expect(answer).toMatch(/Rollout\* FAILED after \d+ (s|m( \d+ s)?): ECS deployment circuit breaker: rolling back to deploymentId ecs-svc\/\d+\. · 1 circuit-breaker rollback/);

    const one = await why('U0MARIA', 'why staging-1 notifications');
    expect(one).toContain('out of memory');
    expect(one).not.toContain('staging-1-api');
  });

  it('still answers after ECS forgot the stopped tasks', async () => {
    h.sandbox.forgetStoppedTasks();
    clock.advance(2 * 3_600_000);
    h.sandbox.resetCounts();
    await h.dockhand.refresher.refresh('test');
    expect(h.sandbox.countCalls({ operation: 'DescribeTasks' })).toBe(0);
    const answer = await why('U0MARIA', 'why staging-1');
    expect(answer).toContain('staging-1-api:v2026-03-20 not found');
    expect(answer).toContain('memory limit of 512 MiB');
  });

  it('answers a healthy environment, refuses one the asker cannot view, and names an unknown service', async () => {
    expect(await why('U0MARIA', 'why staging-3')).toContain('every service of *staging-3* is healthy');
    expect(await why('U0MARIA', 'why prod')).toContain('No environment called `prod`.');
    expect((await h.dockhand.audit.recent(1))[0]).toMatchObject({ verb: 'why', environment: 'prod', outcome: 'denied' });
    expect(await why('U0MARIA', 'why staging-3 nope')).toContain('has no service called `nope`');
  });

  it('offers a Why? button on degraded environments in /env list and /env status, through the same permission check', async () => {
    expect(await why('U0ADMIN', 'list')).toContain('"action_id":"env_why","text":{"type":"plain_text","text":"Why? staging-1"}');
    const status = await why('U0MARIA', 'status staging-2');
    expect(status).toContain('"action_id":"env_why"');
    expect(await why('U0MARIA', 'status staging-3')).not.toContain('env_why');

    const { responseId } = await clickButton(h.eventsUrl, h.slack, 'U0MARIA', 'env_why', 'staging-2');
    const clicked = await h.slack.waitFor((c) => c.method === 'response_url' && c.responseId === responseId);
    expect(blocksText(clicked)).toContain('worker');
    const refused = await clickButton(h.eventsUrl, h.slack, 'U0MARIA', 'env_why', 'prod');
    const denied = await h.slack.waitFor((c) => c.method === 'response_url' && c.responseId === refused.responseId);
    expect(String(denied.body.text)).toMatch(/^No environment called prod\./);
  });

  it('escapes hostile names and reasons', async () => {
    const env = h.dockhand.fleet.environments().find((e) => e.name === 'staging-1') as Environment;
    const service = { ...env.services[0]!, name: '<!channel> `x`' };
    const hostile = { ...env, name: '<@U0EVIL>', services: [service] };
    const reply = whyReply({
      env: hostile,
      diagnoses: [diagnoseService({ ...service, running: 0 }, [{ taskArn: 'arn:t/1', serviceArn: service.arn, stoppedAt: '2026-03-20T10:00:00.000Z', stopCode: '<!here>', stoppedReason: '<https://evil|click>', memoryMiB: 1, containers: [] }], clock.now())],
      service: null,
      logLines: new Map([[service.name, { kind: 'lines' as const, lines: ['<!everyone> boom'], window: '1h' }]]),
      footer: 'Read from AWS 1m ago',
      now: clock.now(),
    });
    // The header is plain text, where Slack reads no mentions; everything in mrkdwn is escaped.
    const shown = JSON.stringify({ text: reply.text, blocks: reply.blocks.filter((b) => b.type !== 'header') });
    // The stop's time is dockhand's own date token; nothing else may open a control sequence.
    expect(shown).toMatch(/<!date\^\d+\^\{date_short_pretty\} \{time\}\|2026-03-20 10:00 UTC>/);
    expect(shown.replace(/<!date\^\d+\^[^|<>]*\|[^<>]*>/g, '')).not.toMatch(/<[!@h]/);
    expect(shown).toContain('&lt;!everyone&gt; boom');
  });
});

describe('one state for /env why and /env list', () => {
  it('calls an environment dockhand just scaled up transitioning in both, before the inventory is read again', async () => {
    // The follow-up refresh cannot read the fleet: what both answers see is the snapshot dockhand updated itself.
    h.sandbox.failOn(({ operation }) => (operation === 'ListClusters' ? Object.assign(new Error('throttled'), { name: 'ThrottlingException' }) : undefined));
    try {
      await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'scale staging-3 api 3');
      await h.slack.waitFor((c) => c.method === 'chat.update' && String(c.body.text).startsWith('`staging-3` scaled'));
      await h.dockhand.refresher.settled();
      const api = h.dockhand.fleet.environment('staging-3')?.services.find((s) => s.name === 'api');
      expect(api).toMatchObject({ desired: 3, running: 2 });
      const answer = await why('U0MARIA', 'why staging-3');
      const list = blocksText(await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'list staging-3'));
      expect(answer).toContain('Why is staging-3 transitioning?');
      expect(list).toContain('`staging-3` transitioning · ');
      expect(`${answer}${list}`).not.toContain('degraded');
    } finally {
      h.sandbox.clearFaults();
    }
  });
});

describe('a healthy fleet', () => {
  it('costs no extra call', async () => {
    const healthy = await startHarness({ sandbox: { fleet: generatedFleet({ environments: 4, servicesPerEnvironment: 3 }) } });
    try {
      healthy.sandbox.resetCounts();
      await healthy.dockhand.refresher.refresh('test');
      expect(healthy.sandbox.countCalls({ operation: 'ListTasks' }) + healthy.sandbox.countCalls({ operation: 'DescribeTasks' })).toBe(0);
    } finally {
      await healthy.close();
    }
  });
});
