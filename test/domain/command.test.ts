import { describe, expect, it } from 'vitest';
import { parseEnvCommand } from '../../src/domain/command.js';
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
