import { describe, expect, it } from 'vitest';
import { parseEnvCommand } from '../../src/slack/commands/registry.js';
import { closestNames } from '../../src/domain/suggest.js';

describe('/env grammar', () => {
  it.each([
    ['', { verb: 'help' }],
    ['help', { verb: 'help' }],
    ['list', { verb: 'list', filter: null }],
    ['  LIST   staging-*  ', { verb: 'list', filter: 'staging-*' }],
    ['status staging-3', { verb: 'status', environment: 'staging-3' }],
    ['refresh', { verb: 'refresh' }],
  ])('parses %j', (text, command) => {
    expect(parseEnvCommand(text)).toEqual({ ok: true, command });
  });

  it('explains what was wrong and shows the usage', () => {
    expect(parseEnvCommand('status')).toMatchObject({ ok: false, problem: '`status` needs the environment’s name', usage: { usage: '/env status <env>' } });
    expect(parseEnvCommand('status a b')).toMatchObject({ ok: false, problem: expect.stringContaining('extra words: b') });
    expect(parseEnvCommand('status <script>')).toMatchObject({ ok: false, usage: { verb: 'status' } });
    expect(parseEnvCommand('list a b')).toMatchObject({ ok: false, usage: { verb: 'list' } });
  });

  it('answers an unknown verb without usage, so the caller shows help', () => {
    expect(parseEnvCommand('deploy prod')).toEqual({ ok: false, problem: '`deploy` is not a dockhand command', usage: null });
  });
});

describe('closest names', () => {
  const names = ['staging-1', 'staging-2', 'staging-3', 'prod', 'prod-eu', 'dev-1', 'qa-2'];

  it('suggests near misses and prefixes, not noise', () => {
    expect(closestNames('stagin-3', names)[0]).toBe('staging-3');
    expect(closestNames('prd', names)).toContain('prod');
    expect(closestNames('staging', names)).toEqual(['staging-1', 'staging-2', 'staging-3']);
    expect(closestNames('zzzzzzzz', names)).toEqual([]);
  });
});

describe('/env grammar for operations, schedules and visibility', () => {
  it.each([
    ['restart staging-3', { verb: 'restart', environment: 'staging-3', service: null }],
    ['scale staging-3 api 3', { verb: 'scale', environment: 'staging-3', service: 'api', count: 3 }],
    ['grant <@U0SAM|sam> viewer qa-* 8h', { verb: 'grant', userId: 'U0SAM', role: 'viewer', glob: 'qa-*', durationMs: 8 * 3_600_000 }],
    ['revoke <@U0SAM>', { verb: 'revoke', userId: 'U0SAM', role: null, glob: null }],
    ['schedule qa-2 mon-thu 08:00-18:00, fri 08:00-15:00 Europe/Berlin', { verb: 'schedule', environment: 'qa-2', spec: 'mon-thu 08:00-18:00, fri 08:00-15:00 Europe/Berlin' }],
    ['extend qa-2 until 9:30', { verb: 'extend', environment: 'qa-2', durationMs: null, until: '09:30' }],
    ['extend qa-2 1h30m', { verb: 'extend', environment: 'qa-2', durationMs: 90 * 60_000, until: null }],
    ['cost 30d staging-3', { verb: 'cost', environment: 'staging-3', period: '30d' }],
    ['cost', { verb: 'cost', environment: null, period: '7d' }],
    ['who all 7d', { verb: 'who', environment: null, window: '7d' }],
    ['digest preview', { verb: 'digest', action: 'preview' }],
  ])('parses %j', (text, command) => {
    expect(parseEnvCommand(text)).toEqual({ ok: true, command });
  });

  it.each([
    ['scale staging-3 api -1', '`-1` is not a task count: use a whole number from 0 to 1000'],
    ['scale staging-3 api 5000', '5000 tasks is more than dockhand will set at once (1000)'],
    ['extend qa-2 until 25:00', '`25:00` is not a time of day: use HH:MM, e.g. 22:00'],
    ['extend qa-2 9d', 'that is longer than 7d; set a schedule instead'],
    ['who qa-2 1y', '`1y` is not a window: use 24h or 7d'],
    ['digest send', '`send` is not a digest action: use preview'],
    ['cost a b c', '`cost` got extra words: c'],
  ])('explains what is wrong with %j', (text, problem) => {
    expect(parseEnvCommand(text)).toMatchObject({ ok: false, problem });
  });
});
