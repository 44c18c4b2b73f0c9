import { parsePolicy } from '../../src/config/load.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { environmentRulesOf } from '../../src/config/policy.js';
import { reportPolicySchema } from '../../src/config/report-policy.js';
import { ManualClock } from '../../src/domain/clock.js';
import { periodWindows } from '../../src/domain/cost/report.js';
import type { DigestModel } from '../../src/domain/digest.js';
import { groupEnvironments } from '../../src/domain/environments.js';
import { idleFindings, ownerKey, DEFAULT_IDLE_RULES } from '../../src/domain/idle.js';
import { RateLimiter } from '../../src/rate-limit.js';
import { digestMessages } from '../../src/slack/blocks/digest.js';
import { service } from '../domain/fixtures.js';
import { manualTiming, testPolicy } from './fixture.js';

const rules = environmentRulesOf(testPolicy());
const NOW = new Date('2026-03-20T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();
const td = { arn: 'td', family: 'f', cpu: 1024, memoryMiB: 2048, architecture: 'x86' as const };

describe('idle rules', () => {
  const environments = groupEnvironments(rules, [
    service({ environment: 'busy', running: 4, desired: 4, lastDeployAt: daysAgo(1), tags: { owner: 'maria@example.com' }, taskDefinition: td }),
    service({ environment: 'stale', running: 2, desired: 2, lastDeployAt: daysAgo(9), tags: { owner: '<@U0LEFT|sam>' }, taskDefinition: td }),
    service({ environment: 'night', running: 1, desired: 1, lastDeployAt: daysAgo(1), tags: { owner: '@Dmitri' }, taskDefinition: td }),
    service({ environment: 'forgotten', running: 0, desired: 0, lastDeployAt: daysAgo(40), tags: {}, taskDefinition: td }),
  ]);
  const base = {
    environments,
    now: NOW,
    rules: DEFAULT_IDLE_RULES,
    monthlyCost: (env: (typeof environments)[number]) => env.running * 36,
    isUp: (name: string) => (name === 'night' ? false : null),
    activeOwners: new Set(['maria@example.com', 'dmitri']),
  };

  it('applies each rule and ranks by monthly cost', () => {
    const findings = idleFindings(base);
    expect(findings.map((f) => [f.environment, f.reasons.map((r) => r.reason)])).toEqual([
      ['stale', ['no-recent-deploy', 'owner-gone']],
      ['night', ['outside-schedule']],
      ['forgotten', ['no-owner', 'untouched']],
    ]);
    expect(findings[0]!.reasons[0]!.detail).toBe('running with no schedule, last deployed 9 days ago');
  });

  it('turns rules off, counts CloudTrail changes as touches, and leaves snoozed environments out', () => {
    const findings = idleFindings({
      ...base,
      rules: { ...DEFAULT_IDLE_RULES, noDeployDays: 0, ownerGone: false },
      lastChangeAt: (name) => (name === 'forgotten' ? new Date(daysAgo(2)) : null),
      snoozedUntil: (name) => (name === 'night' ? new Date(daysAgo(-1)) : null),
    });
    expect(findings.map((f) => [f.environment, f.reasons.map((r) => r.reason)])).toEqual([['forgotten', ['no-owner']]]);
  });

  it('reads owner tags as mentions, handles and emails', () => {
    expect(['<@U012AB|maria>', 'U012AB', '@Maria', ' MARIA@Example.com '].map(ownerKey)).toEqual(['u012ab', 'u012ab', 'maria', 'maria@example.com']);
    expect(['<!subteam^S0ONCALL|@platform-oncall>', '@platform-oncall'].map(ownerKey)).toEqual(['s0oncall', 'platform-oncall']);
  });
});

describe('cost periods', () => {
  it('7d starts at a UTC midnight six days back; the previous period is the same length before it', () => {
    const w = periodWindows('7d', NOW);
    expect(w.current.from.toISOString()).toBe('2026-03-14T00:00:00.000Z');
    expect(w.previous.from.toISOString()).toBe('2026-03-07T00:00:00.000Z');
    expect(w.previous.to.toISOString()).toBe('2026-03-13T12:00:00.000Z');
  });

  it('month to date compares with as far into the previous month, never past its end', () => {
    const w = periodWindows('mtd', new Date('2026-03-31T12:00:00Z'));
    expect(w.current.from.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(w.previous.from.toISOString()).toBe('2026-02-01T00:00:00.000Z');
    expect(w.previous.to.toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });
});

describe('rate limiter', () => {
  it('never lets more than the limit arrive in any interval, however long requests take', async () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ limit: 2, intervalMs: 1000, timing: manualTiming(clock) });
    const arrivals: number[] = [];
    // Each request arrives 0–300 ms after it starts and finishes 50 ms later.
    const request = (i: number) => async () => {
      clock.advance((i * 137) % 300);
      arrivals.push(clock.now().getTime());
      clock.advance(50);
    };
    await Promise.all(Array.from({ length: 12 }, (_, i) => limiter.run(request(i))));
    arrivals.sort((a, b) => a - b);
    for (let i = 2; i < arrivals.length; i++) expect(arrivals[i]! - arrivals[i - 2]!).toBeGreaterThanOrEqual(1000);
  });
});

