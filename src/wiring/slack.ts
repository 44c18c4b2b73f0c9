import { DEFAULT_SLACK_CONNECT_TIMEOUT_SECONDS } from '../config/env.js';
import { ConfigError } from '../config/load.js';
import { silentOutbound, type Outbound } from '../outbound.js';
import { createSlackApp, type SlackApp, type SlackListenerDeps } from '../slack/app.js';
import { SlackCharts, uploadClientOf } from '../slack/charts.js';
import { SlackDirectory, type Directory } from '../slack/directory.js';
import { SlackMembers } from '../slack/members.js';
import { SlackOutbound } from '../slack/outbound.js';
import type { DockhandOptions } from './options.js';
import type { Shared } from './shared.js';

/**
 * The Bolt app, built but not yet listening (`listenOnSlack` does that, last) nor connected (activation
 * does that); null when Slack is off.
 */
export function slackAppOf(options: Pick<DockhandOptions, 'env' | 'slack'>, { logger, metrics }: Shared): SlackApp | null {
  if (!options.slack) return null;
  const { env } = options;
  if (!env.SLACK_BOT_TOKEN) throw new ConfigError('the environment', ['SLACK_BOT_TOKEN: got missing; is required to connect to Slack']);
  return createSlackApp({
    botToken: env.SLACK_BOT_TOKEN,
    signingSecret: env.SLACK_SIGNING_SECRET,
    appToken: env.SLACK_APP_TOKEN,
    slackApiUrl: env.SLACK_API_URL,
    logger,
    observer: metrics,
    connectDeadlineMs: (env.SLACK_CONNECT_TIMEOUT_SECONDS ?? DEFAULT_SLACK_CONNECT_TIMEOUT_SECONDS) * 1000,
  });
}

/** The workspace as dockhand sees it: where it posts and whom it asks about people; Slack's client when connected, else the given or silent ones. */
export interface Workspace {
  /** Everything dockhand tells people: progress, approvals, DMs, scheduler reports, alerts, digests. */
  outbound: Outbound;
  /** Who is in which user group (group bindings). */
  directory: Directory;
  /** Who is active in the workspace (the "owner gone" idle rule); null without Slack. */
  members: SlackMembers | null;
}

const NO_GROUPS: Directory = { groupsOf: async () => [] };

export function workspaceOf(slack: SlackApp | null, options: Pick<DockhandOptions, 'outbound' | 'directory'>, { policy, clock, logger, metrics }: Shared): Workspace {
  if (!slack) return { outbound: options.outbound ?? silentOutbound(logger), directory: options.directory ?? NO_GROUPS, members: null };
  const { client } = slack;
  const usesGroups = policy.bindings.some((b) => b.subjects.some((s) => s.startsWith('group:')));
  const members = new SlackMembers(client, clock, logger);
  return {
    // One outbound for everything dockhand posts, so every channel stays within Slack's rate together.
    outbound: options.outbound ?? new SlackOutbound(client, { logger, observer: metrics, ownerMentions: () => members.ownerMentions(), charts: new SlackCharts(uploadClientOf(client), { logger }) }),
    directory: options.directory ?? new SlackDirectory(client, clock, usesGroups),
    members,
  };
}

/** The inbound side, last: /env, the buttons and the approval clicks, once everything they call exists. */
export function listenOnSlack(slack: SlackApp | null, deps: SlackListenerDeps): void {
  slack?.listen(deps);
}
