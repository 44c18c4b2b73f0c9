import type { IdleFinding, OrphanService } from '../../domain/idle.js';
import type { IdleReport } from '../../store/fleet-reports.js';
import { confirmDialog, context, linesToSections, MAX_BUTTON_VALUE, section, type KnownBlock, type Reply } from './common.js';
import { code, escapeMrkdwn, STATE_EMOJI } from './format.js';
import { money } from './money.js';
import { slackDayTime } from './slack-date.js';

/** Interaction ids the app routes: Stop goes through the normal permission and approval checks. */
export const IDLE_STOP_ACTION = 'idle_stop';
export const IDLE_SNOOZE_ACTION = 'idle_snooze';

/** Two blocks per environment (text and buttons) and room for the header, orphans and footer. */
const MAX_LISTED = 20;
const ORPHANS_LISTED = 10;

export function findingLine(finding: IdleFinding): string {
  const owner = finding.owner ? escapeMrkdwn(finding.owner) : '_no owner_';
  const reasons = finding.reasons.map((r) => escapeMrkdwn(r.detail)).join('; ');
  return `${STATE_EMOJI[finding.state]} ${code(finding.environment)} · *${money(finding.monthlyCost)}/month* · ${owner}\n${reasons}`;
}

export function orphanLine(orphan: OrphanService): string {
  const { service } = orphan;
  return `${code(service.name)} in ${escapeMrkdwn(service.cluster)} (${escapeMrkdwn(service.region)}) · ${service.running} running · ${money(orphan.monthlyCost)}/month`;
}

function findingBlocks(finding: IdleFinding, snoozeDays: number): KnownBlock[] {
  return [
    section(findingLine(finding)),
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: IDLE_STOP_ACTION,
          text: { type: 'plain_text', text: 'Stop' },
          value: finding.environment.slice(0, MAX_BUTTON_VALUE),
          style: 'danger',
          confirm: confirmDialog(`Stop ${finding.environment}?`, 'Desired counts and autoscaling bounds are saved, then set to 0: it stops serving until someone starts it. /env start brings it back exactly as it was.', 'Stop'),
        },
        { type: 'button', action_id: IDLE_SNOOZE_ACTION, text: { type: 'plain_text', text: `Snooze ${snoozeDays}d` }, value: finding.environment.slice(0, MAX_BUTTON_VALUE) },
      ],
    },
  ];
}

export interface IdleView {
  report: IdleReport;
  snoozeDays: number;
}

/** Idle environments ranked by what they cost a month, each with Stop and Snooze buttons. */
export function idleReply(view: IdleView): Reply {
  const { findings, orphans } = view.report;
  const orphanCost = (orphans ?? []).reduce((sum, o) => sum + o.monthlyCost, 0);
  const total = findings.reduce((sum, f) => sum + f.monthlyCost, 0);
  if (findings.length === 0 && (orphans ?? []).length === 0) {
    const text = 'No idle or orphaned environments among those you can see.';
    return { text, blocks: [section(`:sparkles: ${text}`)] };
  }
  const blocks: KnownBlock[] = [
    section(`*${findings.length} idle or orphaned environment${findings.length === 1 ? '' : 's'}* costing about *${money(total)}/month* at their current size`),
    ...findings.slice(0, MAX_LISTED).flatMap((finding) => findingBlocks(finding, view.snoozeDays)),
  ];
  if (findings.length > MAX_LISTED) blocks.push(context(`…and ${findings.length - MAX_LISTED} cheaper ones not shown.`));
  if (orphans && orphans.length > 0) {
    blocks.push(section(`*${orphans.length} running service(s) in no environment* · ${money(orphanCost)}/month`));
    blocks.push(...linesToSections(orphans.slice(0, ORPHANS_LISTED).map(orphanLine)));
  }
  blocks.push(context('Ranked by estimated monthly cost at today’s running counts. Stop needs `stop` on the environment (and approval where the policy says so).'));
  return { text: `${findings.length} idle or orphaned environments, about ${money(total)}/month`, blocks };
}

export function snoozedReply(environment: string, until: Date): Reply {
  const text = `${code(environment)} is snoozed until ${slackDayTime(until)}: it is left out of \`/env idle\` and the digests until then.`;
  return { text, blocks: [section(`:zzz: ${text}`)] };
}
