import type { App } from '@slack/bolt';
import { EXTEND_ACTION, STOP_NOW_ACTION } from '../blocks/scheduler.js';
import { handleEnvCommand, type EnvCommandHandlerDeps } from '../commands/env.js';
import { buttonClickSchema } from '../schema.js';

/**
 * The buttons on a "will be parked soon" warning. Each is the command a person would type, run as the
 * clicker, so permissions, approvals and the audit trail apply exactly as for `/env extend` and `/env stop`.
 */
export function registerScheduleInteractions(app: App, deps: EnvCommandHandlerDeps): void {
  const asCommand = (text: (environment: string) => string) =>
    async ({ ack, body, respond }: { ack: () => Promise<void>; body: unknown; respond: (message: Record<string, unknown>) => Promise<unknown> }) => {
      await ack();
      const click = buttonClickSchema.parse(body);
      const environment = click.actions[0]?.value ?? '';
      const channel = (body as { channel?: { id?: string } }).channel?.id ?? click.user.id;
      const answer = async (reply: { text: string; blocks: unknown[] }) => {
        await respond({ response_type: 'ephemeral', replace_original: false, text: reply.text, blocks: reply.blocks });
      };
      const reply = await handleEnvCommand({ userId: click.user.id, channelId: channel, text: text(environment), respond: answer }, deps);
      if (reply) await answer(reply);
    };
  app.action(EXTEND_ACTION, asCommand((environment) => `extend ${environment} 1h`));
  app.action(STOP_NOW_ACTION, asCommand((environment) => `stop ${environment}`));
}
