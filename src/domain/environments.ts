import { matchesAny } from './glob.js';
import type { Capacity, ServiceSnapshot, Tier } from './inventory.js';

export type EnvironmentState = 'running' | 'stopped' | 'partial' | 'degraded' | 'transitioning';

export interface Environment {
  name: string;
  tier: Tier;
  owner: string | null;
  team: string | null;
  /** Where its services live, e.g. ["111111111111/us-east-1"]. */
  locations: string[];
  services: ServiceSnapshot[];
  state: EnvironmentState;
  running: number;
  desired: number;
}

export interface EnvironmentRules {
  mode: 'tag' | 'cluster';
  tagKey: string;
  ownerTagKey: string;
  teamTagKey: string;
  tierTagKey: string;
  clusterGlobs: string[];
  productionGlobs: string[];
}

/**
 * Which environment a service belongs to: by its own tag, else its cluster's tag (mode `tag`),
 * or by its cluster's name (mode `cluster`). Null means it belongs to none.
 */
export function environmentNameOf(
  rules: EnvironmentRules,
  service: { tags: Record<string, string> },
  cluster: { name: string; tags: Record<string, string> },
): string | null {
  if (rules.mode === 'cluster') return matchesAny(rules.clusterGlobs, cluster.name) ? cluster.name : null;
  const name = service.tags[rules.tagKey] ?? cluster.tags[rules.tagKey];
  return name?.trim() ? name.trim() : null;
}

function isDeploying(service: ServiceSnapshot): boolean {
  return service.deployments.length > 1 || service.deployments.some((d) => d.rolloutState === 'IN_PROGRESS');
}

function isFailing(service: ServiceSnapshot): boolean {
  return service.deployments.some((d) => d.rolloutState === 'FAILED') || (service.desired > 0 && service.running === 0 && service.pending === 0);
}

/**
 * degraded beats transitioning: a failing rollout is "in progress" too, and people need to see it is stuck.
 * `stopped` here means every service is at zero; issue-3 parking records will tell parked from scaled-down.
 */
export function environmentState(services: readonly ServiceSnapshot[]): EnvironmentState {
  const active = services.filter((s) => s.desired > 0);
  if (active.length === 0) return services.some((s) => s.running > 0) ? 'transitioning' : 'stopped';
  if (active.some(isFailing)) return 'degraded';
  if (services.some((s) => isDeploying(s) || s.running !== s.desired)) {
    const shortWithoutRollout = services.some((s) => s.running < s.desired && !isDeploying(s) && s.pending === 0);
    return shortWithoutRollout ? 'degraded' : 'transitioning';
  }
  return active.length < services.length ? 'partial' : 'running';
}

/** The value most of the environment's services agree on, so one stray tag does not rename an owner. */
function commonTag(services: readonly ServiceSnapshot[], key: string): string | null {
  const counts = new Map<string, number>();
  for (const service of services) {
    const value = service.tags[key];
    if (value) counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  let best: string | null = null;
  let bestCount = 0;
  for (const [value, count] of counts) {
    if (count > bestCount || (count === bestCount && best !== null && value < best)) [best, bestCount] = [value, count];
  }
  return best;
}

export function tierOf(rules: EnvironmentRules, name: string, services: readonly ServiceSnapshot[]): Tier {
  const tagged = commonTag(services, rules.tierTagKey)?.toLowerCase();
  if (tagged === 'production' || tagged === 'prod') return 'production';
  if (tagged === 'non-production') return 'non-production';
  return matchesAny(rules.productionGlobs, name) ? 'production' : 'non-production';
}

export function groupEnvironments(rules: EnvironmentRules, services: readonly ServiceSnapshot[]): Environment[] {
  const byName = new Map<string, ServiceSnapshot[]>();
  for (const service of services) {
    if (service.environment === null) continue;
    const members = byName.get(service.environment) ?? [];
    members.push(service);
    byName.set(service.environment, members);
  }
  return [...byName.entries()]
    .map(([name, members]) => {
      const sorted = [...members].sort((a, b) => a.name.localeCompare(b.name));
      return {
        name,
        tier: tierOf(rules, name, sorted),
        owner: commonTag(sorted, rules.ownerTagKey),
        team: commonTag(sorted, rules.teamTagKey),
        locations: [...new Set(sorted.map((s) => `${s.account}/${s.region}`))].sort(),
        services: sorted,
        state: environmentState(sorted),
        running: sorted.reduce((sum, s) => sum + s.running, 0),
        desired: sorted.reduce((sum, s) => sum + s.desired, 0),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
}

export function capacityLabel(capacity: Capacity): string {
  return capacity === 'on-demand' ? 'on-demand' : capacity === 'spot' ? 'Spot' : 'Spot + on-demand';
}
