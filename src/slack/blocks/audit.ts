import type { AuditRow } from '../../store/audit-store.js';
import { capBlocks, context, linesToSections, MAX_BUTTON_VALUE, section, type KnownBlock, type Reply } from './common.js';
import { code, escapeMrkdwn, who } from './format.js';
import { slackDayTime } from './slack-date.js';

/** The **Older** button under a page of the trail: runs `/env audit [env] <next page>` as the clicker. */
export const AUDIT_PAGE_ACTION = 'audit_page';

const OUTCOME_ICON: Record<string, string> = { ok: ':white_check_mark:', error: ':x:', denied: ':no_entry:', partial: ':warning:', requested: ':lock:', approved: ':white_check_mark:', rejected: ':no_entry_sign:', expired: ':hourglass:' };

export interface AuditView {
  rows: readonly AuditRow[];
  /** Rows in the whole scope, of which `rows` is page `page`. */
  total: number;
  page: number;
  pageSize: number;
  /** The scope as shown (already mrkdwn). */
  scope: string;
  /** The environment asked about, for the next page's command; null for the whole trail. */
  environment: string | null;
  /** The newest entry the page was read up to: the next page's command carries it, so new entries do not shift it. */
  asOf?: number;
}

function rowLine(row: AuditRow): string {
  const what = row.verb.startsWith('aws:') ? `${code(row.verb.slice(4))} ${escapeMrkdwn(JSON.stringify(row.params))}` : code(String(row.params.text ?? row.params.request ?? row.verb));
  const took = row.durationMs !== null ? ` · ${row.durationMs} ms` : '';
  return `${OUTCOME_ICON[row.outcome] ?? '·'} ${slackDayTime(row.at)} ${who(row.actor)} ${what} → ${escapeMrkdwn(row.outcome)}${row.detail ? `: ${escapeMrkdwn(row.detail)}` : ''}${took}`;
}

/** A page of the trail, newest first: "showing 26–50 of 312", and how to see the next page (as of the same entry). */
export function auditReply(view: AuditView): Reply {
  const { rows, total, page, pageSize, scope } = view;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (total === 0) return { text: `Nothing in the audit trail for ${scope}.`, blocks: [section(`Nothing in the audit trail for ${scope}.`)] };
  const args = (p: number) => [view.environment, String(p), view.asOf === undefined ? null : `@${view.asOf}`].filter(Boolean).join(' ');
  const nextArgs = args(page + 1);
  const typed = (p: number) => code(`/env audit ${args(p)}`);
  if (rows.length === 0) {
    const text = `Page ${page} is past the end of the audit trail for ${scope}: ${total} entries, ${pages} page${pages === 1 ? '' : 's'}. ${typed(pages)} shows the oldest.`;
    return { text, blocks: [section(text)] };
  }
  const first = (page - 1) * pageSize + 1;
  const last = first + rows.length - 1;
  const showing = `showing ${rows.length === total ? total : `${first}–${last}`} of ${total}`;
  const more = last < total;
  const blocks: KnownBlock[] = [section(`*Audit trail for ${scope}* (newest first) · ${showing}`), ...linesToSections(rows.map(rowLine))];
  blocks.push(context(more ? `Page ${page} of ${pages}. Older: ${typed(page + 1)}` : `Page ${page} of ${pages}: the oldest entries.`));
  if (more) {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', action_id: AUDIT_PAGE_ACTION, text: { type: 'plain_text', text: `Older (page ${page + 1})` }, value: nextArgs.slice(0, MAX_BUTTON_VALUE) }],
    });
  }
  return { text: `Audit trail for ${scope}: ${showing}`, blocks: capBlocks(blocks, `${typed(page + 1)} shows older entries.`) };
}
