import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { SIGNING_SECRET, startHarness, type Harness } from '../support/harness.js';
import { blockActionsPayload, interactionBody, postSigned, slashCommandBody } from '../support/signed-request.js';
import { askPrivately, blocksText, operationOutcome, sendCommand } from '../support/slack-requests.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => {
  h.slack.reset();
  h.sandbox.clearFaults();
});

const STAGING_3 = ['api', 'web', 'worker', 'scheduler', 'payments-gateway', 'ledger'];

function staging3() {
  return STAGING_3.map((name) => {
    const view = h.sandbox.service('111111111111', 'us-east-1', 'staging-3', name);
    if (!view) throw new Error(`sandbox has no staging-3/${name}`);
    return { name, desired: view.desiredCount, bounds: view.scalableTarget ? `${view.scalableTarget.min}-${view.scalableTarget.max}` : null };
  });
}

/** The final state of the operation message: the last chat.update of the message dockhand posted. */
function finalMessage(channel = 'C0DEV') {
  return operationOutcome(h.slack, channel);
}

describe('stop and start', () => {
  it('parks every service, scalable targets included, and restores exactly what was recorded', async () => {
    const before = staging3();
    expect(before.find((s) => s.name === 'api')).toEqual({ name: 'api', desired: 2, bounds: '1-4' });

    const stop = await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'stop staging-3');
    expect(stop.ack.status).toBe(200);
    const stopped = await finalMessage();
    expect(String(stopped.posted.body.text)).toMatch(/is stopping `staging-3`/);
    expect(String(stopped.final.body.text)).toMatch(/^`staging-3` stopped for <@U0MARIA>: 6\/6 services in \d+\.\d s$/);
    expect(blocksText(stopped.final)).toContain('parked (was 2 tasks, autoscaling 1–4)');
    expect(staging3()).toEqual(STAGING_3.map((name) => ({ name, desired: 0, bounds: name === 'api' ? '0-0' : null })));

    h.slack.reset();
    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'start staging-3');
    const started = await finalMessage();
    expect(String(started.final.body.text)).toMatch(/^`staging-3` started for <@U0MARIA>: 6\/6 services/);
    expect(blocksText(started.final)).toContain('2 tasks, autoscaling 1–4 (as recorded)');
    expect(staging3()).toEqual(before);
  });

  it('says so when start finds nothing recorded, and uses the configured fallback', async () => {
    // qa-2 was scaled to zero outside dockhand: there is no park record for it.
    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'start qa-2');
    const { final } = await finalMessage();
    expect(blocksText(final)).toContain('1 task (nothing was recorded, so the fallback of 1)');
    expect(h.sandbox.service('111111111111', 'us-east-1', 'nonprod', 'qa-2-api')?.desiredCount).toBe(1);
  });

  it('lists the new desired counts at once, even while a refresh that read AWS earlier is writing', async () => {
    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'stop dev-2');
    await finalMessage();
    const list = await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'list dev-2');
    expect(blocksText(list)).toMatch(/`dev-2` (transitioning|stopped) · \d+\/0 tasks/);
    h.slack.reset();
    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'start dev-2');
    await finalMessage();
  });
});

