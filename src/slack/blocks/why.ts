import type { DecodedStop, RolloutSummary, ServiceDiagnosis } from '../../domain/diagnosis.js';
import { formatElapsed } from '../../domain/duration.js';
import type { Environment } from '../../domain/environments.js';
import { utcMinute } from '../../domain/time-format.js';
import { blockId, capBlocks, clipText, context, header, MAX_BUTTON_VALUE, MAX_SECTION_TEXT, section, type KnownBlock, type Reply } from './common.js';
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

/** A service's last error lines for `/env why` (masked by the reader), or why they are not shown. */
export type ServiceLogLines =
  | { kind: 'lines'; lines: readonly string[]; window: string }
  /** The asker does not hold `logs` on the environment. */
  | { kind: 'needs-logs' }
  | { kind: 'unreadable'; message: string }
  | { kind: 'elsewhere'; drivers: readonly string[] }
  | { kind: 'none' }
  | { kind: 'no-task-definition' };

export interface WhyView {
  env: Environment;
  /** Only services that are not healthy (or the one asked about). */
  diagnoses: readonly ServiceDiagnosis[];
  /** The service the asker named, if any. */
  service: string | null;
  /** The last error lines per service (by name), or why there are none to show. */
  logLines?: ReadonlyMap<string, ServiceLogLines>;
  /** Services (by name) whose stopped tasks the last refresh could not read: when, and why. */
  sampleFailures?: ReadonlyMap<string, { at: string; error: string }>;
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
  const took = rollout.tryingForSeconds === null ? '' : formatElapsed(rollout.tryingForSeconds);
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

function logLinesText(logs: ServiceLogLines, service: string): string[] {
  switch (logs.kind) {
    case 'lines':
      if (logs.lines.length === 0) return [`_No error lines in its logs of the last ${escapeMrkdwn(logs.window)}._`];
      return ['*Last error lines*', ...logs.lines.map((line) => `> ${escapeMrkdwn(line)}`)];
    case 'needs-logs':
      return [`_Its error lines need the \`logs\` permission on this environment: ask for it, or ask someone who holds it to run ${code(`/env logs … ${service} errors`)}._`];
    case 'unreadable':
      return [`_Its logs could not be read: ${escapeMrkdwn(logs.message)} This says nothing about whether it logged errors._`];
    case 'elsewhere':
      return [`_Its logs go to ${logs.drivers.map(code).join(', ')}, not CloudWatch: no error lines here._`];
    case 'none':
      return ['_Its task definition sends its output nowhere dockhand can read (no `logConfiguration`)._'];
    case 'no-task-definition':
      return ['_dockhand does not know its task definition yet, so not where its logs go._'];
  }
}

/** The most of a section's text the advice may take, so a long body cannot push it out. */
const ADVICE_SHOWN = 1200;

/**
 * One service's diagnosis, as `/env why` shows it (and a failed rollout's message ends with it), within
 * one section: the body is clipped, never the advice after it.
 */
export function diagnosisText(diagnosis: ServiceDiagnosis, extra: { logs?: ServiceLogLines | undefined; sampleFailure?: { at: string; error: string } | undefined } = {}): string {
  const symptoms = diagnosis.symptoms.length > 0 ? diagnosis.symptoms.join(' · ') : 'healthy';
  const unhealthy = diagnosis.symptoms.length > 0;
  const lines = [`${unhealthy ? ':warning:' : ':white_check_mark:'} *${escapeMrkdwn(diagnosis.service)}* ${escapeMrkdwn(symptoms)}`];
  if (diagnosis.rollout && unhealthy) lines.push(rolloutLine(diagnosis.rollout));
  const failure = unhealthy ? extra.sampleFailure : undefined;
  if (failure) lines.push(`_Its stopped tasks could not be read at the refresh of ${utcMinute(failure.at)}Z: ${escapeMrkdwn(failure.error)}${diagnosis.stops.length > 0 ? ' These are from earlier refreshes._' : ' So none are shown, which does not mean none stopped._'}`);
  if (diagnosis.stops.length > 0) lines.push('*Last stopped tasks*', ...diagnosis.stops.map(stopLine));
  else if (unhealthy && !failure) lines.push('_No stopped task known for it yet: dockhand samples them at each refresh (ECS keeps them about an hour)._');
  if (extra.logs) lines.push(...logLinesText(extra.logs, diagnosis.service));
  const body = lines.join('\n');
  if (diagnosis.advice.length === 0) return clipText(body, MAX_SECTION_TEXT);
  const advice = clipText(`*Next:* ${diagnosis.advice.map(escapeMrkdwn).join(' ')}`, ADVICE_SHOWN);
  return `${clipText(body, MAX_SECTION_TEXT - advice.length - 1)}\n${advice}`;
}

export function whyReply(view: WhyView): Reply {
  const { env, diagnoses } = view;
  const name = escapeMrkdwn(env.name);
  const unhealthy = diagnoses.filter((d) => d.symptoms.length > 0);
  if (unhealthy.length === 0) {
    const what = view.service ? `*${escapeMrkdwn(view.service)}* in *${name}* is healthy` : `every service of *${name}* is healthy`;
    const text = `:white_check_mark: ${what}: running what it should, no deployment in flight or failed.`;
    const blocks: KnownBlock[] = [section(text), ...diagnoses.filter((d) => d.stops.length > 0).map((d) => section(diagnosisText(d, { logs: view.logLines?.get(d.service), sampleFailure: view.sampleFailures?.get(d.service) }))), context(view.footer)];
    return { text: `${name}: healthy`, blocks };
  }
  const blocks: KnownBlock[] = [
    header(`Why is ${env.name} ${env.state}?`),
    context(`${STATE_EMOJI[env.state]} ${env.state} · ${env.running}/${env.desired} tasks · ${unhealthy.length} of ${env.services.length} services not healthy`),
    ...diagnoses.map((d) => section(diagnosisText(d, { logs: view.logLines?.get(d.service), sampleFailure: view.sampleFailures?.get(d.service) }))),
    context(view.footer),
  ];
  return {
    // The notification's preview: one line per service would pass Slack's 40,000 characters on a large environment.
    text: clipText(`${name}: ${unhealthy.map((d) => `${escapeMrkdwn(d.service)} ${d.stops[0] ? escapeMrkdwn(d.stops[0].what) : escapeMrkdwn(d.symptoms.join(', '))}`).join('; ')}`, MAX_SECTION_TEXT),
    blocks: capBlocks(blocks, 'Ask about one service: `/env why &lt;env&gt; &lt;service&gt;`.'),
  };
}
