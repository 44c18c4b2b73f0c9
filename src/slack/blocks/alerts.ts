import { START_AGAIN_FLAGS, type AlertItem, type DegradedAlert, type FailedDeploymentAlert, type LiveAlert } from '../../domain/alerts.js';
import { formatElapsed } from '../../domain/duration.js';
import { clipText, context, MAX_BUTTON_VALUE, section, type KnownBlock, type Reply } from './common.js';
import { ago, code, escapeMrkdwn, plural } from './format.js';
import { eventLine } from './who.js';
import { WHY_ACTION } from './why.js';

/**
 * Buttons on a live alert, each standing for a typed command run as the clicker (through the command
 * registry: parse → authorise → run → audit). **Why?** is `/env why`'s own button (`why.ts`).
 */
export const ALERT_LOGS_ACTION = 'alert_logs';
export const ALERT_START_ACTION = 'alert_start';
export const ALERT_WHO_ACTION = 'alert_who';

/** Lines listed one by one (a section each, so each can carry its Logs button); the rest are counted. */
export const MAX_ALERT_LINES = 12;
/** Short services named in one degradation line. */
const SHORT_NAMED = 10;

/** A button's value: the words of a command, or null when a word would not survive being typed (spaces) or the value is too long. */
function commandValue(...words: string[]): string | null {
  if (words.some((word) => word === '' || /\s/.test(word))) return null;
  const value = words.join(' ');
  return value.length <= MAX_BUTTON_VALUE ? value : null;
}

function button(actionId: string, label: string, value: string | null, extra: Record<string, unknown> = {}) {
  return value === null ? [] : [{ type: 'button', action_id: actionId, text: { type: 'plain_text', text: clipText(label, 75) }, value, ...extra }];
}

function deploymentLine(item: FailedDeploymentAlert, now: Date): string {
  const how = item.rolledBack ? 'failed and the circuit breaker rolled it back' : 'failed';
  const reason = item.reason ? `: ${escapeMrkdwn(item.reason)}` : '';
  const failed = item.failedTasks > 0 ? ` · ${plural(item.failedTasks, 'failed task')}` : '';
  const when = item.at ? ` (${ago(item.at, now)})` : '';
  return `:x: ${code(item.service)}: deployment ${code(item.deploymentId)} ${how}${when}${reason}${failed}`;
}

function degradedLine(item: DegradedAlert, now: Date): string {
  const named = item.services.slice(0, SHORT_NAMED).map((s) => `${code(s.name)} ${s.running}/${s.desired}`);
  const more = item.services.length > SHORT_NAMED ? ` and ${item.services.length - SHORT_NAMED} more` : '';
  return `:red_circle: short of tasks for ${formatElapsed((now.getTime() - Date.parse(item.since)) / 1000)}: ${named.join(', ')}${more} running`;
}

function itemLine(item: AlertItem, now: Date): string {
  switch (item.kind) {
    case 'deployment-failed':
      return deploymentLine(item, now);
    case 'degraded':
      return degradedLine(item, now);
    case 'trail-flag':
      return eventLine(item.event, true);
  }
}

/** The one service an item is about, for its Logs button. */
function serviceOf(item: AlertItem): string | null {
  if (item.kind === 'deployment-failed') return item.service;
  if (item.kind === 'degraded' && item.services.length === 1) return item.services[0]!.name;
  return null;
}

function summaryOf(items: readonly AlertItem[], now: Date): string {
  const deployments = items.filter((i) => i.kind === 'deployment-failed');
  const rolledBack = deployments.filter((i) => i.rolledBack).length;
  const degraded = items.find((i) => i.kind === 'degraded');
  const flags = items.filter((i) => i.kind === 'trail-flag').length;
  return [
    deployments.length > 0 ? `${plural(deployments.length, 'deployment')} failed${rolledBack > 0 ? ` (${rolledBack} rolled back by the circuit breaker)` : ''}` : null,
    degraded ? `short of tasks for ${formatElapsed((now.getTime() - Date.parse(degraded.since)) / 1000)}` : null,
    flags > 0 ? `${plural(flags, 'CloudTrail flag')}` : null,
  ]
    .filter(Boolean)
    .join(' · ');
}

function lineBlock(item: AlertItem, environment: string | null, now: Date): KnownBlock {
  const block = section(itemLine(item, now)) as KnownBlock & { accessory?: unknown };
  const service = serviceOf(item);
  const logs = environment !== null && service !== null ? button(ALERT_LOGS_ACTION, 'Logs', commandValue(environment, service)) : [];
  if (logs[0]) block.accessory = logs[0];
  return block;
}

function actionsOf(alert: LiveAlert): KnownBlock[] {
  const { environment, items } = alert;
  const fromInventory = items.filter((i) => i.kind !== 'trail-flag');
  const services = [...new Set(fromInventory.flatMap((i) => (i.kind === 'deployment-failed' ? [i.service] : i.kind === 'degraded' ? i.services.map((s) => s.name) : [])))];
  const startAgain = items.some((i) => i.kind === 'trail-flag' && i.event.flags.some((flag) => START_AGAIN_FLAGS.includes(flag)));
  const elements =
    environment === null
      ? button(ALERT_WHO_ACTION, 'Who?', 'all')
      : [
          ...(fromInventory.length > 0 ? button(WHY_ACTION, 'Why?', (services.length === 1 ? commandValue(environment, services[0]!) : null) ?? commandValue(environment), { style: 'primary' }) : []),
          ...(startAgain
            ? button(ALERT_START_ACTION, 'Start again', commandValue(environment), {
                confirm: {
                  title: { type: 'plain_text', text: clipText(`Start ${environment} again?`, 100) },
                  text: { type: 'mrkdwn', text: 'Runs `/env start` as you: what dockhand recorded when it parked it is restored, through the usual permission and approval checks.' },
                  confirm: { type: 'plain_text', text: 'Start' },
                  deny: { type: 'plain_text', text: 'Cancel' },
                },
              })
            : []),
          ...button(ALERT_WHO_ACTION, 'Who?', commandValue(environment)),
        ];
  return elements.length > 0 ? [{ type: 'actions', elements } as KnownBlock] : [];
}

/** One environment's alerts of one run: a summary, a line per item (at most MAX_ALERT_LINES, then "and N more"), the buttons. */
export function liveAlertReply(alert: LiveAlert): Reply {
  const { environment, items, now } = alert;
  const name = environment === null ? 'no environment' : environment;
  const summary = summaryOf(items, now);
  const shown = items.slice(0, MAX_ALERT_LINES);
  const hidden = items.length - shown.length;
  const where = environment === null ? '`/env who all`' : code(`/env why ${environment}`) + ' and ' + code(`/env who ${environment}`);
  const blocks: KnownBlock[] = [
    section(`:rotating_light: ${environment === null ? '_no environment_' : `*${escapeMrkdwn(environment)}*`}: ${summary}`),
    ...shown.map((item) => lineBlock(item, environment, now)),
    ...(hidden > 0 ? [context(`…and ${hidden} more: see ${where}.`)] : []),
    ...actionsOf(alert),
  ];
  return { text: escapeMrkdwn(`${name}: ${summary}`), blocks };
}
