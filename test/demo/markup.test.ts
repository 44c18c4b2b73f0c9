import { describe, expect, it } from 'vitest';
import { blocksToText } from '../../dev/demo/render-text.js';
import { tmpdir } from 'node:os';
import { consoleOutbound } from '../../dev/demo/console-outbound.js';
import { withMentions } from '../../dev/demo/mentions.js';
import { slackMarkupToText } from '../../dev/demo/slack-markup.js';
import { slackDayTime } from '../../src/slack/blocks/slack-date.js';

// 2026-12-01 18:03:00 UTC: 19:03 in Berlin, 13:03 in New York.
const AT = Date.UTC(2026, 11, 1, 18, 3) / 1000;
const NOW = new Date(Date.UTC(2026, 11, 1, 20, 0));
const render = (text: string, zone = 'Europe/Berlin') => slackMarkupToText(text, { zone, now: NOW });

describe('the demo console shows Slack markup as Slack would', () => {
  it('names people by their demo handle, with or without a label, and unknown ids as written', () => {
    expect(render('owner <@U0MARIA>, asked by <@U0LEE|lee>')).toBe('owner @maria, asked by @lee');
    expect(render('<@U0NOBODY>')).toBe('@U0NOBODY');
    expect(render('<@U0NOBODY|someone>')).toBe('@someone');
  });

  it('shows user groups by handle, from the label or the demo directory', () => {
    expect(render('ask <!subteam^S0PLATFORM|@leads>')).toBe('ask @leads');
    expect(render('ask <!subteam^S0PLATFORM>')).toBe('ask @platform');
    expect(render('<!subteam^S0UNKNOWN>')).toBe('@S0UNKNOWN');
  });

  it('shows channels by name', () => {
    expect(render('see <#C0APPROVALS>')).toBe('see #approvals');
    expect(render('see <#C0XYZ|platform-help>')).toBe('see #platform-help');
    expect(render('<#C0XYZ>')).toBe('#C0XYZ');
  });

  it('shows dates in the reader’s zone with Slack’s tokens, the fallback when a token is unknown', () => {
    expect(render(`<!date^${AT}^{date_short_pretty} {time}|2026-12-01 18:03Z>`)).toBe('today 19:03');
    expect(render(`<!date^${AT}^{date_short_pretty} {time}|2026-12-01 18:03Z>`, 'America/New_York')).toBe('today 13:03');
    expect(render(`<!date^${AT}^{date_num} {time_secs}|x>`, 'UTC')).toBe('2026-12-01 18:03:00');
    expect(render(`<!date^${AT}^{date}|x>`)).toBe('December 1st, 2026');
    expect(render(`<!date^${AT}^{date_short}|x>`)).toBe('Dec 1, 2026');
    expect(render(`<!date^${AT}^{date_long}|x>`)).toBe('Tuesday, December 1st, 2026');
    expect(render(`<!date^${AT - 86_400}^{date_pretty}|x>`)).toBe('yesterday');
    expect(render(`<!date^${AT + 2 * 86_400}^{date_long_pretty}|x>`)).toBe('Thursday, December 3rd, 2026');
    expect(render(`<!date^${AT}^{ago}|x>`)).toBe('1 hour ago');
    expect(render(`<!date^${AT}^{nonsense}|the fallback>`)).toBe('the fallback');
    expect(render(`<!date^${AT}^{time}^https://example.com|x>`)).toBe('19:03');
  });

  it('renders the dates dockhand writes (slack/blocks/slack-date.ts)', () => {
    const written = slackDayTime(new Date(AT * 1000));
    expect(written).toMatch(/^<!date\^/);
    expect(render(written)).toMatch(/^today 19:03$/);
  });

  it('shows links as text (url), bare links as the url, broadcasts as @here', () => {
    expect(render('<https://example.com/a?b=1&amp;c=2|the runbook>')).toBe('the runbook (https://example.com/a?b=1&c=2)');
    expect(render('<https://example.com>')).toBe('https://example.com');
    expect(render('<https://example.com|https://example.com>')).toBe('https://example.com');
    expect(render('<mailto:ops@example.com|ops>')).toBe('ops (mailto:ops@example.com)');
    expect(render('<!here> and <!channel>')).toBe('@here and @channel');
  });

  it('unescapes entities once, so escaped markup shows as text and is not read as a mention', () => {
    expect(render('a &lt;b&gt; &amp;lt; c')).toBe('a <b> &lt; c');
    expect(render('name &lt;@U0MARIA&gt;')).toBe('name <@U0MARIA>');
  });

  it('shows the emoji dockhand uses, and leaves other shortcodes and ARNs alone', () => {
    expect(render(':white_check_mark: done :x: failed :warning: :hourglass_flowing_sand: :bar_chart:')).toBe('✅ done ❌ failed ⚠️ ⏳ 📊');
    expect(render(':large_green_circle: :black_circle: :red_circle: :no_entry: :zzz: :calendar:')).toBe('🟢 ⚫ 🔴 ⛔ 💤 📅');
    expect(render(':unknown_emoji: arn:aws:ecs:us-east-1:111111111111:service/x')).toBe(':unknown_emoji: arn:aws:ecs:us-east-1:111111111111:service/x');
  });

  it('renders markup inside blocks, and plain_text headers with emoji only', () => {
    const text = blocksToText([
      { type: 'header', text: { type: 'plain_text', text: ':warning: <@U0MARIA> &amp;', emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: 'owner <@U0MARIA>' }, fields: [{ type: 'mrkdwn', text: 'in <#C0SCHEDULE>' }] },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'ask <!subteam^S0PLATFORM>' }] },
    ]);
    expect(text).toBe('== ⚠️ <@U0MARIA> &amp; ==\nowner @maria\n  in #schedule\n  ask @platform');
  });
});

describe('@name in typed commands', () => {
  it('becomes the mention Slack would send for demo users and the demo group; other names stay as typed', () => {
    expect(withMentions('grant @sam viewer dev-* 2h')).toBe('grant <@U0SAM> viewer dev-* 2h');
    expect(withMentions('grant @Maria developer staging-* 8h')).toBe('grant <@U0MARIA> developer staging-* 8h');
    expect(withMentions('grants @platform')).toBe('grants <!subteam^S0PLATFORM>');
    expect(withMentions('grant @bob viewer dev-* 2h')).toBe('grant @bob viewer dev-* 2h');
    expect(withMentions('logs qa-1 web a@sam.example')).toBe('logs qa-1 web a@sam.example');
  });
});

describe('the console outbound', () => {
  it('draws an in-progress update with its mentions rendered, as the first post is', async () => {
    const lines: string[] = [];
    const outbound = consoleOutbound((text) => lines.push(text), tmpdir());
    const operation = { id: 1, verb: 'stop' as const, environment: 'staging-3', requestedBy: 'U0ADMIN', approvedBy: null, startedAt: new Date(0).toISOString(), finishedAt: null, steps: [{ service: 'web', status: 'running' as const, detail: null }] };
    const ref = await outbound.post('CDEMO', { kind: 'operation', operation: { ...operation, status: 'running' } });
    if (!ref) throw new Error('the console outbound always posts');
    await outbound.update(ref, { kind: 'operation', operation: { ...operation, status: 'running', steps: [{ service: 'web', status: 'done', detail: null }] } });
    expect(lines.at(-1)).toMatch(/^\[#CDEMO, updated\] @admin is stopping `staging-3`/);
    expect(lines.join('\n')).not.toContain('<@U0ADMIN>');
  });
});
