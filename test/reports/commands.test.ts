import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessPolicyOf } from '../../src/config/policy.js';
import { ManualClock } from '../../src/domain/clock.js';
import { AuditIngestJob } from '../../src/jobs/audit-ingest.js';
import { CostIngestJob } from '../../src/jobs/cost-ingest.js';
import { silentLogger } from '../../src/log.js';
import { identities } from '../../dev/sandbox/index.js';
import type { Reply } from '../../src/slack/blocks/common.js';
import { IDLE_SNOOZE_ACTION, IDLE_STOP_ACTION } from '../../src/slack/blocks/idle.js';
import type { CommandContext, CommandOutcome } from '../../src/slack/commands/context.js';
import { costCommand } from '../../src/slack/commands/cost.js';
import { digestCommand } from '../../src/slack/commands/digest.js';
import { idleCommand, idleSnoozer } from '../../src/slack/commands/idle.js';
import { runCommand } from '../../src/slack/commands/env.js';
import { whoCommand } from '../../src/slack/commands/who.js';
import { AuditStore } from '../../src/store/audit-store.js';
import { HOUR, startFixture, type Fixture } from './fixture.js';

let fx: Fixture;

beforeAll(async () => {
  fx = await startFixture({ clock: new ManualClock('2026-03-20T06:00:00Z'), refreshIntervalMs: HOUR });
  for (let hour = 0; hour < 6; hour++) {
    await fx.refreshAndSample();
    fx.clock.advance(HOUR);
  }
  fx.sandbox.externalUpdate({ cluster: 'nonprod', service: 'qa-1-web', desiredCount: 0 });
  fx.sandbox.externalUpdate({ cluster: 'prod', service: 'api', desiredCount: 5, identity: identities.iamUser('oncall') });
  await fx.refreshAndSample();
  const deps = { accounts: fx.policy.accounts, clock: fx.clock, logger: silentLogger };
  await new AuditIngestJob({
    ...deps,
    clients: fx.aws,
    store: fx.stores.trail,
    history: fx.stores.history,
    audit: new AuditStore(fx.db),
    services: () => fx.inventory.services(),
    rules: fx.rules,
    policy: fx.visibility.cloudtrail,
    maxSampleGapMs: fx.sampler.maxSampleGapMs,
  }).runOnce();
  await new CostIngestJob({ ...deps, clients: fx.aws, store: fx.stores.actuals, policy: fx.visibility.cost.actuals, tagKey: 'environment' }).runOnce();
});

afterAll(() => fx.close());

/** The command context as the pipeline builds it; these commands read only the fields below. */
function ctx(userId: string, channelId = 'C0DEV'): CommandContext {
  const access = accessPolicyOf(fx.policy);
  return {
    fleet: fx.fleet,
    access: () => access,
    clock: fx.clock,
    subject: { userId, groupIds: [] },
    channelId,
    costs: fx.costs,
    reports: fx.reports,
    trail: fx.stores.trail,
    snoozeDays: 7,
    digests: [],
  } as unknown as CommandContext;
}

function text(outcome: CommandOutcome): string {
  return JSON.stringify((outcome.reply as Reply).blocks);
}

describe('/env cost', () => {
  it('shows estimate and billed per environment the asker can see, with the trend and notes', async () => {
    const outcome = await runCommand(costCommand, { environment: null, period: '7d' }, ctx('U0MARIA'));
    const blocks = text(outcome);
    expect(outcome.outcome).toBe('ok');
    expect(blocks).toMatch(/`staging-3` · est\. \*\$\d+\.\d\d\* · billed \$\d+\.\d\d\* · n\/a vs previous/);
    expect(blocks).not.toContain('`prod`');
    expect(blocks).not.toContain('Outside any environment');
    expect(blocks).toMatch(/dockhand sampled the fleet for 6 of the 156 hours in this period/);
    expect(text(await runCommand(costCommand, { environment: null, period: 'mtd' }, ctx('U0ADMIN')))).toContain('Outside any environment');
  });

  it('breaks one environment down by service, and refuses one the asker cannot view', async () => {
    const blocks = text(await runCommand(costCommand, { environment: 'staging-3', period: '30d' }, ctx('U0MARIA')));
    expect(blocks).toContain('By service');
    expect(blocks).toMatch(/payments-gateway · est\. \$\d+\.\d\d · 6 task-hours/);
    expect((await runCommand(costCommand, { environment: 'prod', period: '7d' }, ctx('U0MARIA'))).outcome).toBe('denied');
  });
});

describe('/env idle', () => {
  it('ranks idle environments with Stop and Snooze buttons carrying the name, and snoozing hides one', async () => {
    expect(text(await runCommand(idleCommand, {}, ctx('U0MARIA')))).toContain('No idle or orphaned environments among those you can see');
    const outcome = await runCommand(idleCommand, {}, ctx('U0ADMIN'));
    const reply = outcome.reply as Reply;
    const actions = reply.blocks.filter((b) => b.type === 'actions') as unknown as { elements: { action_id: string; value: string }[] }[];
    const environments = actions.map((a) => a.elements[0]!.value);
    expect(environments).toEqual(['perf-1', 'uat-1', 'preview-pr-117']);
    expect(actions[0]!.elements.map((e) => e.action_id)).toEqual([IDLE_STOP_ACTION, IDLE_SNOOZE_ACTION]);
    expect(text(outcome)).toMatch(/`preview-pr-117` · \*\$\d+\.\d\d\/month\* · _no owner_/);
    // Services without an environment tag, for someone who can view everything.
    expect(text(outcome)).toContain('`legacy-reporting` in nonprod');

    const snooze = idleSnoozer({ store: fx.stores.visibility, snoozeDays: 7 });
    expect((await snooze('preview-pr-117', 'U0MARIA', fx.clock.now())).until.toISOString()).toBe('2026-03-27T12:00:00.000Z');
    expect(text(await runCommand(idleCommand, {}, ctx('U0ADMIN')))).not.toContain('preview-pr-117');
  });
});

describe('/env who', () => {
  it('lists one environment’s changes with who, via what and flags', async () => {
    const blocks = text(await runCommand(whoCommand, { environment: 'qa-1', window: '24h' }, ctx('U0MARIA')));
    expect(blocks).toContain('ops-console (via console) set qa-1/qa-1-web desired 1 → 0');
    expect(blocks).toContain('scaled to zero outside dockhand');
  });

  it('for all, counts only environments the asker can see', async () => {
    const maria = text(await runCommand(whoCommand, { environment: null, window: '7d' }, ctx('U0MARIA')));
    expect(maria).toContain('`qa-1` · 1 change');
    expect(maria).not.toContain('oncall');
    expect(text(await runCommand(whoCommand, { environment: null, window: '7d' }, ctx('U0ADMIN')))).toContain('oncall');
  });
});

describe('/env digest preview', () => {
  it('shows the digest to the asker, within 50 blocks', async () => {
    const reply = (await runCommand(digestCommand, { action: 'preview' }, ctx('U0MARIA'))).reply as Reply;
    expect(reply.blocks.length).toBeLessThanOrEqual(50);
    const blocks = JSON.stringify(reply.blocks);
    expect(blocks).toContain('*Fleet*');
    expect(blocks).toContain('Who changed what');
    expect(blocks).not.toContain('`prod`');
  });
});
