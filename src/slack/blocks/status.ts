import { capacityLabel, type Environment } from '../../domain/environments.js';
import type { ServiceSnapshot } from '../../domain/inventory.js';
import { capBlocks, context, fieldsSection, header, section, type KnownBlock, type Reply } from './common.js';
import { ago, code, escapeMrkdwn, memory, owner, STATE_EMOJI, vcpu, type OwnerMentions } from './format.js';
import { slackDayTime } from './slack-date.js';
import { whyButtons } from './why.js';

const EVENTS_SHOWN = 5;

/** Deployments not done, each marked as the progress message marks a rollout: failed `:x:`, going on `:hourglass_flowing_sand:`. */
function deploymentsInFlight(service: ServiceSnapshot): string[] {
  return service.deployments
    .filter((d) => d.rolloutState !== 'COMPLETED' || d.status !== 'PRIMARY')
    .map((d) => {
      const failed = d.failedTasks > 0 ? `, ${d.failedTasks} failed` : '';
      const mark = d.rolloutState === 'FAILED' ? ':x:' : ':hourglass_flowing_sand:';
      return `${mark} ${d.status.toLowerCase()} deployment ${d.rolloutState?.toLowerCase() ?? 'in progress'}: ${d.running}/${d.desired} running${failed}`;
    });
}

/** One service: what people scan for (name, running/desired, anything in flight) as text, its facts as fields. */
function serviceBlock(service: ServiceSnapshot, now: Date): KnownBlock {
  const td = service.taskDefinition;
  const health = service.running < service.desired ? ':warning: ' : '';
  const pending = service.pending > 0 ? ` (${service.pending} pending)` : '';
  const head = [`${health}*${escapeMrkdwn(service.name)}* ${service.running}/${service.desired} running${pending}`, ...deploymentsInFlight(service)].join('\n');
  return fieldsSection(head, [
    ['Capacity', capacityLabel(service.capacity)],
    ['Task size', td ? `${vcpu(td.cpu)} / ${memory(td.memoryMiB)} · ${td.architecture === 'arm' ? 'ARM' : 'x86'}` : 'task definition unknown'],
    ['Last deploy', `${ago(service.lastDeployAt, now)}${td ? ` · ${code(td.family)}` : ''}`],
    ['Cluster', code(service.cluster)],
  ]);
}

function recentEvents(env: Environment): string[] {
  return env.services
    .flatMap((service) => service.events.map((event) => ({ service: service.name, ...event })))
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, EVENTS_SHOWN)
    .map((e) => `${slackDayTime(e.at)} · ${escapeMrkdwn(e.service)}: ${escapeMrkdwn(e.message)}`);
}

/** `/env status`: the environment's facts as fields, a section per service, recent ECS events, freshness last. */
export function statusReply(env: Environment, now: Date, refreshedFooter: string, schedule: string, mentions?: OwnerMentions): Reply {
  const tier = env.tier === 'production' ? 'production' : 'non-production';
  const events = recentEvents(env);
  const blocks: KnownBlock[] = [
    header(`${env.name}`),
    fieldsSection(`${STATE_EMOJI[env.state]} *${env.state}* · ${env.running}/${env.desired} tasks in ${env.services.length} services`, [
      ['Owner', owner(env.owner, mentions)],
      ['Team', env.team ? escapeMrkdwn(env.team) : '_none_'],
      ['Tier', tier],
      ['Schedule', schedule],
    ]),
    context(`${escapeMrkdwn(env.locations.join(', '))}`),
    { type: 'divider' },
    ...env.services.map((service) => serviceBlock(service, now)),
    ...(events.length > 0 ? [section(`*Recent ECS events*\n${events.join('\n')}`)] : []),
    ...whyButtons(env.state === 'degraded' ? [env.name] : []),
    context(refreshedFooter),
  ];
  return {
    text: `${escapeMrkdwn(env.name)}: ${env.state}, ${env.running}/${env.desired} tasks in ${env.services.length} services`,
    blocks: capBlocks(blocks, 'Some services are not shown.'),
  };
}
