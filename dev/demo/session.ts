import type { Dockhand } from '../../src/main.js';
import { decisionAnswerText } from '../../src/slack/blocks/approval.js';
import type { Directory } from '../../src/slack/directory.js';
import { withMentions } from './mentions.js';
import { blocksToText } from './render-text.js';
import { slackMarkupToText } from './slack-markup.js';
import { DEMO_USERS, type DemoUser } from './users.js';

export const CONSOLE_HELP = `Type a slash command as the current user, e.g. /env list, /env status staging-3, /env help.
  @name       mentions a demo user (or @platform), as Slack's autocomplete would: /env grant @sam viewer dev-* 2h
  as <name>   switch user (${DEMO_USERS.map((u) => u.name).join(', ')})
  approve <n> / deny <n> [reason]   click Approve / Deny on approval request n, as the current user (deny asks for a reason)
  users       who is who
  quit        stop the demo (or Ctrl-D)`;

export interface LineAnswer {
  output: string | null;
  quit?: boolean;
}

/**
 * The console's state between typed lines: who is acting, and a Deny waiting for its reason. Like Slack's Deny
 * (a form with an optional reason), `deny <n>` asks for the reason on the next line; Enter alone gives none.
 */
export class DemoSession {
  user: DemoUser = DEMO_USERS[0] as DemoUser;
  private denying: number | null = null;

  constructor(private readonly dockhand: Pick<Dockhand, 'handle' | 'approvals'>, private readonly directory: Directory) {}

  get prompt(): string {
    return this.denying === null ? `${this.user.name}> ` : `reason for denying #${this.denying}, shown to the requester (Enter for none)> `;
  }

  async line(raw: string): Promise<LineAnswer> {
    const line = raw.trim();
    if (this.denying !== null) {
      const id = this.denying;
      this.denying = null;
      return { output: await this.decide(id, 'deny', line || null) };
    }
    if (line === 'quit' || line === 'exit') return { output: null, quit: true };
    if (line === 'users') {
      const rows = DEMO_USERS.map((u) => `  ${`@${u.name}`.padEnd(7)} ${u.userId.padEnd(8)} ${u.about}`);
      return { output: `${rows.join('\n')}\n  (type @name in a command, e.g. /env grant @sam viewer dev-* 2h; the console sends <@U…> as Slack does)` };
    }
    if (line.startsWith('as ')) {
      const name = line.slice(3).trim().replace(/^@/, '');
      const next = DEMO_USERS.find((u) => u.name === name);
      if (next) this.user = next;
      return { output: next ? `now acting as ${next.name} (${next.about})` : `no demo user called ${name}; try: users` };
    }
    if (line.startsWith('/env')) {
      const reply = await this.dockhand.handle({ userId: this.user.userId, channelId: 'CDEMO', text: withMentions(line.slice(4).trim()) });
      return { output: reply ? blocksToText(reply.blocks) : null };
    }
    const decision = /^(approve|deny) (\d+)(?:\s+(.*))?$/.exec(line);
    if (decision) {
      const [, verb, id, reason] = decision;
      if (verb === 'deny' && !reason) {
        this.denying = Number(id);
        return { output: null };
      }
      return { output: await this.decide(Number(id), verb as 'approve' | 'deny', reason ?? null) };
    }
    return { output: line ? CONSOLE_HELP : null };
  }

  private async decide(id: number, decision: 'approve' | 'deny', reason: string | null): Promise<string> {
    const subject = { userId: this.user.userId, groupIds: await this.directory.groupsOf(this.user.userId) };
    return slackMarkupToText(decisionAnswerText(await this.dockhand.approvals.decide(id, subject, decision, reason)));
  }
}
