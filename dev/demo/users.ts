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
