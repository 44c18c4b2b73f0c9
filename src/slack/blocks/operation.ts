import { capBlocks, context, linesToSections, section, type KnownBlock, type Reply } from './common.js';
import type { RolloutLine, RolloutsView } from '../../domain/rollouts.js';
import { formatElapsed } from '../../domain/duration.js';
import { diagnosisText } from './why.js';
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
  const blocks = [
    section(headline),
    ...linesToSections(lines),
    ...(view.rollouts ? rolloutBlocks(view.environment, view.rollouts) : []),
    context(`Operation #${view.id}${view.note ? ` · ${escapeMrkdwn(view.note)}` : ''} · ${code(`/env audit ${view.environment}`)} shows the trail`),
  ];
  return { text: headline.replace(/:[a-z_]+: /, ''), blocks: capBlocks(blocks, `${code(`/env why ${view.environment}`)} tells the rest.`) };
}

/** Failed rollouts whose `/env why` summary is shown in the message; the rest are named and left to `/env why`. */
const DIAGNOSES_SHOWN = 5;

function rolloutLineText(environment: string, line: RolloutLine): string {
  const name = `*${escapeMrkdwn(line.service)}*`;
  switch (line.state) {
    case 'rolling':
      return `:hourglass_flowing_sand: ${name} rolling out: ${line.running}/${line.desired} tasks running`;
    case 'completed':
      return `:white_check_mark: ${name} rollout completed in ${formatElapsed(line.seconds)}`;
    case 'failed':
      return `:x: ${name} rollout failed after ${formatElapsed(line.seconds)}${line.reason ? `: ${escapeMrkdwn(line.reason)}` : ''}${line.rollback ? ' (the circuit breaker rolled it back)' : ''}`;
    case 'timed-out':
      return `:warning: ${name} still rolling out after ${line.minutes} min (${line.running}/${line.desired} tasks running); ${code(`/env why ${environment} ${line.service}`)}`;
    case 'gone':
      return `:grey_question: ${name} is no longer in the inventory: its rollout cannot be followed`;
  }
}

/** Each service's rollout, then the `/env why` summary of each that failed (its own section, advice kept). */
function rolloutBlocks(environment: string, rollouts: RolloutsView): KnownBlock[] {
  const failed = rollouts.lines.flatMap((line) => (line.state === 'failed' ? [line] : []));
  const shown = failed.slice(0, DIAGNOSES_SHOWN).map((line) => section(diagnosisText(line.diagnosis)));
  const more = failed.length > DIAGNOSES_SHOWN ? [context(`${failed.length - DIAGNOSES_SHOWN} more failed: ${code(`/env why ${environment}`)} says why.`)] : [];
  const following = rollouts.ended ? [] : [context(`Following the rollout until ${slackTime(rollouts.until)}: this message is updated at each inventory refresh.`)];
  return [...linesToSections(rollouts.lines.map((line) => rolloutLineText(environment, line))), ...shown, ...more, ...following];
}

/** "<@U1> has been stopping `qa-2` since <!date^…|10:02 UTC> (2m ago, operation #7)." */
export function busyText(running: BusyOperation, now: Date): string {
  return `${who(running.requestedBy)} has been ${DOING[running.verb]} ${code(running.environment)} since ${slackTime(running.startedAt)} (${ago(running.startedAt, now)}, operation #${running.id}). Try again when it has finished.`;
}
