import type { App } from '@slack/bolt';
import type { Reply } from '../blocks/common.js';
import { handleClickedCommand, handleEnvCommand, type EnvCommandHandlerDeps } from '../commands/env.js';
import { COMMAND_BUTTONS } from '../commands/registry.js';
import { buttonClickSchema } from '../schema.js';

/**
 * Every button the command registry lists ("Extend 1h" and "Stop now" on a schedule warning, "Stop" and
 * "Snooze" on an idle environment, "Approve" on a request) enters the command pipeline as the clicker: a
 * button that stands for a typed command runs that text, one for a verb nobody types runs its module. So
 * permissions, approvals and the audit trail apply exactly as for `/env`.
 */
export function registerCommandButtons(app: App, deps: EnvCommandHandlerDeps): void {
  for (const button of COMMAND_BUTTONS) {
    app.action(button.actionId, async ({ ack, body, respond }) => {
      await ack();
      const click = buttonClickSchema.parse(body);
      const userId = click.user.id;
      const value = click.actions[0]?.value;
      const channelId = (body as { channel?: { id?: string } }).channel?.id ?? userId;
      const answer = async (reply: Reply) => {
        await respond({ response_type: 'ephemeral', replace_original: false, text: reply.text, blocks: reply.blocks as never });
      };
      const reply =
        'text' in button
          ? await handleEnvCommand({ userId, channelId, text: button.text(value ?? ''), respond: answer }, deps)
          : await handleClickedCommand(button.module, button.args(value), { userId, channelId, respond: answer }, deps);
      if (reply) await answer(reply);
    });
  }
}
