import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadEnv, loadPolicy, loadPolicyOf, parsePolicy } from '../../src/config/load.js';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const minimal = `accounts:\n  - id: "111111111111"\n    name: main\n    regions: [us-east-1]\n`;

describe('policy file', () => {
  it('accepts the shipped example and the demo policy, filling defaults', () => {
    const example = parsePolicy(readFileSync('dockhand.example.yml', 'utf8'));
    expect(example.discovery.tag_key).toBe('environment');
    expect(example.bindings[1]?.environments).toContain('staging-*');
    const demo = loadPolicy('dev/demo/dockhand.demo.yml');
    expect(demo.accounts[0]?.id).toBe('111111111111');
    expect(parsePolicy(minimal).inventory.refresh_seconds).toBe(60);
  });

  it('names the key, the value and what is expected', () => {
    const problems = problemsOf(() =>
      parsePolicy(`${minimal}roles:\n  dev: [view, deploy]\nbindings:\n  - subjects: [maria]\n    role: ghost\n    environments: ["*"]\n`),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^roles\.dev\[1\]: got "deploy"; unknown verb "deploy"; expected one of view, .*/),
        expect.stringMatching(/^bindings\[0\]\.subjects\[0\]: got "maria"; a subject is "user:<Slack user id>"/),
      ]),
    );
    // Cross-references are checked once every value has the right shape.
    expect(problemsOf(() => parsePolicy(`${minimal}roles:\n  dev: [view]\nbindings:\n  - subjects: [user:U1]\n    role: ghost\n    environments: ["*"]\n`))).toEqual([
      'bindings[0].role: got "ghost"; role "ghost" is not defined under roles (defined: dev)',
    ]);
  });

  it('rejects unknown keys, bad account ids and YAML syntax errors with a location', () => {
    expect(problemsOf(() => parsePolicy(`${minimal}acounts: []\n`))).toEqual([expect.stringContaining('unknown key(s) "acounts"')]);
    expect(problemsOf(() => parsePolicy(`accounts:\n  - id: "42"\n    name: x\n    regions: [us-east-1]\n`))).toEqual([
      'accounts[0].id: got "42"; an AWS account id is 12 digits',
    ]);
    expect(problemsOf(() => parsePolicy('accounts: [\n'))[0]).toMatch(/^YAML syntax error at line \d+, column \d+/);
  });

  it('says how to fix a missing file', () => {
    expect(problemsOf(() => loadPolicy('/nonexistent/dockhand.yml'))[0]).toContain('copy dockhand.example.yml');
  });
});

describe('environment variables', () => {
  it('requires a bot token and a signing secret unless Socket Mode is used', () => {
    expect(problemsOf(() => loadEnv({}))).toEqual([
      expect.stringMatching(/^SLACK_BOT_TOKEN: got missing; is required/),
      expect.stringMatching(/^SLACK_SIGNING_SECRET: got missing; is required in HTTP mode/),
    ]);
    const socket = loadEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' });
    expect(socket.DOCKHAND_DB).toBe('./data/dockhand.db');
    expect(socket.PORT).toBe(3000);
  });

  it('never echoes a secret back', () => {
    const problems = problemsOf(() => loadEnv({ SLACK_BOT_TOKEN: 'xoxp-super-secret-value', SLACK_SIGNING_SECRET: 's' }));
    expect(problems).toEqual(['SLACK_BOT_TOKEN: got (hidden); a bot token starts with xoxb-']);
    expect(problems.join()).not.toContain('super-secret');
  });

  it('takes a Postgres DATABASE_URL, and rejects anything else without echoing its password', () => {
    const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };
    expect(loadEnv({ ...base, DATABASE_URL: 'postgres://dockhand:pw@db:5432/dockhand' }).DATABASE_URL).toBe('postgres://dockhand:pw@db:5432/dockhand');
    expect(loadEnv({ ...base, DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
    const problems = problemsOf(() => loadEnv({ ...base, DATABASE_URL: 'mysql://dockhand:hunter2@db/dockhand' }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^DATABASE_URL: got \(hidden\); /);
    expect(problems.join()).not.toContain('hunter2');
  });

  it('rejects a port that is not a number', () => {
    expect(problemsOf(() => loadEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', PORT: 'eighty' }))[0]).toMatch(/^PORT: got "eighty"; /);
  });
});

describe('the policy from DOCKHAND_POLICY', () => {
  it('is used instead of the DOCKHAND_CONFIG file, and its mistakes are reported as DOCKHAND_POLICY', () => {
    const policy = loadPolicyOf({ DOCKHAND_CONFIG: '/nonexistent/dockhand.yml', DOCKHAND_POLICY: minimal });
    expect(policy.accounts[0]?.name).toBe('main');
    expect(() => loadPolicyOf({ DOCKHAND_CONFIG: 'dockhand.example.yml', DOCKHAND_POLICY: 'accounts: 7\n' })).toThrow(/^DOCKHAND_POLICY is not valid:\n {2}- accounts: got 7;/);
    // Unset, the file is read.
    expect(loadPolicyOf({ DOCKHAND_CONFIG: 'dockhand.example.yml' }).discovery.tag_key).toBe('environment');
  });
});
