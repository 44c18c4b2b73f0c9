import type { Environment, EnvironmentState } from '../../domain/environments.js';
import type { RefreshRecord } from '../../store/inventory-store.js';
import { clipText, context, fieldsSection, header, MAX_BLOCKS, MAX_SECTION_TEXT, section, type KnownBlock, type Reply } from './common.js';
import { ago, code, escapeMrkdwn, owner, STATE_EMOJI } from './format.js';
import { whyButtons } from './why.js';

const STATE_ORDER: EnvironmentState[] = ['running', 'partial', 'transitioning', 'degraded', 'stopped'];
/** What needs someone first, worst first; then running outside its schedule. */
const PROBLEM_ORDER: EnvironmentState[] = ['degraded', 'partial', 'transitioning'];
/** Slack lets a response_url be used five times: the most messages one `/env list` answers with. */
export const MAX_LIST_MESSAGES = 5;

export interface ListView {
  environments: readonly Environment[];
  filter: string | null;
  orphanServices: number;
  lastRefresh: RefreshRecord | undefined;
  /** Whether the viewer may see why a location could not be read (`maySeeAccountIds`). */
  errorDetails?: boolean;
  /** When the snapshot shown for an account and region was read from AWS (not when a refresh last tried). */
  locationReadAt?: (account: string, region: string) => string | undefined;
  now: Date;
  /** A one-line schedule summary per environment name. */
  schedules: ReadonlyMap<string, string>;
  /** Environments with tasks running while their schedule says they should be parked (no override). */
  outsideSchedule?: ReadonlySet<string>;
}

function tierLabel(env: Environment): string {
  return env.tier === 'production' ? '*prod*' : 'non-prod';
}

function line(env: Environment, schedule: string | undefined, extra: string | null): string {
  return `${STATE_EMOJI[env.state]} ${code(env.name)} ${env.state} · ${env.running}/${env.desired} tasks${extra ? ` · ${extra}` : ''} · ${owner(env.owner)}${schedule ? ` · ${schedule}` : ''}`;
}

/** One environment in a line: state, tasks, tier, owner, and its schedule summary when given (`/env list`, the App Home). */
export function environmentLine(env: Environment, schedule: string | undefined): string {
  return line(env, schedule, tierLabel(env));
}

const MAX_ERROR = 200;

/**
 * How fresh what is shown is. With `details` (the viewer may see fleet errors, `maySeeAccountIds`), a location
 * the last refresh could not read is named with the error and the true age of its snapshot: the time it was
 * last read, not the time of the attempt that failed. Without, it says only that part of the fleet could not
 * be read, since the error names accounts, roles and resources the viewer may not see.
 */
export function refreshFooter(lastRefresh: RefreshRecord | undefined, now: Date, locationReadAt?: (account: string, region: string) => string | undefined, details = false): string {
  if (!lastRefresh) return 'The fleet has not been read from AWS yet; try again in a minute or run `/env refresh`.';
  const failed = lastRefresh.failedLocations;
  const read = `${ago(lastRefresh.finishedAt, now)} (${lastRefresh.awsCalls} AWS calls)`;
  if (lastRefresh.errors.length === 0 && failed.length === 0) return `Read from AWS ${read}`;
  if (!details) return `Last refresh ${read} could not read part of the fleet: :warning: some of what is shown may be out of date. Someone who can view every environment sees the details with \`/env refresh\`.`;
  if (failed.length === 0) return `Read from AWS ${read} · :warning: ${lastRefresh.errors.length} location(s) failed, showing their last snapshot`;
  const lines = failed.map((location) => {
    const readAt = locationReadAt?.(location.account, location.region);
    const error = location.error.length > MAX_ERROR ? `${location.error.slice(0, MAX_ERROR - 1)}…` : location.error;
    const shown = readAt ? `showing what was read from AWS ${ago(readAt, now)}` : 'nothing read from it yet';
    return `:warning: \`${escapeMrkdwn(location.region)}\` of ${escapeMrkdwn(location.accountName)} failed (${escapeMrkdwn(error)}): ${shown}`;
  });
  return [`Last refresh ${read} could not read everything:`, ...lines].join('\n');
}

function stateCounts(environments: readonly Environment[]): string {
  return STATE_ORDER.map((state) => [state, environments.filter((e) => e.state === state).length] as const)
    .filter(([, count]) => count > 0)
    .map(([state, count]) => `${count} ${state}`)
    .join(' · ');
}

/** A block and how many environments it lists, so a message that has to stop can say how many it left out. */
interface Listed {
  block: KnownBlock;
  environments: number;
}

/** Lines packed into as few sections as the 3,000-character limit allows, each counting the lines it holds. */
function packed(lines: readonly string[]): Listed[] {
  const out: Listed[] = [];
  let current: string[] = [];
  let length = 0;
  for (const raw of lines) {
    const text = clipText(raw, MAX_SECTION_TEXT);
    if (current.length > 0 && length + 1 + text.length > MAX_SECTION_TEXT) {
      out.push({ block: section(current.join('\n')), environments: current.length });
      current = [];
      length = 0;
    }
    length += (current.length > 0 ? 1 : 0) + text.length;
    current.push(text);
  }
  if (current.length > 0) out.push({ block: section(current.join('\n')), environments: current.length });
  return out;
}

