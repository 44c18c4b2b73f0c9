import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { blocksToText } from '../../dev/demo/render-text.js';
import { listReply } from '../../src/slack/blocks/list.js';

/** Runs `npm run demo`'s entry point with typed input, as a person at the terminal would. */
function runDemo(input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'dev/demo/main.ts'], {
      env: {
        ...process.env,
        SLACK_BOT_TOKEN: '',
        SLACK_APP_TOKEN: '',
        SLACK_SIGNING_SECRET: '',
        DOCKHAND_DB: '',
        // The SDK warns once that releases after January 2027 need Node 22; stderr must otherwise stay empty.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
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
