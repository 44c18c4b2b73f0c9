import type { AuditRow } from '../../store/audit-store.js';
import { linesToSections, section, type Reply } from './common.js';
import { code, escapeMrkdwn, who } from './format.js';
import { slackDayTime } from './slack-date.js';

const OUTCOME_ICON: Record<string, string> = { ok: ':white_check_mark:', error: ':x:', denied: ':no_entry:', partial: ':warning:', requested: ':lock:', approved: ':white_check_mark:', rejected: ':no_entry_sign:', expired: ':hourglass:' };

export function auditReply(rows: readonly AuditRow[], scope: string): Reply {
  if (rows.length === 0) return { text: `Nothing in the audit trail for ${scope}.`, blocks: [section(`Nothing in the audit trail for ${scope}.`)] };
  const lines = rows.map((row) => {
    const what = row.verb.startsWith('aws:') ? `${code(row.verb.slice(4))} ${escapeMrkdwn(JSON.stringify(row.params))}` : code(String(row.params.text ?? row.params.request ?? row.verb));
    const took = row.durationMs !== null ? ` · ${row.durationMs} ms` : '';
    return `${OUTCOME_ICON[row.outcome] ?? '·'} ${slackDayTime(row.at)} ${who(row.actor)} ${what} → ${row.outcome}${row.detail ? `: ${escapeMrkdwn(row.detail)}` : ''}${took}`;
  });
  return { text: `Audit trail for ${scope}: ${rows.length} entries`, blocks: [section(`*Audit trail for ${scope}* (newest first)`), ...linesToSections(lines)] };
}
