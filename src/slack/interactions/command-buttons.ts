import type { App } from '@slack/bolt';
import { IDLE_SNOOZE_ACTION, IDLE_STOP_ACTION } from '../blocks/idle.js';
import { EXTEND_ACTION, STOP_NOW_ACTION } from '../blocks/scheduler.js';
import type { Reply } from '../blocks/common.js';
import type { SnoozeResult } from '../commands/idle.js';
import { handleEnvCommand, type EnvCommandHandlerDeps } from '../commands/env.js';
import { authorizedEnvironment } from '../commands/environment.js';
import { buttonClickSchema } from '../schema.js';

type ButtonArgs = { ack: () => Promise<void>; body: unknown; respond: (message: Record<string, unknown>) => Promise<unknown> };

/**
 * Buttons that stand for a command: "Extend 1h" and "Stop now" on a schedule warning, "Stop" on an idle
 * environment. Each runs as the command a person would type, as the clicker, so permissions, approvals and
 * the audit trail apply exactly as for `/env extend` and `/env stop`.
 */
export function registerCommandButtons(app: App, deps: EnvCommandHandlerDeps, snooze: (environment: string, userId: string, now: Date) => SnoozeResult): void {
  const clicked = (body: unknown, respond: ButtonArgs['respond']) => {
    const click = buttonClickSchema.parse(body);
    const answer = async (reply: Reply) => {
      await respond({ response_type: 'ephemeral', replace_original: false, text: reply.text, blocks: reply.blocks });
    };
    return { userId: click.user.id, environment: click.actions[0]?.value ?? '', channel: (body as { channel?: { id?: string } }).channel?.id ?? click.user.id, answer };
  };
  const asCommand =
    (text: (environment: string) => string) =>
    async ({ ack, body, respond }: ButtonArgs) => {
      await ack();
      const { userId, environment, channel, answer } = clicked(body, respond);
      const reply = await handleEnvCommand({ userId, channelId: channel, text: text(environment), respond: answer }, deps);
      if (reply) await answer(reply);
    };
  app.action(EXTEND_ACTION, asCommand((environment) => `extend ${environment} 1h`));
  app.action(STOP_NOW_ACTION, asCommand((environment) => `stop ${environment}`));
  app.action(IDLE_STOP_ACTION, asCommand((environment) => `stop ${environment}`));

  // Snoozing hides an environment from /env idle and digests: it takes the same permission as stopping it.
  app.action(IDLE_SNOOZE_ACTION, async ({ ack, body, respond }: ButtonArgs) => {
    await ack();
    const { userId, environment, answer } = clicked(body, respond);
    const subject = { userId, groupIds: await deps.directory.groupsOf(userId) };
    const access = deps.access();
    const found = authorizedEnvironment(environment, 'stop', { fleet: deps.fleet, access: () => access, subject });
    if ('refusal' in found) {
      const { refusal } = found;
      deps.audit.record({ at: deps.clock.now().toISOString(), actor: userId, verb: 'snooze', environment: refusal.environment ?? environment, params: {}, outcome: refusal.outcome, detail: refusal.detail ?? null, durationMs: null });
      if (refusal.reply) await answer(refusal.reply);
      return;
    }
    const result = snooze(environment, userId, deps.clock.now());
    deps.audit.record({ at: deps.clock.now().toISOString(), actor: userId, verb: 'snooze', environment, params: { until: result.until.toISOString() }, outcome: 'ok', detail: null, durationMs: null });
    await answer(result.reply);
  });
}
