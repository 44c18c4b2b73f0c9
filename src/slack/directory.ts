import type { webApi } from '@slack/bolt';
import type { Clock } from '../domain/clock.js';
import { userGroupsListSchema } from './schema.js';

export type SlackClient = webApi.WebClient;

/** Which Slack user groups someone belongs to: what group bindings in the policy are checked against. */
export interface Directory {
  /**
   * `fresh` reads Slack's membership now instead of the copy kept for a few minutes: for deciding an approval,
   * where someone just removed from the approvers' group must no longer count.
   */
  groupsOf(userId: string, options?: { fresh?: boolean }): Promise<string[]>;
}

const CACHE_MS = 5 * 60_000;

/**
 * One usergroups.list call (with members) serves every lookup for five minutes, rather than a call per
 * group per command; an approval decision reads it again (`fresh`; clicks at the same moment share one call).
 * Skipped entirely when the policy binds no groups.
 */
export class SlackDirectory implements Directory {
  private members: Map<string, string[]> | null = null;
  private loadedAt = 0;
  private loading: Promise<Map<string, string[]>> | null = null;

  constructor(
    private readonly client: SlackClient,
    private readonly clock: Clock,
    private readonly policyUsesGroups: boolean,
  ) {}

  private async load(): Promise<Map<string, string[]>> {
    const response = userGroupsListSchema.parse(await this.client.usergroups.list({ include_users: true }));
    const byUser = new Map<string, string[]>();
    for (const group of response.usergroups) {
      for (const user of group.users) byUser.set(user, [...(byUser.get(user) ?? []), group.id]);
    }
    return byUser;
  }

  async groupsOf(userId: string, options: { fresh?: boolean } = {}): Promise<string[]> {
    if (!this.policyUsesGroups) return [];
    const recent = this.members && this.clock.now().getTime() - this.loadedAt < CACHE_MS;
    if (!recent || options.fresh) {
      this.loading ??= this.load()
        .then((members) => {
          this.members = members;
          this.loadedAt = this.clock.now().getTime();
          return members;
        })
        .finally(() => {
          this.loading = null;
        });
      await this.loading;
    }
    return this.members?.get(userId) ?? [];
  }
}

/** A fixed membership table, for the demo console and tests that run without Slack. */
export class StaticDirectory implements Directory {
  constructor(private readonly groups: Readonly<Record<string, readonly string[]>>) {}

  async groupsOf(userId: string): Promise<string[]> {
    return [...(this.groups[userId] ?? [])];
  }
}
