import { DEMO_GROUPS, DEMO_USERS } from './users.js';

/**
 * What Slack's @-autocomplete does: `@sam` typed in the console becomes `<@U0SAM>`, `@platform` the user
 * group's `<!subteam^S0PLATFORM>`. Names the demo does not know stay as typed, so dockhand answers them as
 * Slack would (not a user). One pass, no backtracking.
 */
export function withMentions(text: string): string {
  return text.replace(/(^|\s)@([A-Za-z][\w.-]*)/g, (whole, before: string, name: string) => {
    const lower = name.toLowerCase();
    const user = DEMO_USERS.find((u) => u.name === lower);
    if (user) return `${before}<@${user.userId}>`;
    const group = Object.entries(DEMO_GROUPS).find(([, groupName]) => groupName === lower);
    return group ? `${before}<!subteam^${group[0]}>` : whole;
  });
}
