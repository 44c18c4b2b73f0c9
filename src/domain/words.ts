/** "1 task", "3 tasks": for text in any message, not only Slack's. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