describe('refusals and bad input change nothing', () => {
  it('answers a bad scale with usage help and changes nothing', async () => {
    h.sandbox.resetCounts();
    const trailBefore = (await h.dockhand.audit.recent(1))[0]?.id ?? 0;
    const answer = await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'scale staging-3 api lots');
    expect(answer.body.text).toBe('`lots` is not a task count: use a whole number from 0 to 1000. Usage: /env scale &lt;env&gt; &lt;service&gt; &lt;count&gt;');
    expect(h.sandbox.countCalls({ operation: 'UpdateService' }) + h.sandbox.countCalls({ operation: 'RegisterScalableTarget' })).toBe(0);
    const trail = (await h.dockhand.audit.recent(10)).filter((row) => row.id > trailBefore);
    expect(trail.map((row) => `${row.verb} ${row.outcome}`)).toContain('scale invalid');
    expect(trail.filter((row) => row.verb.startsWith('aws:') || row.verb === 'scale').map((row) => row.verb)).toEqual(['scale']);
  });

  it('refuses a count outside the autoscaling bounds, explaining why', async () => {
    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'scale staging-3 api 9');
    const { final } = await finalMessage();
    expect(blocksText(final)).toContain("api's autoscaling keeps it between 1 and 4 tasks, so 9 would be undone");
    expect(h.sandbox.countCalls({ operation: 'UpdateService' })).toBe(0);
    expect(h.sandbox.service('111111111111', 'us-east-1', 'staging-3', 'api')?.desiredCount).toBe(2);
  });

  it('names the missing permission and who holds it to someone who can see the environment, and nothing to others', async () => {
    const hidden = await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'stop perf-1');
    expect(hidden.body.text).toMatch(/^No environment called perf-1\./);
    expect(hidden.body.text).not.toMatch(/<@|<!subteam|`perf-1`/);
    await askPrivately(h.eventsUrl, h.slack, 'U0ADMIN', 'grant <@U0VIEWER> viewer perf-1 1h');
    const answer = await askPrivately(h.eventsUrl, h.slack, 'U0VIEWER', 'stop perf-1');
    expect(answer.body.text).toBe('You don’t have `stop` on `perf-1`. It is held by <!subteam^S0PLATFORM>, <@U0DEV>, <@U0ADMIN>. Ask <@U0ADMIN> for access.');
  });

  it('names an unknown service and lists the real ones', async () => {
    const answer = await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'restart staging-3 apii');
    expect(answer.body.text).toBe('`staging-3` has no service called `apii`. Did you mean `api`? Its services: api, ledger, payments-gateway, scheduler, web, worker.');
  });
});

describe('one operation per environment', () => {
  it('tells a second request who is doing what since when', async () => {
    const hold = h.sandbox.hold((r) => r.operation === 'UpdateService');
    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'restart staging-1');
    await hold.reached;
    const second = await askPrivately(h.eventsUrl, h.slack, 'U0DEV', 'stop staging-1');
    expect(second.body.text).toMatch(/^<@U0MARIA> has been restarting `staging-1` since <!date\^\d+\^\{time\}\|\d\d:\d\d UTC> \(\d+s ago, operation #\d+\)\. Try again when it has finished\.$/);
    hold.release();
    await finalMessage();
  });
});

describe('AWS failures', () => {
  it('reports a missing IAM permission and a vanished service per service, not as a crash', async () => {
    h.sandbox.failOn((req) => {
      if (req.operation !== 'UpdateService') return undefined;
      const service = (req.params as { service: string }).service;
      if (service === 'dev-1-web') return Object.assign(new Error('User: arn:aws:iam::111111111111:user/dockhand is not authorized to perform: ecs:UpdateService'), { name: 'AccessDeniedException' });
      if (service === 'dev-1-worker') return Object.assign(new Error('Service not found.'), { name: 'ServiceNotFoundException' });
      return undefined;
    });
    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'restart dev-1');
    const { final } = await finalMessage();
    expect(String(final.body.text)).toMatch(/^restart of `dev-1` for <@U0MARIA> partly failed: 2\/4 services done/);
    expect(blocksText(final)).toContain("AWS denied ecs:UpdateService: dockhand's IAM role needs that permission");
    expect(blocksText(final)).toContain('it no longer exists in AWS (ServiceNotFoundException)');
    await vi.waitFor(async () => {
      const trail = (await h.dockhand.audit.recent(20, 'dev-1')).map((row) => `${row.verb} ${row.outcome}`);
      expect(trail).toContain('aws:ecs:UpdateService error');
      expect(trail).toContain('restart partial');
    });
  });
});

const stopsOf = async (environment: string) => (await h.dockhand.audit.recent(200, environment)).filter((r) => r.verb === 'stop' && r.actor === 'U0DEV').length;

