import type { App } from '@slack/bolt';
import { errorMessage, type Logger } from '../../log.js';
import type { ModalView, Reply } from '../blocks/common.js';
import { handleClickedCommand, handleEnvCommand, refuseOversizedClick, type EnvCommandHandlerDeps } from '../commands/env.js';
import { COMMAND_BUTTONS } from '../commands/registry.js';
import type { SlackClient } from '../directory.js';
import { postToResponseUrl, RESPONSE_URL_DEADLINE_MS } from '../response-url.js';
import { buttonClickSchema, oversizedValue } from '../schema.js';

/** An answer for one person by DM: where a click has no message to answer under (the App Home) or a form was submitted. */
export function directAnswer(client: Pick<SlackClient, 'chat'>, userId: string, logger: Logger): (reply: Reply) => Promise<void> {
  return async (reply) => {
    await client.chat.postMessage({ channel: userId, text: reply.text, blocks: reply.blocks as never }).catch((error) => logger.warn('could not answer by DM', { user: userId, error: errorMessage(error) }));
  };
}

/**
 * Every button the command registry lists ("Extend 1h" and "Stop now" on a schedule warning, "Stop" and
 * "Snooze" on an idle environment, "Approve" on a request, the App Home's buttons) enters the command
 * pipeline as the clicker: a button that stands for a typed command runs that text, one for a verb nobody
 * types runs its module. So permissions, approvals and the audit trail apply exactly as for `/env`. A click
 * on a message is answered privately under it; one on the App Home (no message, no response URL) by DM.
 */
/**
 * Where a click is answered: privately under its message (the response URL, only if it is one of Slack's
 * `hosts`, as for `/env`, and under a deadline), or by DM where it has none.
 */
export function clickAnswer(body: unknown, hosts: ReadonlySet<string>, client: Pick<SlackClient, 'chat'>, userId: string, logger: Logger): (reply: Reply) => Promise<void> {
  const responseUrl = (body as { response_url?: unknown }).response_url;
  if (typeof responseUrl !== 'string') return directAnswer(client, userId, logger);
  return async (reply) => {
    await postToResponseUrl(responseUrl, { response_type: 'ephemeral', replace_original: false, text: reply.text, blocks: reply.blocks }, RESPONSE_URL_DEADLINE_MS, hosts);
  };
}

export function registerCommandButtons(app: App, deps: EnvCommandHandlerDeps, answerHosts: ReadonlySet<string>): void {
  for (const button of COMMAND_BUTTONS) {
    app.action(button.actionId, async ({ ack, body, client }) => {
      await ack();
      const click = buttonClickSchema.parse(body);
      const userId = click.user.id;
      const channelId = (body as { channel?: { id?: string } }).channel?.id ?? userId;
      const answer = clickAnswer(body, answerHosts, client, userId, deps.logger);
      // Bounded before any grammar or id parser sees it.
      const oversized = oversizedValue(click);
      if (oversized) return void (await answer(await refuseOversizedClick(button.module.verb, oversized, { userId, channelId }, deps)));
      const value = click.actions[0]?.value;
      const openModal = async (view: ModalView) => {
        await client.views.open({ trigger_id: click.trigger_id, view });
      };
      const reply =
        'text' in button
          ? await handleEnvCommand({ userId, channelId, text: button.text(value ?? ''), respond: answer, openModal }, deps)
          : await handleClickedCommand(button.module, button.args(value), { userId, channelId, respond: answer, openModal }, deps);
      if (reply) await answer(reply);
    });
  }
}
