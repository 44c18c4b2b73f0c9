import type { Environment } from './environments.js';
import type { ServiceSnapshot } from './inventory.js';
import { closestNames } from './suggest.js';

/** A service's name as people type it: without the environment's prefix (`worker` for `staging-2-worker`). */
export function shortServiceName(env: Pick<Environment, 'name'>, name: string): string {
  return name.toLowerCase().startsWith(`${env.name.toLowerCase()}-`) ? name.slice(env.name.length + 1) : name;
}

/**
 * The one lookup of a typed service name, for every verb that takes one: its ECS name, then the name with the
 * environment's prefix (`worker` finds `staging-2-worker`), case-insensitively; else the closest names, as typed.
 */
export function lookupService(env: Pick<Environment, 'name' | 'services'>, typed: string): { service: ServiceSnapshot } | { suggestions: string[] } {
  const lower = typed.toLowerCase();
  const service = env.services.find((s) => s.name.toLowerCase() === lower) ?? env.services.find((s) => s.name.toLowerCase() === `${env.name.toLowerCase()}-${lower}`);
  if (service) return { service };
  return { suggestions: closestNames(typed, env.services.map((s) => shortServiceName(env, s.name))) };
}
