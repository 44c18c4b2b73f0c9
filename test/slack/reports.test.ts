import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/load.js';
import { ManualClock } from '../../src/domain/clock.js';
import { userAgents } from '../../dev/sandbox/index.js';
import { DIGEST_POLICY, startHarness, TEST_POLICY, type Harness } from '../support/harness.js';
import { askPrivately, blocksText, clickButton } from '../support/slack-requests.js';
import { COST_CHART_HEIGHT, COST_CHART_WIDTH } from '../../src/charts/cost-chart.js';
import { decodePng } from '../support/png.js';

const POLICY = `${TEST_POLICY}${DIGEST_POLICY}`;

let h: Harness;
const clock = new ManualClock(Date.now());

beforeAll(async () => {
  h = await startHarness({ clock, policy: parsePolicy(POLICY) });
  // An hour of inventory samples a minute apart (the policy's refresh interval), a Terraform change, and the
  // trail ingested from the sandbox's CloudTrail.
  for (let minute = 0; minute < 60; minute++) {
    clock.advance(60_000);
    await h.dockhand.refresher.refresh('test');
  }
  h.sandbox.externalUpdate({ cluster: 'staging-3', service: 'web', desiredCount: 0, userAgent: userAgents.terraform });
  await h.dockhand.refresher.refresh('test');
  await h.dockhand.auditIngest.runOnce();
});
afterAll(() => h.close());

describe('report commands through the real receiver', () => {
  it('/env who shows the change with who and via what, flagged', async () => {
    const answer = await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'who staging-3 24h');
    expect(answer.body.text).toBe('1 changes to staging-3 in the last 24h');
    expect(blocksText(answer)).toMatch(/:warning: ops-console \(via Terraform 1\.10\.3\) set staging-3\/web desired 1 → 0 — _scaled to zero outside dockhand_/);
  });

  it('/env cost answers with labelled estimates for an environment, per service', async () => {
    const answer = await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'cost staging-3 7d');
    // staging-3 runs 7 tasks of about $0.02 an hour each; an hour was sampled.
    expect(answer.body.text).toMatch(/^Cost of staging-3, last 7 days: est\. \$0\.1\d, billed/);
    expect(blocksText(answer)).toMatch(/api · est\. \$0\.0\d · 2 task-hours/);
  });

  it('/env cost refuses a period it does not know as a period, with the ones it does, not as an environment', async () => {
    const answer = await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'cost staging-3 90d');
    expect(answer.body.text).toMatch(/^`90d` is not a period: use 7d, 30d or mtd/);
    expect(String((await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'cost YTD')).body.text)).toMatch(/^`YTD` is not a period: use 7d, 30d or mtd/);
  });

  it('/env cost shares a PNG chart of cost per day in the channel it was asked in, and says so', async () => {
    const before = h.slack.uploads().length;
    const answer = await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'cost 7d', 'C0COSTS');
    expect(blocksText(answer)).toContain('The chart of cost per day is shared in this channel');
    const uploads = h.slack.uploads().slice(before);
    expect(uploads).toHaveLength(1);
    const [upload] = uploads;
    expect(upload).toMatchObject({ channelId: 'C0COSTS', threadTs: undefined, filename: 'cost-per-day.png', title: 'Cost per day by environment · last 7 days' });
    expect(upload!.initialComment).toContain('<@U0MARIA>');
    const png = decodePng(upload!.bytes);
    expect(png.signature).toBe(true);
    expect([png.width, png.height]).toEqual([COST_CHART_WIDTH, COST_CHART_HEIGHT]);
    // Maria sees dev-*, qa-* and staging-*: prod is not in her picture.
    expect(upload!.altText).not.toContain('prod');
  });

  it('/env cost answers with the figures and the reason when the chart cannot be shared', async () => {
    h.slack.respond('files.completeUploadExternal', { ok: false, error: 'not_in_channel' }, { times: 1 });
    const answer = await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'cost staging-3', 'C0ELSEWHERE');
    expect(answer.body.text).toMatch(/^Cost of staging-3, last 7 days: est\./);
    expect(blocksText(answer)).toContain('could not be shared here: dockhand is not in this channel');
  });

  it('/env idle ranks what burns money, with Stop and Snooze buttons; Snooze takes the stop permission', async () => {
    const answer = await askPrivately(h.eventsUrl, h.slack, 'U0ADMIN', 'idle');
    expect(blocksText(answer)).toContain('idle_stop');
    expect(blocksText(answer)).toContain('idle_snooze');
    const { responseId } = await clickButton(h.eventsUrl, h.slack, 'U0MARIA', 'idle_snooze', 'preview-pr-117');
    const refused = await h.slack.waitFor((c) => c.method === 'response_url' && c.responseId === responseId);
    // Maria cannot view it: the refusal is the one for a name that does not exist.
    expect(String(refused.body.text)).toMatch(/^No environment called preview-pr-117\./);
    const ok = await clickButton(h.eventsUrl, h.slack, 'U0ADMIN', 'idle_snooze', 'preview-pr-117');
    const snoozed = await h.slack.waitFor((c) => c.method === 'response_url' && c.responseId === ok.responseId);
    expect(String(snoozed.body.text)).toContain('preview-pr-117');
    const again = await askPrivately(h.eventsUrl, h.slack, 'U0ADMIN', 'idle');
    expect(blocksText(again)).not.toContain('`preview-pr-117`');
  });

  it('/env digest preview shows the digest to the asker only', async () => {
    // Live alerts go to the digests' channels too (no alerts route here): the preview adds nothing to them.
    const posted = () => h.slack.callsTo('chat.postMessage').filter((c) => c.body.channel === 'C0DIGEST');
    const before = posted().length;
    const answer = await askPrivately(h.eventsUrl, h.slack, 'U0ADMIN', 'digest preview');
    expect(answer.body.response_type).toBe('ephemeral');
    expect(blocksText(answer)).toMatch(/\*Fleet\* · 13 environments/);
    expect(blocksText(answer)).toContain('Who changed what');
    expect(posted()).toHaveLength(before);
  });
});

describe('the daily digest', () => {
  it('reaches Slack through the real Bolt client once per channel and day, within 50 blocks, even when run twice', async () => {
    h.slack.reset();
    await Promise.all([h.dockhand.digests.runOnce(), h.dockhand.digests.runOnce()]);
    await h.dockhand.digests.runOnce();
    const top = h.slack.callsTo('chat.postMessage').filter((c) => c.body.channel === 'C0DIGEST' && !c.body.thread_ts);
    expect(top).toHaveLength(1);
    for (const call of h.slack.callsTo('chat.postMessage')) expect((call.body.blocks as unknown[]).length).toBeLessThanOrEqual(50);
    expect(top[0]?.token).toBe('xoxb-test');
  });
});
