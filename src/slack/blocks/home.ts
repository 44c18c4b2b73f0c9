import type { types } from '@slack/bolt';
import { describeRequest } from '../../domain/access/approvals.js';
import type { Environment } from '../../domain/environments.js';
import type { ApprovalView } from '../../domain/notices.js';
import { APPROVE_ACTION, DENY_ACTION } from './approval.js';
import { blockId, clipText, context, header, MAX_BUTTON_VALUE, section, type KnownBlock } from './common.js';
import { noAccessReply } from './access.js';
import { code, who } from './format.js';
import { environmentLine } from './list.js';
import { EDIT_SCHEDULE_ACTION } from './modals.js';
import { money } from './money.js';
import { slackDayTime, slackTime } from './slack-date.js';
import { WHY_ACTION } from './why.js';

/** The App Home's own buttons; each is registered with the command it stands for (registry.ts). */
export const HOME_START_ACTION = 'home_start';
export const HOME_STOP_ACTION = 'home_stop';
export const HOME_EXTEND_ACTION = 'home_extend_1h';

/** Slack's limit on a Home tab view. */
export const MAX_HOME_BLOCKS = 100;
/** Approvals listed before "and N more": each takes two blocks. */
const MAX_APPROVALS = 10;
/** A confirmation dialog's title and text (Slack: 100 and 300 characters). */
const MAX_CONFIRM_TITLE = 100;
const MAX_CONFIRM_TEXT = 300;

/** One environment as the Home shows it: what `/env list`, `/env schedule` and `/env cost mtd` say of it, and what the viewer may do. */
export interface HomeEnvironment {
  env: Environment;
  /** The one-line schedule summary (next edge, override), or null when it has none. */
  schedule: string | null;
  /** Month-to-date estimate from the inventory samples; null when none was sampled. */
  monthToDate: number | null;
  /** Degraded, partial, transitioning or a schedule that does not parse: listed first. */
  problem: boolean;
  /** The verbs the viewer holds on it (buttons are shown only for those; a click is checked again). */
  may: { start: boolean; stop: boolean; extend: boolean; schedule: boolean };
  /** Whether Stop / Start would be an approval request (protected). */
  protectedVerbs: { stop: boolean; start: boolean };
}

export interface HomeApproval {
  request: ApprovalView;
  /** The viewer asked for it: someone else must decide, so no buttons. */
  own: boolean;
}

export interface HomeWeek {
  /** Environment-hours parked by dockhand in the last 7 days, over the environments shown. */
  parkedHours: number;
  dollars: number;
}

export type HomeModel =
  | { kind: 'unbound'; userId: string; whoToAsk: string }
  | {
      kind: 'member';
      userId: string;
      now: Date;
      environments: readonly HomeEnvironment[];
      /** Environments the viewer can see but neither owns nor operates. */
      otherVisible: number;
      /** Pending requests on environments where the viewer holds `approve`; null when they hold it nowhere. */
      approvals: readonly HomeApproval[] | null;
      week: HomeWeek;
      /** How fresh the fleet is (the refresh footer of `/env list`). */
      footer: string;
    };

export interface HomeView {
  type: 'home';
  blocks: KnownBlock[];
}

type Button = types.Button;

/** What a click on a button that is hard to undo asks first, saying what will happen. */
function confirm(title: string, text: string, yes: string, style?: 'danger'): types.ConfirmationDialog {
  return {
    title: { type: 'plain_text', text: clipText(title, MAX_CONFIRM_TITLE) },
    text: { type: 'mrkdwn', text: clipText(text, MAX_CONFIRM_TEXT) },
    confirm: { type: 'plain_text', text: yes },
    deny: { type: 'plain_text', text: 'Cancel' },
    ...(style ? { style } : {}),
  };
}

function button(actionId: string, text: string, value: string, extra: Partial<Button> = {}): Button {
  return { type: 'button', action_id: actionId, text: { type: 'plain_text', text }, value: value.slice(0, MAX_BUTTON_VALUE), ...extra };
}

function environmentButtons(item: HomeEnvironment): KnownBlock[] {
  const { env, may } = item;
  const name = env.name;
  const parked = env.desired === 0;
  const elements: Button[] = [];
  if (may.start && (parked || env.state === 'stopped' || env.state === 'partial')) {
    const text = item.protectedVerbs.start ? `${code(name)} is protected: this asks a second person with \`approve\`.` : `Brings ${code(name)} back exactly as it was parked.`;
    elements.push(button(HOME_START_ACTION, 'Start', name, { style: 'primary', ...(item.protectedVerbs.start ? { confirm: confirm(`Start ${name}?`, text, 'Ask to start') } : {}) }));
  }
  if (may.stop && !parked) {
    const text = item.protectedVerbs.stop
      ? `${code(name)} is protected: this asks a second person with \`approve\`; nothing stops until they do.`
      : `Parks every service of ${code(name)}: desired counts and autoscaling bounds are saved, then set to 0. \`/env start\` brings it back.`;
    elements.push(button(HOME_STOP_ACTION, 'Stop', name, { style: 'danger', confirm: confirm(`Stop ${name}?`, text, item.protectedVerbs.stop ? 'Ask to stop' : 'Stop', 'danger') }));
  }
  if (may.extend && item.schedule !== null && !parked) elements.push(button(HOME_EXTEND_ACTION, 'Extend 1h', name));
  if (env.state === 'degraded') elements.push(button(WHY_ACTION, 'Why?', name));
  if (may.schedule) elements.push(button(EDIT_SCHEDULE_ACTION, 'Edit schedule', name));
  return elements.length === 0 ? [] : [{ type: 'actions', block_id: blockId('home_env_', name), elements }];
}

