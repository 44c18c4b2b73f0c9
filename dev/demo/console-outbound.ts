import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Outbound } from '../../src/outbound.js';
import { noticeMessages } from '../../src/slack/blocks/notices.js';
import { blocksToText } from './render-text.js';
import { slackMarkupToText } from './slack-markup.js';
import { DEMO_NAMES } from './users.js';

/**
 * The demo's stand-in for Slack: channel posts and DMs are printed as Slack would draw them (a long
 * digest's thread message by message); of a message's updates, only the one-line summary while it is in
 * progress (⏳), and the whole message once it has its outcome. Charts are written into `chartsDir`.
 */
export function consoleOutbound(write: (text: string) => void, chartsDir: string): Outbound {
  let next = 0;
  const latest = new Map<string, string>();
  return {
    async attachChart({ channel }, chart) {
      try {
        // The charting modules load on the first chart, as in dockhand itself.
        const { renderCostChart } = await import('../../src/charts/render.js');
        const drawn = await renderCostChart(chart.title, chart.data);
        const path = join(chartsDir, `${++next}-${drawn.filename}`);
        writeFileSync(path, drawn.png);
        write(`[#${channel}] [chart: ${drawn.filename}, ${drawn.width}×${drawn.height}] ${chart.title}: ${path}`);
        return { attached: true, fileId: path };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        write(`[#${channel}] [chart not drawn: ${reason}]`);
        return { attached: false, reason };
      }
    },
    async post(channel, notice) {
      const messages = noticeMessages(notice);
      const ts = `${++next}.000000`;
      latest.set(ts, blocksToText(messages[0].blocks));
      for (const reply of messages) write(`[#${channel}] ${blocksToText(reply.blocks)}`);
      return { channel, ts, messages: messages.length };
    },
    async tell(userId, notice) {
      const messages = noticeMessages(notice);
      const to = DEMO_NAMES.user(userId);
      for (const reply of messages) write(`[DM to ${to ? `@${to}` : userId}] ${blocksToText(reply.blocks)}`);
      return { channel: userId, ts: `${++next}.000000`, messages: messages.length };
    },
    async update({ channel, ts }, notice) {
      const [reply] = noticeMessages(notice);
      const text = blocksToText(reply.blocks);
      if (latest.get(ts) === text) return;
      latest.set(ts, text);
      // The summary is mrkdwn too (mentions, dates): drawn like the first post.
      write(`[#${channel}, updated] ${text.startsWith('⏳') ? slackMarkupToText(reply.text) : text}`);
    },
  };
}