describe('visibility policy', () => {
  it('has defaults for everything and accepts the shipped example policy', () => {
    const defaults = reportPolicySchema.parse({});
    expect(defaults.cloudtrail).toMatchObject({ overlap_minutes: 10, event_sources: ['ecs.amazonaws.com'] });
    expect(defaults.anomalies.thresholds).toEqual({ production: { dollars: 5, percent: 50 }, 'non-production': { dollars: 5, percent: 50 } });
    const parsed = parsePolicy(readFileSync(new URL('../../dockhand.example.yml', import.meta.url), 'utf8'));
    expect(parsed.digests.map((d) => d.channel)).toEqual(['C0PLATFORM', 'C0CHECKOUT']);
    expect(parsed.cost.rates['eu-central-1']?.spot_discount).toBe(0.7);
  });

  it('names a bad cron and a bad time zone', () => {
    const result = reportPolicySchema.safeParse({ digests: [{ channel: 'C0X', cron: '0 25 * * *', time_zone: 'Mars/Olympus' }] });
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toEqual([expect.stringMatching(/^digests\.0\.cron: not a valid cron expression: "25" is not a valid hour \(0-23\)/), expect.stringMatching(/^digests\.0\.time_zone: not an IANA time zone/)]);
  });
});

describe('digest messages', () => {
  it('lists pending approvals and active overrides as the digest has always said them', () => {
    const model: DigestModel = {
      localDate: '2026-03-20',
      timeZone: 'UTC',
      environments: 3,
      sections: [
        { kind: 'approvals', pending: [{ id: 7, verb: 'scale', environment: 'prod', params: { service: 'api', count: 4 }, requestedBy: 'U0MARIA' }] },
        {
          kind: 'overrides',
          overrides: [
            { environment: 'qa-2', override: { kind: 'up', until: new Date('2026-03-20T19:00:00Z'), reason: 'extend' } },
            { environment: 'dev-1', override: { kind: 'down', until: new Date('2026-03-23T07:30:00Z'), reason: 'manual' } },
          ],
        },
      ],
    };
    const text = JSON.stringify(digestMessages(model).main.blocks);
    expect(text).toContain('*Pending approvals*');
    expect(text).toContain('#7 `/env scale prod api 4` by <@U0MARIA>');
    expect(text).toContain('`qa-2` extended up until <!date^1774033200^{date_short_pretty} {time}|2026-03-20 19:00 UTC>\\n`dev-1` overridden down until <!date^1774251000^{date_short_pretty} {time}|2026-03-23 07:30 UTC>');
  });

  it('keeps every message within 50 blocks, the main one pointing to its thread', () => {
    const pending = Array.from({ length: 900 }, (_, i) => ({ id: i, verb: 'restart', environment: `line ${i} ${'x'.repeat(300)}`, params: {}, requestedBy: 'U0MARIA' }));
    const model: DigestModel = { localDate: '2026-03-20', timeZone: 'UTC', environments: 3, sections: [{ kind: 'approvals', pending }] };
    const { main, thread } = digestMessages(model);
    expect(main.blocks).toHaveLength(50);
    expect(thread.length).toBeGreaterThan(0);
    for (const message of thread) expect(message.blocks.length).toBeLessThanOrEqual(50);
    const all = [...main.blocks.slice(0, 49), ...thread.flatMap((m) => m.blocks)];
    expect(JSON.stringify(all)).toContain('line 899');
  });
});
