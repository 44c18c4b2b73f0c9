import type { Environment, EnvironmentState } from '../../domain/environments.js';
import type { RefreshRecord } from '../../store/inventory-store.js';
import { capBlocks, context, linesToSections, section, type Reply } from './common.js';
import { ago, code, escapeMrkdwn, STATE_EMOJI } from './format.js';
import { whyButtons } from './why.js';

const STATE_ORDER: EnvironmentState[] = ['running', 'partial', 'transitioning', 'degraded', 'stopped'];

export interface ListView {
  environments: readonly Environment[];
  filter: string | null;
  orphanServices: number;
  lastRefresh: RefreshRecord | undefined;
  /** When the snapshot shown for an account and region was read from AWS (not when a refresh last tried). */
  locationReadAt?: (account: string, region: string) => string | undefined;
  now: Date;
  /** A one-line schedule summary per environment name. */
  schedules: ReadonlyMap<string, string>;
}

/** One environment in a line: state, tasks, tier, owner, and its schedule summary when given (`/env list`, the App Home). */
export function environmentLine(env: Environment, schedule: string | undefined): string {
  const tier = env.tier === 'production' ? '*prod*' : 'non-prod';
  const owner = env.owner ? escapeMrkdwn(env.owner) : '_no owner_';
  return `${STATE_EMOJI[env.state]} ${code(env.name)} ${env.state} · ${env.running}/${env.desired} tasks · ${tier} · ${owner}${schedule ? ` · ${schedule}` : ''}`;
}

const MAX_ERROR = 200;

/**
 * How fresh what is shown is. A location the last refresh could not read is named with the error and the
 * true age of its snapshot: the time it was last read, not the time of the attempt that failed.
 */
export function refreshFooter(lastRefresh: RefreshRecord | undefined, now: Date, locationReadAt?: (account: string, region: string) => string | undefined): string {
  if (!lastRefresh) return 'The fleet has not been read from AWS yet; try again in a minute or run `/env refresh`.';
  const failed = lastRefresh.failedLocations;
  if (failed.length === 0 && lastRefresh.errors.length > 0) {
    return `Read from AWS ${ago(lastRefresh.finishedAt, now)} (${lastRefresh.awsCalls} AWS calls) · :warning: ${lastRefresh.errors.length} location(s) failed, showing their last snapshot`;
  }
  if (failed.length === 0) return `Read from AWS ${ago(lastRefresh.finishedAt, now)} (${lastRefresh.awsCalls} AWS calls)`;
  const lines = failed.map((location) => {
    const readAt = locationReadAt?.(location.account, location.region);
    const error = location.error.length > MAX_ERROR ? `${location.error.slice(0, MAX_ERROR - 1)}…` : location.error;
    const shown = readAt ? `showing what was read from AWS ${ago(readAt, now)}` : 'nothing read from it yet';
    return `:warning: \`${escapeMrkdwn(location.region)}\` of ${escapeMrkdwn(location.accountName)} failed (${escapeMrkdwn(error)}): ${shown}`;
  });
  return [`Last refresh ${ago(lastRefresh.finishedAt, now)} (${lastRefresh.awsCalls} AWS calls) could not read everything:`, ...lines].join('\n');
}

export function listReply(view: ListView): Reply {
  const { environments, filter } = view;
  const scope = filter ? ` matching ${code(filter)}` : '';
  if (environments.length === 0) {
    const text = `No environments you can see${scope}.`;
    return { text, blocks: [section(text), context(refreshFooter(view.lastRefresh, view.now, view.locationReadAt))] };
  }
  const counts = STATE_ORDER.map((state) => [state, environments.filter((e) => e.state === state).length] as const)
    .filter(([, count]) => count > 0)
    .map(([state, count]) => `${count} ${state}`)
    .join(' · ');
  const summary = `*${environments.length} environments*${scope}: ${counts}`;
  const footer = [refreshFooter(view.lastRefresh, view.now, view.locationReadAt), view.orphanServices > 0 ? `${view.orphanServices} services belong to no environment` : '']
    .filter(Boolean)
    .join(' · ');
  const degraded = environments.filter((env) => env.state === 'degraded').map((env) => env.name);
  const blocks = capBlocks(
    [section(summary), ...linesToSections(environments.map((env) => environmentLine(env, view.schedules.get(env.name)))), ...whyButtons(degraded), context(footer)],
    'Narrow it with `/env list <glob>`.',
  );
  return { text: `${environments.length} environments${filter ? ` matching ${escapeMrkdwn(filter)}` : ''}: ${counts}`, blocks };
}
