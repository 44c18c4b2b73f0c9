import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadEnv, loadPolicy, loadPolicyOf, parsePolicy } from '../../src/config/load.js';
import { TEST_POLICY } from '../support/harness.js';

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
      expect.stringMatching(/^SLACK_BOT_TOKEN: is required: the bot token/),
      expect.stringMatching(/^SLACK_SIGNING_SECRET: is required in HTTP mode/),
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

describe('configuration mistakes a new user makes', () => {
  const socket = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' };

  it('an unquoted account id: quote it', () => {
    expect(problemsOf(() => parsePolicy('accounts:\n  - id: 123456789012\n    name: main\n    regions: [us-east-1]\n'))).toEqual([
      'accounts[0].id: got 123456789012; an account id must be quoted, e.g. id: "123456789012" (unquoted, an id with a leading zero would lose digits)',
    ]);
  });

  it('a cron expression with a field out of range: which field', () => {
    const digest = (cron: string) => `${minimal}digests:\n  - channel: C1\n    cron: "${cron}"\n`;
    expect(problemsOf(() => parsePolicy(digest('0 25 * * mon-fri')))).toEqual([
      'digests[0].cron: got "0 25 * * mon-fri"; not a valid cron expression: "25" is not a valid hour (0-23); e.g. "0 9 * * mon-fri"',
    ]);
    expect(problemsOf(() => parsePolicy(digest('0 9 * mon-fri')))).toEqual([
      'digests[0].cron: got "0 9 * mon-fri"; not a cron expression: it has 4 field(s); five are expected (minute hour day-of-month month day-of-week), e.g. "0 9 * * mon-fri"',
    ]);
  });

  it('an empty variable: is empty, once, and the secret still hidden', () => {
    expect(problemsOf(() => loadEnv({ SLACK_BOT_TOKEN: '', SLACK_APP_TOKEN: 'xapp-1' }))).toEqual([
      'SLACK_BOT_TOKEN: is empty; set it to the bot token (xoxb-…) from your Slack app’s OAuth page',
    ]);
    expect(problemsOf(() => loadEnv({ ...socket, DOCKHAND_POLICY: '' }))).toEqual([
      'DOCKHAND_POLICY: is empty; unset it (the DOCKHAND_CONFIG file is read) or give the policy’s YAML',
    ]);
    expect(problemsOf(() => loadEnv({ ...socket, DOCKHAND_CONFIG: '' }))).toEqual(['DOCKHAND_CONFIG: is empty; unset it (default dockhand.yml) or give a path']);
    // Empty used to mean port 0 (any free port) without a word.
    expect(problemsOf(() => loadEnv({ ...socket, PORT: '' }))).toEqual(['PORT: is empty; unset it (default 3000) or give a port number']);
  });

  it('a port that is not a number: says so without NaN', () => {
    expect(problemsOf(() => loadEnv({ ...socket, PORT: 'abc' }))).toEqual(['PORT: got "abc"; must be a number (a TCP port)']);
  });

  it('an empty policy file: accounts are required', () => {
    expect(problemsOf(() => parsePolicy(''))).toEqual(['accounts: is required: list at least one account (see dockhand.example.yml)']);
  });

  it('a misspelt key: did you mean', () => {
    expect(problemsOf(() => parsePolicy(`${minimal}inventory:\n  refresh_secs: 30\n`))).toEqual([
      'inventory: unknown key(s) "refresh_secs" (did you mean `refresh_seconds`?); check the spelling against dockhand.example.yml',
    ]);
    expect(problemsOf(() => parsePolicy(`${minimal}acounts: []\n`))).toEqual(['(top level): unknown key(s) "acounts" (did you mean `accounts`?); check the spelling against dockhand.example.yml']);
    expect(problemsOf(() => parsePolicy(`accounts:\n  - id: "111111111111"\n    name: main\n    region: [us-east-1]\n`))).toEqual(
      expect.arrayContaining(['accounts[0]: unknown key(s) "region" (did you mean `regions`?); check the spelling against dockhand.example.yml']),
    );
  });

  it('a YAML syntax error: the position once, no trailing colon', () => {
    expect(problemsOf(() => parsePolicy('accounts:\n  - id: "1"\n name: x\n'))).toEqual(['YAML syntax error at line 3, column 1: All mapping items must start at the same column']);
  });

  it('the placeholders of .env.example: refused, still hidden', () => {
    const problems = problemsOf(() => loadEnv({ SLACK_BOT_TOKEN: 'xoxb-replace-me', SLACK_APP_TOKEN: 'xapp-replace-me' }));
    expect(problems).toEqual([
      'SLACK_BOT_TOKEN: got (hidden); is still the placeholder from .env.example: paste the real value from your Slack app',
      'SLACK_APP_TOKEN: got (hidden); is still the placeholder from .env.example: paste the real value from your Slack app',
    ]);
    expect(readFileSync('.env.example', 'utf8')).toContain('SLACK_BOT_TOKEN=xoxb-replace-me');
  });
});

describe('approval: in the policy', () => {
  const policyWith = (approval: string) => TEST_POLICY.replace('protect:\n', `protect:\n  - environments: ["dev-*"]\n    approval: ${approval}\n`);
  const problemOf = (approval: string) => {
    try {
      parsePolicy(policyWith(approval));
      return '';
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  };

  it('takes the verbs dockhand asks approval for, and "*"', () => {
    expect(parsePolicy(policyWith('[restart, start, stop, scale, extend]')).protect[0]?.approval).toEqual(['restart', 'start', 'stop', 'scale', 'extend']);
    expect(parsePolicy(policyWith('["*"]')).protect[0]?.approval).toEqual(['*']);
  });

  it('refuses a verb that is never approved, naming it, the verbs allowed and where that verb is controlled', () => {
    expect(problemOf('[stop, logs]')).toContain(
      'protect[0].approval[1]: got "logs"; approval cannot apply to "logs": only verbs that change an environment or keep it up are approved (restart, start, stop, scale, extend, or "*" for all of them); who may logs is a role\'s verbs',
    );
    expect(problemOf('[schedule]')).toContain('approval cannot apply to "schedule"');
    expect(problemOf('[deploy]')).toContain('got "deploy"; unknown verb "deploy"; approval takes restart, start, stop, scale, extend, or "*" for all of them');
  });
});
