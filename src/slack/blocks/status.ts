
import { capacityLabel, type Environment } from '../../domain/environments.js';
import type { ServiceSnapshot } from '../../domain/inventory.js';
import { capBlocks, context, header, section, type KnownBlock, type Reply } from './common.js';
import { ago, code, escapeMrkdwn, memory, STATE_EMOJI, vcpu } from './format.js';
import { utcMinute } from '../../domain/time-format.js';
import { whyButtons } from './why.js';

const EVENTS_SHOWN = 5;

function deploymentsInFlight(service: ServiceSnapshot): string[] {
  return service.deployments
    .filter((d) => d.rolloutState !== 'COMPLETED' || d.status !== 'PRIMARY')
    .map((d) => {
      const failed = d.failedTasks > 0 ? `, ${d.failedTasks} failed` : '';
      return `${d.status.toLowerCase()} deployment ${d.rolloutState?.toLowerCase() ?? 'in progress'}: ${d.running}/${d.desired} running${failed}`;
    });
}

function serviceLine(service: ServiceSnapshot, now: Date): string {
  const td = service.taskDefinition;
  const shape = td ? `${vcpu(td.cpu)} / ${memory(td.memoryMiB)} · ${td.architecture === 'arm' ? 'ARM' : 'x86'}` : 'task definition unknown';
  const health = service.running < service.desired ? ':warning: ' : '';
  const pending = service.pending > 0 ? ` (${service.pending} pending)` : '';
  const flight = deploymentsInFlight(service);
  return [
    `${health}*${escapeMrkdwn(service.name)}* ${service.running}/${service.desired} running${pending} · ${capacityLabel(service.capacity)} · ${shape}`,
    `last deploy ${ago(service.lastDeployAt, now)}${td ? ` · ${code(td.family)}` : ''} · cluster ${code(service.cluster)}`,
    ...flight.map((f) => `:hourglass_flowing_sand: ${f}`),
  ].join('\n');
}

function recentEvents(env: Environment): string[] {
  return env.services
    .flatMap((service) => service.events.map((event) => ({ service: service.name, ...event })))
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, EVENTS_SHOWN)
    .map((e) => `${utcMinute(e.at)}Z · ${escapeMrkdwn(e.service)}: ${escapeMrkdwn(e.message)}`);
}

export function statusReply(env: Environment, now: Date, refreshedFooter: string, schedule: string): Reply {
  const tier = env.tier === 'production' ? 'production' : 'non-production';
  const facts = [
    `${STATE_EMOJI[env.state]} *${env.state}* · ${env.running}/${env.desired} tasks · ${tier}`,
    `owner ${env.owner ? escapeMrkdwn(env.owner) : '_none_'} · team ${env.team ? escapeMrkdwn(env.team) : '_none_'} · ${escapeMrkdwn(env.locations.join(', '))}`,
    schedule,
  ].join('\n');
  const events = recentEvents(env);
  const blocks: KnownBlock[] = [
    header(`${env.name}`),
    section(facts),
    { type: 'divider' },
    ...env.services.map((service) => section(serviceLine(service, now))),
    ...(events.length > 0 ? [section(`*Recent ECS events*\n${events.join('\n')}`)] : []),
    ...whyButtons(env.state === 'degraded' ? [env.name] : []),
    context(refreshedFooter),
  ];
  return {
    text: `${escapeMrkdwn(env.name)}: ${env.state}, ${env.running}/${env.desired} tasks in ${env.services.length} services`,
    blocks: capBlocks(blocks, 'Some services are not shown.'),
  };
}