describe('buttons are idempotent like commands', () => {
  it('runs a replayed Stop click once, and a second real click again', async () => {
    h.sandbox.resetCounts();
    const services = h.dockhand.fleet.environment('preview-pr-117')?.services.length ?? 0;
    expect(services).toBeGreaterThan(0);
    const body = interactionBody(
      blockActionsPayload({ action_id: 'idle_stop', value: 'preview-pr-117', user_id: 'U0DEV', channel_id: 'C0DEV', response_url: h.slack.responseUrl('stop-click') }),
    );
    const timestampSeconds = Math.floor(Date.now() / 1000);
    // The same signed request three times: twice at once (a double delivery), then once more (a replay).
    const delivered = await Promise.all([postSigned(h.eventsUrl, SIGNING_SECRET, body, { timestampSeconds }), postSigned(h.eventsUrl, SIGNING_SECRET, body, { timestampSeconds })]);
    expect(delivered.map((r) => r.status)).toEqual([200, 200]);
    await h.slack.waitFor((c) => c.method === 'chat.update' && c.body.channel === 'C0DEV' && String(c.body.text).startsWith('`preview-pr-117` stopped'), 10_000);
    expect((await postSigned(h.eventsUrl, SIGNING_SECRET, body, { timestampSeconds })).status).toBe(200);
    // A command sent after the replay has been answered: by then a replay that ran would have been recorded.
    await askPrivately(h.eventsUrl, h.slack, 'U0DEV', 'status preview-pr-117');
    expect(await stopsOf('preview-pr-117')).toBe(1);
    expect(h.sandbox.countCalls({ operation: 'UpdateService' })).toBe(services);
    expect((await h.dockhand.operations.running('preview-pr-117'))).toBeUndefined();

    // A new click (its own trigger id and time) is a new request.
    const again = interactionBody(blockActionsPayload({ action_id: 'idle_stop', value: 'preview-pr-117', user_id: 'U0DEV', channel_id: 'C0DEV', response_url: h.slack.responseUrl('stop-again') }));
    expect((await postSigned(h.eventsUrl, SIGNING_SECRET, again)).status).toBe(200);
    await vi.waitFor(async () => expect(await stopsOf('preview-pr-117')).toBe(2), { timeout: 10_000 });
    // It is parked by now: the new request is answered so, and changes nothing.
    const answered = await h.slack.waitFor((c) => c.method === 'response_url' && c.responseId === 'stop-again');
    expect(String(answered.body.text)).toMatch(/^`preview-pr-117` is already parked since/);
    expect(h.sandbox.countCalls({ operation: 'UpdateService' })).toBe(services);
  });

  it('refuses a correctly signed request dated more than five minutes ahead, like a stale one', async () => {
    h.sandbox.resetCounts();
    const auditBefore = (await h.dockhand.audit.recent(1000)).length;
    const now = Math.floor(Date.now() / 1000);
    const command = slashCommandBody({ text: 'stop dev-1', user_id: 'U0DEV', channel_id: 'C0DEV', response_url: h.slack.responseUrl('future') });
    expect((await postSigned(h.eventsUrl, SIGNING_SECRET, command, { timestampSeconds: now + 10 * 60 })).status).toBe(401);
    expect((await postSigned(h.eventsUrl, SIGNING_SECRET, command, { timestampSeconds: now + 6 * 60 })).status).toBe(401);
    const click = interactionBody(blockActionsPayload({ action_id: 'idle_stop', value: 'dev-1', user_id: 'U0DEV', channel_id: 'C0DEV', response_url: h.slack.responseUrl('future-click') }));
    expect((await postSigned(h.eventsUrl, SIGNING_SECRET, click, { timestampSeconds: now + 10 * 60 })).status).toBe(401);
    expect(h.slack.calls).toEqual([]);
    expect((await h.dockhand.audit.recent(1000)).length).toBe(auditBefore);
    expect(h.sandbox.countCalls({ operation: 'UpdateService' })).toBe(0);
    // A clock a little ahead is still fine.
    const status = slashCommandBody({ text: 'status dev-1', user_id: 'U0DEV', channel_id: 'C0DEV', response_url: h.slack.responseUrl('slightly-ahead') });
    expect((await postSigned(h.eventsUrl, SIGNING_SECRET, status, { timestampSeconds: now + 60 })).status).toBe(200);
    await h.slack.waitFor((c) => c.method === 'response_url' && c.responseId === 'slightly-ahead');
  });
});

