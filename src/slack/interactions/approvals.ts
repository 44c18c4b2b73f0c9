import type { App } from '@slack/bolt';
import { requestIdOf } from '../../domain/access/approvals.js';
import { isAllowed } from '../../domain/access/permissions.js';
import { errorMessage, type Logger } from '../../log.js';
import { DENY_ACTION, DENY_MODAL, denyReasonModal, describeRequest } from '../blocks/approval.js';
import { denyCommand } from '../commands/decide.js';
import { handleClickedCommand, refuseOversizedClick, type EnvCommandHandlerDeps } from '../commands/env.js';
import { buttonClickSchema, denyModalSubmissionSchema, oversizedValue } from '../schema.js';
import { clickAnswer } from './command-buttons.js';

/**
 * The Deny button, and the modal that asks for a reason to deny. (Approve is a command button: the
 * registry lists it.) The decision is the deny command's, run when the modal is submitted.
 */
export function registerApprovalInteractions(app: App, deps: EnvCommandHandlerDeps, logger: Logger, answerHosts: ReadonlySet<string>): void {
  app.action(DENY_ACTION, async ({ ack, body, client }) => {
    await ack();
    const click = buttonClickSchema.parse(body);
    const oversized = oversizedValue(click);
    if (oversized) {
      const userId = click.user.id;
      const channelId = (body as { channel?: { id?: string } }).channel?.id ?? userId;
      return void (await clickAnswer(body, answerHosts, client, userId, logger)(await refuseOversizedClick(denyCommand.verb, oversized, { userId, channelId }, deps)));
    }
    const id = requestIdOf(click.actions[0]?.value);
    const request = (await deps.approvals.pending()).find((a) => a.id === id);
    // What is asked for is shown only to someone who may see its environment (else it reads like any request).
    // A failed group lookup must not cost the modal (the trigger expires in 3 s): it then names the request by number.
    const groupIds = request ? await deps.directory.groupsOf(click.user.id).catch(() => null) : null;
    const mayView = request !== undefined && groupIds !== null && isAllowed(await deps.access(), { userId: click.user.id, groupIds }, 'view', request.environment);
    const shown = request && mayView ? describeRequest(request) : `request #${id}`;
    // The modal only asks for a reason; whether the click counts is judged when it is submitted.
    await client.views.open({ trigger_id: click.trigger_id, view: denyReasonModal(id, shown) as never });
  });

  app.view(DENY_MODAL, async ({ ack, body, client }) => {
    await ack();
    const submission = denyModalSubmissionSchema.parse(body);
    const id = requestIdOf(submission.view.private_metadata);
    const reason = submission.view.state.values.reason?.reason?.value?.trim() || null;
    const userId = submission.user.id;
    const reply = await handleClickedCommand(denyCommand, { id, given: submission.view.private_metadata, reason }, { userId, channelId: userId }, deps);
    if (reply) await client.chat.postMessage({ channel: userId, text: reply.text }).catch((error) => logger.warn('could not tell the approver', { error: errorMessage(error) }));
  });
}