function environmentBlocks(item: HomeEnvironment): KnownBlock[] {
  const cost = item.monthToDate === null ? 'no cost samples this month' : `${money(item.monthToDate)} this month (est.)`;
  const lines = [environmentLine(item.env, undefined), [item.schedule ?? 'no schedule', cost].join(' · ')];
  return [section(lines.join('\n')), ...environmentButtons(item)];
}

function approvalBlocks({ request, own }: HomeApproval): KnownBlock[] {
  const what = describeRequest(request);
  const text = `#${request.id} ${code(what)} by ${who(request.requestedBy)}, expires ${slackTime(request.expiresAt)}`;
  if (own) return [section(`${text}\n_Your request: someone else with \`approve\` decides._`)];
  return [
    section(text),
    {
      type: 'actions',
      block_id: `home_approval_${request.id}`,
      elements: [
        button(APPROVE_ACTION, 'Approve', String(request.id), {
          style: 'primary',
          confirm: confirm(`Approve request #${request.id}?`, `${code(what)} for ${who(request.requestedBy)} runs as soon as you confirm.`, 'Approve'),
        }),
        button(DENY_ACTION, 'Deny', String(request.id), {
          style: 'danger',
          confirm: confirm(`Deny request #${request.id}?`, `${code(what)} will not run; you are asked for a reason, which ${who(request.requestedBy)} gets.`, 'Deny', 'danger'),
        }),
      ],
    },
  ];
}

function weekText(week: HomeWeek, count: number): string {
  if (week.parkedHours <= 0) return `*This week:* dockhand parked none of your ${count} environments in the last 7 days.`;
  const hours = week.parkedHours >= 10 ? Math.round(week.parkedHours) : +week.parkedHours.toFixed(1);
  return `*This week:* dockhand kept your environments parked for ${hours} environment-hours, about *${money(week.dollars)} saved* (est.: hours parked × what each costs an hour while running, as in \`/env cost\`).`;
}

/** Adds blocks while they fit, leaving `reserve` free; says how many items were left out. */
function fitting<T>(items: readonly T[], toBlocks: (item: T) => KnownBlock[], room: number): { blocks: KnownBlock[]; shown: number } {
  const blocks: KnownBlock[] = [];
  let shown = 0;
  for (const item of items) {
    const next = toBlocks(item);
    if (blocks.length + next.length > room) break;
    blocks.push(...next);
    shown++;
  }
  return { blocks, shown };
}

/** The Home tab for one person: their environments (problems first), the approvals they may decide, their week. */
export function homeView(model: HomeModel): HomeView {
  if (model.kind === 'unbound') {
    return { type: 'home', blocks: [header('dockhand'), ...noAccessReply(model.whoToAsk).blocks] };
  }
  const top: KnownBlock[] = [
    header('dockhand'),
    context(`For ${who(model.userId)} · updated ${slackDayTime(model.now)} · \`/env help\` lists every command`),
    section(weekText(model.week, model.environments.length)),
  ];
  const approvals: KnownBlock[] = [];
  if (model.approvals !== null) {
    approvals.push(header(`Waiting for approval (${model.approvals.length})`));
    if (model.approvals.length === 0) approvals.push(section('Nothing is waiting for you to approve.'));
    const listed = model.approvals.slice(0, MAX_APPROVALS);
    approvals.push(...listed.flatMap(approvalBlocks));
    if (model.approvals.length > listed.length) approvals.push(context(`…and ${model.approvals.length - listed.length} more: \`/env approvals\``));
  }
  const tail: KnownBlock[] = [context(model.footer)];
  if (model.otherVisible > 0) tail.unshift(context(`You can also see ${model.otherVisible} environments you neither own nor operate: \`/env list\``));
  const envHeader = header(`Your environments (${model.environments.length})`);
  // Room for the environments: the limit minus everything else, and one line for "and N more".
  const room = MAX_HOME_BLOCKS - top.length - approvals.length - tail.length - 2;
  const { blocks, shown } = fitting(model.environments, environmentBlocks, room);
  const envs = model.environments.length === 0 ? [section('None of the environments you can see is yours to operate. `/env list` shows what you can see.')] : blocks;
  const more = model.environments.length > shown ? [context(`…and ${model.environments.length - shown} more: \`/env list\``)] : [];
  return { type: 'home', blocks: [...top, ...approvals, envHeader, ...envs, ...more, ...tail] };
}
