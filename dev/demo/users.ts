/** The people of the demo: who they are in Slack and which user groups they belong to. */
export interface DemoUser {
  name: string;
  userId: string;
  groups: string[];
  about: string;
}

export const DEMO_USERS: readonly DemoUser[] = [
  { name: 'maria', userId: 'U0MARIA', groups: [], about: 'developer on dev-*, qa-*, staging-*' },
  { name: 'lee', userId: 'U0LEE', groups: ['S0PLATFORM'], about: 'lead on every environment, through the @platform user group' },
  { name: 'admin', userId: 'U0ADMIN', groups: [], about: 'admin on every environment' },
  { name: 'sam', userId: 'U0SAM', groups: [], about: 'no binding at all' },
];

export function demoGroups(): Record<string, string[]> {
  return Object.fromEntries(DEMO_USERS.map((user) => [user.userId, user.groups]));
}

/** The demo workspace's user groups and channels, by id: what the console shows for `<!subteam^…>` and `<#C…>`. */
export const DEMO_GROUPS: Readonly<Record<string, string>> = { S0PLATFORM: 'platform' };
export const DEMO_CHANNELS: Readonly<Record<string, string>> = {
  CDEMO: 'demo',
  C0SCHEDULE: 'schedule',
  C0APPROVALS: 'approvals',
  C0PLATFORM: 'platform',
};

/** Who the console names in Slack markup: demo users by handle, groups and channels by name. */
export interface DemoNames {
  user(id: string): string | undefined;
  group(id: string): string | undefined;
  channel(id: string): string | undefined;
}

export const DEMO_NAMES: DemoNames = {
  user: (id) => DEMO_USERS.find((u) => u.userId === id)?.name,
  group: (id) => DEMO_GROUPS[id],
  channel: (id) => DEMO_CHANNELS[id],
};
