import type { DecodedStop, RolloutSummary, ServiceDiagnosis } from '../../domain/diagnosis.js';
import { formatDuration } from '../../domain/duration.js';
import type { Environment } from '../../domain/environments.js';
import { blockId, capBlocks, clipText, context, header, MAX_BUTTON_VALUE, section, type KnownBlock, type Reply } from './common.js';
import { code, escapeMrkdwn, STATE_EMOJI } from './format.js';
import { slackDayTime } from './slack-date.js';

/** The **Why?** button on a degraded environment (in `/env list` and `/env status`): runs `/env why <env>`. */
export const WHY_ACTION = 'env_why';

/** A **Why?** button per environment, in one actions block (Slack allows 25 elements in one). */
export function whyButtons(environments: readonly string[]): KnownBlock[] {
  if (environments.length === 0) return [];
  return [
    {
      type: 'actions',
      block_id: blockId('why:', environments.join(',')),
      elements: environments.slice(0, 25).map((name) => ({
        type: 'button',
        action_id: WHY_ACTION,
        text: { type: 'plain_text', text: environments.length === 1 ? 'Why?' : `Why? ${name}`.slice(0, 75) },
        value: name.slice(0, MAX_BUTTON_VALUE),
      })),
    } as KnownBlock,
  ];
}

export interface WhyView {
  env: Environment;
  /** Only services that are not healthy (or the one asked about). */
  diagnoses: readonly ServiceDiagnosis[];
  /** The service the asker named, if any. */
  service: string | null;
  /** Log lines per service, when a logs reader is wired (`/env logs`); absent otherwise. */
  logLines?: ReadonlyMap<string, readonly string[]>;
  /** How fresh the snapshot and samples are (the refresh footer). */
  footer: string;
  now: Date;
}

/** ECS's own words are shown up to this length: the decoded line says what matters. */
const RAW_SHOWN = 300;

const RESTART_NOTE: Record<DecodedStop['restart'], string> = {
  no: ':no_entry_sign: a restart will not fix this',
  maybe: '',
  'not-needed': '',
};

function rolloutLine(rollout: RolloutSummary): string {
  const took = rollout.tryingForSeconds === null ? '' : formatDuration(rollout.tryingForSeconds * 1000);
  const trying = took === '' ? '' : rollout.state === 'FAILED' ? ` after ${took}` : ` for ${took}`;
  const reason = rollout.reason ? `: ${escapeMrkdwn(rollout.reason)}` : '';
  const rollbacks = rollout.rollbacks > 0 ? ` · ${rollout.rollbacks} circuit-breaker rollback${rollout.rollbacks === 1 ? '' : 's'}` : '';
  const failed = rollout.failedTasks > 0 ? ` · ${rollout.failedTasks} failed tasks` : '';
  return `*Rollout* ${escapeMrkdwn(rollout.state)}${trying}${reason}${rollbacks}${failed}`;
}

function stopLine(stop: DecodedStop): string {
  const note = RESTART_NOTE[stop.restart];
  const tasks = stop.times > 1 ? `${stop.times} tasks, the last ${code(stop.taskId.slice(0, 12))}` : code(stop.taskId.slice(0, 12));
  return [
    `• ${slackDayTime(stop.stoppedAt)} ${tasks}: ${escapeMrkdwn(stop.what)}${note ? ` · ${note}` : ''}`,
    `   _ECS: ${escapeMrkdwn(clipText(stop.raw, RAW_SHOWN))}_`,
  ].join('\n');
}

function serviceSection(diagnosis: ServiceDiagnosis, logLines: readonly string[] | undefined): string {
  const symptoms = diagnosis.symptoms.length > 0 ? diagnosis.symptoms.join(' · ') : 'healthy';
  const lines = [`${diagnosis.symptoms.length > 0 ? ':warning:' : ':white_check_mark:'} *${escapeMrkdwn(diagnosis.service)}* ${escapeMrkdwn(symptoms)}`];
  if (diagnosis.rollout && diagnosis.symptoms.length > 0) lines.push(rolloutLine(diagnosis.rollout));
  if (diagnosis.stops.length > 0) lines.push('*Last stopped tasks*', ...diagnosis.stops.map(stopLine));
  else if (diagnosis.symptoms.length > 0) lines.push('_No stopped task known for it yet: dockhand samples them at each refresh (ECS keeps them about an hour)._');
  if (logLines && logLines.length > 0) lines.push('*Last error lines*', ...logLines.map((line) => `> ${escapeMrkdwn(line)}`));
  if (diagnosis.advice.length > 0) lines.push(`*Next:* ${diagnosis.advice.map(escapeMrkdwn).join(' ')}`);
  return lines.join('\n');
}

export function whyReply(view: WhyView): Reply {
  const { env, diagnoses } = view;
  const name = escapeMrkdwn(env.name);
  const unhealthy = diagnoses.filter((d) => d.symptoms.length > 0);
  if (unhealthy.length === 0) {
    const what = view.service ? `*${escapeMrkdwn(view.service)}* in *${name}* is healthy` : `every service of *${name}* is healthy`;
    const text = `:white_check_mark: ${what}: running what it should, no deployment in flight or failed.`;
    const blocks: KnownBlock[] = [section(text), ...diagnoses.filter((d) => d.stops.length > 0).map((d) => section(serviceSection(d, view.logLines?.get(d.service)))), context(view.footer)];
    return { text: `${env.name}: healthy`, blocks };
  }
  const blocks: KnownBlock[] = [
    header(`Why is ${env.name} ${env.state}?`),
    context(`${STATE_EMOJI[env.state]} ${env.state} · ${env.running}/${env.desired} tasks · ${unhealthy.length} of ${env.services.length} services not healthy`),
    ...diagnoses.map((d) => section(serviceSection(d, view.logLines?.get(d.service)))),
    context(view.footer),
  ];
  return {
    text: `${name}: ${unhealthy.map((d) => `${escapeMrkdwn(d.service)} ${d.stops[0] ? escapeMrkdwn(d.stops[0].what) : escapeMrkdwn(d.symptoms.join(', '))}`).join('; ')}`,
    blocks: capBlocks(blocks, 'Ask about one service: `/env why <env> <service>`.'),
  };
}
