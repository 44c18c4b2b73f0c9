import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blocksToText } from '../../dev/demo/render-text.js';
import { listReply } from '../../src/slack/blocks/list.js';

function demoEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SLACK_BOT_TOKEN: '',
    SLACK_APP_TOKEN: '',
    SLACK_SIGNING_SECRET: '',
    DOCKHAND_DEMO_DB: '',
    // Unset: the demo itself silences the SDK's Node 22 notice (README, Requirements), so stderr stays empty on Node 20.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined,
    ...extra,
  };
}

/** Runs `npm run demo`'s entry point with typed input, as a person at the terminal would. */
function runDemo(input: string, extra: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'dev/demo/main.ts'], {
      env: demoEnv(extra),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('npm run demo', () => {
  it('lists the seeded environments with their true states in the console, per demo user', async () => {
    const { code, stdout, stderr } = await runDemo('/env list\nas lee\n/env status prod\nas sam\n/env list\nquit\n');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/dockhand demo: sandbox at http:\/\/127\.0\.0\.1:\d+, \d+ services read in \d+ AWS calls\./);
    expect(stdout).toContain('🟢 `staging-3` running · 7/7 tasks');
    expect(stdout).toContain('🔴 `staging-2` degraded');
    expect(stdout).toContain('⚫ `qa-2` stopped · 0/0 tasks');
    expect(stdout).toContain('now acting as lee');
    expect(stdout).toContain('== prod ==');
    expect(stdout).toContain('⛔ You have no access to dockhand yet');
  }, 60_000);

  it('seeds a cost history and reads CloudTrail at start, takes @name as Slack would, asks Deny for a reason, and leaves nothing behind', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'demo-test-'));
    try {
      const realDb = join(tmp, 'real-bot.db');
      const input = [
        '/env cost',
        '/env who all',
        'as admin',
        '/env grant @sam viewer dev-* 2h',
        'as lee',
        '/env restart prod',
        'as admin',
        'deny 1',
        'not during the release',
        'users',
        'quit',
        '',
      ].join('\n');
      // TMPDIR: where the run's directory goes, so the test can see it is removed; DOCKHAND_DB: the real bot's, untouched.
      const { code, stdout, stderr } = await runDemo(input, { TMPDIR: tmp, DOCKHAND_DB: realDb });
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toMatch(/Cost history: this fleet as it is now, backdated 14 days \(\d+ services\)\. CloudTrail read\./);
      expect(stdout).toMatch(/\*Total\* est\. \*\$\d+\.\d\d\*/);
      expect(stdout).not.toContain('<$0.01');
      expect(stdout).not.toContain('dockhand sampled the fleet for');
      expect(stdout).toMatch(/`staging-1` · est\. \*\$\d+\.\d\d\* · .* vs previous/);
      expect(stdout).toContain('No changes to the environments you can see in the last 24h.');
      expect(stdout).not.toContain('CloudTrail has not been read yet');
      expect(stdout).not.toContain('is not a Slack user');
      expect(stdout).toMatch(/@sam .*viewer.*dev-\*/);
      expect(stdout).toContain('reason for denying #1, shown to the requester (Enter for none)> ');
      expect(stdout).toContain('🚫 Denied by @admin: not during the release');
      expect(stdout).toContain('[DM to @lee] Your request `/env restart prod` was denied by @admin: not during the release');
      expect(stdout).toContain('type @name in a command');
      expect(existsSync(realDb)).toBe(false);
      // tsx keeps its own cache there; the demo's directory (database, charts) is gone.
      expect(readdirSync(tmp).filter((name) => name.startsWith('dockhand-demo-'))).toEqual([]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 90_000);

  it('prints its help for --help and one line for an unknown option, without starting', () => {
    const help = spawnSync(process.execPath, ['--import', 'tsx', 'dev/demo/main.ts', '--help'], { encoding: 'utf8', env: demoEnv() });
    expect(help.stdout).toMatch(/^npm run demo \[-- --keep\]\n/);
    expect(help.stdout).toContain('DOCKHAND_DEMO_DB');
    expect(help.status).toBe(0);
    const wrong = spawnSync(process.execPath, ['--import', 'tsx', 'dev/demo/main.ts', '--kep'], { encoding: 'utf8', env: demoEnv() });
    expect(wrong.stderr).toBe("Unknown option '--kep' (--help for usage)\n");
    expect(wrong.status).toBe(2);
  }, 30_000);
});

describe('console rendering', () => {
  it('renders Block Kit as text with emoji and entities decoded', () => {
    const reply = listReply({ environments: [], filter: 'a&b', orphanServices: 0, lastRefresh: undefined, now: new Date(), schedules: new Map() });
    expect(blocksToText(reply.blocks)).toBe(
      'No environments you can see matching `a&b`.\n  The fleet has not been read from AWS yet; try again in a minute or run `/env refresh`.',
    );
    expect(blocksToText([{ type: 'section', text: { type: 'mrkdwn', text: ':warning: a &lt;b&gt; :unknown_emoji:' } }, { type: 'divider' }])).toBe(
      `⚠️ a <b> :unknown_emoji:\n${'─'.repeat(40)}`,
    );
  });
});