describe('a stop or start that would change nothing', () => {
  const WRITES = ['UpdateService', 'TagResource', 'UntagResource', 'RegisterScalableTarget'];
  const writes = () => h.sandbox.requests.filter((r) => WRITES.includes(r.operation)).map((r) => `${r.operation} ${String((r.params as { service?: string; resourceArn?: string }).service ?? (r.params as { resourceArn?: string }).resourceArn ?? '')}`);
  const records = async () => [...(await h.dockhand.operations.parkRecords(h.dockhand.fleet.environment('staging-3')!.services.map((s) => s.arn))).values()];

  it('answers "already parked since … by …" for a parked environment, with no AWS write, no new record and an audit row', async () => {
    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'stop staging-3');
    await finalMessage();
    await h.dockhand.refresher.refresh('test');
    const parked = await records();
    expect(parked.find((r) => r.service === 'api')).toMatchObject({ desired: 2, minCapacity: 1, maxCapacity: 4 });
    h.slack.reset();
    h.sandbox.resetCounts();

    const again = await askPrivately(h.eventsUrl, h.slack, 'U0DEV', 'stop staging-3');
    expect(again.body.text).toMatch(/^`staging-3` is already parked since <!date\^\d+\^[^|]+\|[^>]+> by <@U0MARIA>; nothing was changed\. `\/env start staging-3` brings it back\.$/);
    expect(writes()).toEqual([]);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
    expect(await records()).toEqual(parked);
    expect((await h.dockhand.audit.recent(5)).find((r) => r.actor === 'U0DEV' && r.verb === 'stop')).toMatchObject({ outcome: 'ok', detail: 'no-op: already parked' });
  });

  it('parks only the services started since, leaving the others and their records alone', async () => {
    const before = await records();
    h.sandbox.externalUpdate({ cluster: 'staging-3', service: 'worker', desiredCount: 3 });
    await h.dockhand.refresher.refresh('test');
    h.slack.reset();
    h.sandbox.resetCounts();
    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'stop staging-3');
    const { final } = await finalMessage();
    expect(blocksText(final)).toContain('already parked; left as it was');
    expect(writes().filter((w) => w.startsWith('UpdateService'))).toEqual(['UpdateService worker']);
    // The worker's record is what it ran before this stop; every other record is the first stop's.
    expect((await records()).filter((r) => r.service !== 'worker')).toEqual(before.filter((r) => r.service !== 'worker'));
    expect((await records()).find((r) => r.service === 'worker')).toMatchObject({ desired: 3 });
  });

  it('answers "already running" for a running environment: no UpdateService, no fallback, no approval on a protected one', async () => {
    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'start staging-3');
    await finalMessage();
    await h.dockhand.refresher.refresh('test');
    h.slack.reset();
    h.sandbox.resetCounts();
    const running = await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'start staging-3');
    expect(running.body.text).toMatch(/^`staging-3` is already running \(\d+\/\d+ tasks\); nothing was changed\.$/);
    const prod = await askPrivately(h.eventsUrl, h.slack, 'U0DEV', 'start prod');
    expect(prod.body.text).toMatch(/^`prod` is already running \(\d+\/\d+ tasks\); nothing was changed\.$/);
    expect(writes()).toEqual([]);
    expect((await h.dockhand.approvals.pending()).filter((a) => a.environment === 'prod')).toEqual([]);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });
});