const plain = (block: KnownBlock): Listed => ({ block, environments: 0 });

/**
 * `/env list` as one or more messages, each within Slack's limits: the counts by state and tier first, then
 * what needs attention (degraded, partial, transitioning, running outside its schedule), then the rest grouped
 * by tier. What does not fit in one message continues in the next, up to `maxMessages`; past that the last
 * one says how many environments it left out and how to narrow the list.
 */
export function listMessages(view: ListView, maxMessages = MAX_LIST_MESSAGES): [Reply, ...Reply[]] {
  const { environments, filter } = view;
  const scope = filter ? ` matching ${code(filter)}` : '';
  const footer = [refreshFooter(view.lastRefresh, view.now, view.locationReadAt, view.errorDetails), view.orphanServices > 0 ? `${view.orphanServices} services belong to no environment` : ''].filter(Boolean).join(' · ');
  if (environments.length === 0) {
    const text = `No environments you can see${scope}.`;
    return [{ text, blocks: [section(text), context(footer)] }];
  }
  const outside = view.outsideSchedule ?? new Set<string>();
  const problemRank = (env: Environment): number => {
    const rank = PROBLEM_ORDER.indexOf(env.state);
    return rank >= 0 ? rank : outside.has(env.name) && env.running > 0 ? PROBLEM_ORDER.length : -1;
  };
  const byName = (a: Environment, b: Environment) => a.name.localeCompare(b.name);
  const problems = environments.filter((env) => problemRank(env) >= 0).sort((a, b) => problemRank(a) - problemRank(b) || byName(a, b));
  const rest = environments.filter((env) => problemRank(env) < 0);
  const counts = stateCounts(environments);
  const tiers = [
    { label: 'Production', envs: rest.filter((e) => e.tier === 'production'), all: environments.filter((e) => e.tier === 'production') },
    { label: 'Non-production', envs: rest.filter((e) => e.tier !== 'production'), all: environments.filter((e) => e.tier !== 'production') },
  ];

  const title = filter ? `Environments matching ${filter}` : 'Environments';
  const items: Listed[] = [
    plain(header(title)),
    plain(
      fieldsSection(`*${environments.length} environments*${scope}: ${counts}`, [
        ['Needs attention', problems.length > 0 ? `:warning: ${problems.length}` : 'none'],
        ...tiers.filter((t) => t.all.length > 0).map(({ label, all }): [string, string] => [label, `${all.length}: ${stateCounts(all)}`]),
      ]),
    ),
    plain(context(footer)),
  ];
  if (problems.length > 0) {
    items.push(plain(section(`*Needs attention* · ${problems.length}`)));
    const problemLine = (env: Environment) => line(env, view.schedules.get(env.name), PROBLEM_ORDER.includes(env.state) ? tierLabel(env) : `${tierLabel(env)} · :warning: running outside its schedule`);
    items.push(...packed(problems.map(problemLine)));
    items.push(...whyButtons(problems.filter((e) => e.state === 'degraded').map((e) => e.name)).map(plain));
  }
  for (const { label, envs } of tiers) {
    if (envs.length === 0) continue;
    const sorted = [...envs].sort((a, b) => STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state) || byName(a, b));
    items.push(plain(section(`*${label}* · ${envs.length}${problems.length > 0 ? ' more' : ''}: ${stateCounts(envs)}`)));
    items.push(...packed(sorted.map((env) => line(env, view.schedules.get(env.name), null))));
  }
  return paginate(items, maxMessages, {
    first: `${environments.length} environments${filter ? ` matching ${escapeMrkdwn(filter)}` : ''}: ${counts}`,
    total: environments.length,
  });
}

/** Splits the blocks into messages of at most 50 blocks; the last one allowed says what it could not show. */
function paginate(items: readonly Listed[], maxMessages: number, texts: { first: string; total: number }): [Reply, ...Reply[]] {
  // One block of each message is kept for "continued" or "not shown".
  const perMessage = MAX_BLOCKS - 1;
  const chunks: Listed[][] = [];
  let at = 0;
  while (at < items.length) {
    // A continuation also starts with its "continued" line.
    const size = chunks.length === 0 ? perMessage : perMessage - 1;
    chunks.push(items.slice(at, at + size));
    at += size;
  }
  const shown = chunks.slice(0, maxMessages);
  const pages = shown.length;
  const messages = shown.map((chunk, index): Reply => {
    const blocks = chunk.map((item) => item.block);
    if (index > 0) blocks.unshift(context(`Environments, continued (${index + 1} of ${pages})`));
    return { text: index === 0 ? texts.first : `Environments, continued (${index + 1} of ${pages})`, blocks };
  });
  if (chunks.length > maxMessages) {
    const listed = shown.flat().reduce((sum, item) => sum + item.environments, 0);
    messages[messages.length - 1]!.blocks.push(context(`…${texts.total - listed} more environments not listed. Narrow it with \`/env list <glob>\`.`));
  }
  return messages as [Reply, ...Reply[]];
}

/** The whole list as one message (where only one can be sent): what does not fit is counted, not shown. */
export function listReply(view: ListView): Reply {
  return listMessages(view, 1)[0];
}
