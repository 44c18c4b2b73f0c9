import { writeFileSync } from 'node:fs';
import { App } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COST_CHART_HEIGHT, COST_CHART_WIDTH } from '../../src/charts/cost-chart.js';
import { reportPolicySchema } from '../../src/config/report-policy.js';
import { ManualClock } from '../../src/domain/clock.js';
import { digestAudience, DigestJob, DIGEST_CHART_TITLE } from '../../src/jobs/digest.js';
import { silentLogger } from '../../src/log.js';
import { SlackCharts, uploadClientOf } from '../../src/slack/charts.js';
import { SlackOutbound } from '../../src/slack/outbound.js';
import { NoticesStore } from '../../src/store/notices-store.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { colourCount, decodePng } from '../support/png.js';
import { HOUR, manualTiming, startFixture, type Fixture } from './fixture.js';

let fx: Fixture;
let slack: FakeSlack;
let app: App;

const DIGESTS = reportPolicySchema.parse({
  digests: [{ channel: 'C0PLATFORM', environments: ['*'], cron: '0 9 * * *', time_zone: 'Europe/Berlin' }],
}).digests;

beforeEach(async () => {
  fx = await startFixture({ clock: new ManualClock('2026-03-18T07:30:00Z'), reports: { pendingApprovals: () => [], activeOverrides: () => [] } });
  // A day and a bit of samples an hour apart: two days' bars.
  for (let hour = 0; hour < 30; hour++) {
    await fx.refreshAndSample();
    fx.clock.advance(HOUR);
  }
  slack = await startFakeSlack();
  app = new App({ token: 'xoxb-test', signingSecret: 'secret', clientOptions: { slackApiUrl: slack.apiUrl }, deferInitialization: true });
});

afterEach(async () => {
  await slack.close();
  await fx.close();
});

function digestJob(withCharts = true): DigestJob {
  const charts = withCharts ? { charts: new SlackCharts(uploadClientOf(app.client), { logger: silentLogger }) } : {};
  return new DigestJob({
    digests: DIGESTS,
    reports: fx.reports,
    store: new NoticesStore(fx.db),
    outbound: new SlackOutbound(app.client, { logger: silentLogger, timing: manualTiming(fx.clock), ...charts }),
    clock: fx.clock,
    logger: silentLogger,
    costPerDay: async (now, audience) => (await fx.costs.daily('7d', now, audience.sees)),
  });
}

describe('the digest with a chart of cost per day', () => {
  it('uploads one PNG into the digest thread through files.uploadV2, and it decodes at the chart size', async () => {
    const [outcome] = await digestJob().runOnce();
    expect(outcome).toMatchObject({ status: 'posted' });
    const ts = outcome!.status === 'posted' ? outcome!.ts : '';

    expect(slack.callsTo('files.getUploadURLExternal')).toHaveLength(1);
    expect(slack.callsTo('file_upload')).toHaveLength(1);
    expect(slack.callsTo('files.completeUploadExternal')).toHaveLength(1);
    const uploads = slack.uploads();
    expect(uploads).toHaveLength(1);
    const [upload] = uploads;
    expect(upload).toMatchObject({ channelId: 'C0PLATFORM', threadTs: ts, filename: 'cost-per-day.png', title: DIGEST_CHART_TITLE });
    expect(upload!.bytes.length).toBe(upload!.length);
    expect(upload!.altText).toMatch(/estimated cost per day by environment, 2026-03-13 to 2026-03-19/);

    if (process.env.DOCKHAND_SAVE_CHART) writeFileSync(process.env.DOCKHAND_SAVE_CHART, upload!.bytes);
    const png = decodePng(upload!.bytes);
    expect(png.signature).toBe(true);
    expect({ width: png.width, height: png.height }).toEqual({ width: COST_CHART_WIDTH, height: COST_CHART_HEIGHT });
    // Bars, text and a legend: far more than a blank or single-colour picture.
    expect(colourCount(png.pixels)).toBeGreaterThan(50);
    // The digest itself is one message (and its thread, if long); the chart failed nothing.
    expect(slack.callsTo('chat.postMessage').filter((c) => c.body.thread_ts === undefined)).toHaveLength(1);
  }, 60_000);

  it('still posts the digest when the upload fails, and says so in its thread', async () => {
    slack.respond('files.getUploadURLExternal', { ok: false, error: 'missing_scope' });
    const [outcome] = await digestJob().runOnce();
    expect(outcome).toMatchObject({ status: 'posted' });
    expect(slack.uploads()).toHaveLength(0);
    const said = slack.callsTo('chat.postMessage').find((c) => JSON.stringify(c.body.blocks).includes('could not be attached'));
    expect(said?.body.thread_ts).toBe(outcome!.status === 'posted' ? outcome!.ts : '');
    expect(JSON.stringify(said?.body.blocks)).toContain('files:write');
    // The same day is not posted again for the chart's sake.
    expect((await digestJob().runOnce())[0]).toMatchObject({ status: 'already-posted' });
  }, 60_000);

  it('charts exactly the environments the digest channel covers', async () => {
    const narrow = { ...DIGESTS[0]!, environments: ['staging-*'] };
    const data = await fx.costs.daily('7d', fx.clock.now(), digestAudience(narrow).sees);
    expect(data.environments.length).toBeGreaterThan(0);
    for (const name of data.environments) expect(name.startsWith('staging-') || name.startsWith('other (')).toBe(true);
    expect(data.days).toHaveLength(7);
    expect(data.partialDay).toBe('2026-03-19');
  });
});
