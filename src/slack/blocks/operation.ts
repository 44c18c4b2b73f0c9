import { context, linesToSections, section, type Reply } from './common.js';
import type { BusyOperation, OperationStepView, OperationView } from '../../domain/notices.js';
import { ago, code, escapeMrkdwn, who } from './format.js';
import { slackTime } from './slack-date.js';

const DOING: Record<OperationView['verb'], string> = { stop: 'stopping', start: 'starting', restart: 'restarting', scale: 'scaling' };
const DONE: Record<OperationView['verb'], string> = { stop: 'stopped', start: 'started', restart: 'restarted', scale: 'scaled' };
const STEP_ICON: Record<OperationStepView['status'], string> = {
  pending: ':white_circle:',
  running: ':hourglass_flowing_sand:',
  done: ':white_check_mark:',
  failed: ':x:',
  skipped: ':heavy_minus_sign:',
};

function seconds(from: string, to: string): string {
  return `${((new Date(to).getTime() - new Date(from).getTime()) / 1000).toFixed(1)} s`;
}

export function operationReply(view: OperationView): Reply {
  const done = view.steps.filter((s) => s.status === 'done').length;
  const env = code(view.environment);
  const approved = view.approvedBy ? `, approved by <@${view.approvedBy}>` : '';
  const headline =
    view.status === 'running' || view.status === 'approved'
      ? `:hourglass_flowing_sand: ${who(view.requestedBy)} is ${DOING[view.verb]} ${env}${approved}: ${done}/${view.steps.length} services done`
      : view.status === 'succeeded'
        ? `:white_check_mark: ${env} ${DONE[view.verb]} for ${who(view.requestedBy)}${approved}: ${done}/${view.steps.length} services in ${seconds(view.startedAt, view.finishedAt ?? view.startedAt)}`
        : `:warning: ${view.verb} of ${env} for ${who(view.requestedBy)} ${view.status === 'partial' ? 'partly failed' : view.status}: ${done}/${view.steps.length} services done in ${seconds(view.startedAt, view.finishedAt ?? view.startedAt)}`;
  const lines = view.steps.map((step) => `${STEP_ICON[step.status]} *${escapeMrkdwn(step.service)}*${step.detail ? ` — ${escapeMrkdwn(step.detail)}` : ''}`);
  const blocks = [section(headline), ...linesToSections(lines), context(`Operation #${view.id}${view.note ? ` · ${escapeMrkdwn(view.note)}` : ''} · ${code(`/env audit ${view.environment}`)} shows the trail`)];
  return { text: headline.replace(/:[a-z_]+: /, ''), blocks };
}

/** "<@U1> has been stopping `qa-2` since <!date^…|10:02 UTC> (2m ago, operation #7)." */
export function busyText(running: BusyOperation, now: Date): string {
  return `${who(running.requestedBy)} has been ${DOING[running.verb]} ${code(running.environment)} since ${slackTime(running.startedAt)} (${ago(running.startedAt, now)}, operation #${running.id}). Try again when it has finished.`;
}
