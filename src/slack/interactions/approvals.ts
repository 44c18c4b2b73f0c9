import type { App } from '@slack/bolt';
import { errorMessage, type Logger } from '../../log.js';
import type { ApprovalService } from '../../operations/approval-service.js';
import { APPROVE_ACTION, decisionAnswerText, DENY_ACTION, DENY_MODAL, denyReasonModal, describeRequest } from '../blocks/approval.js';
import { section } from '../blocks/common.js';
import type { Directory } from '../directory.js';
import { buttonClickSchema, denyModalSubmissionSchema } from '../schema.js';
import { escapeMrkdwn } from '../blocks/format.js';
import { cut } from '../../domain/bounded-text.js';

export interface ApprovalInteractionDeps {
  approvals: ApprovalService;
  directory: Directory;
  logger: Logger;
}

/** Approve and Deny buttons, and the modal that asks for a reason to deny. */
export function registerApprovalInteractions(app: App, deps: ApprovalInteractionDeps): void {
  const subjectOf = async (userId: string) => ({ userId, groupIds: await deps.directory.groupsOf(userId) });

  app.action(APPROVE_ACTION, async ({ ack, body, respond }) => {
    await ack();
    const click = buttonClickSchema.parse(body);
    const id = Number(click.actions[0]?.value);
    const answer = await deps.approvals.decide(id, await subjectOf(click.user.id), 'approve', null).then(decisionAnswerText, (error) => `Something went wrong: ${escapeMrkdwn(cut(errorMessage(error)))}`);
    await respond({ response_type: 'ephemeral', replace_original: false, text: answer, blocks: [section(answer)] });
  });

  app.action(DENY_ACTION, async ({ ack, body, client }) => {
    await ack();
    const click = buttonClickSchema.parse(body);
    const id = Number(click.actions[0]?.value);
    const request = deps.approvals.pending().find((a) => a.id === id);
    // The modal only asks for a reason; whether the click counts is judged when it is submitted.
    await client.views.open({ trigger_id: click.trigger_id, view: denyReasonModal(id, request ? describeRequest(request) : `request #${id}`) as never });
  });

  app.view(DENY_MODAL, async ({ ack, body, client }) => {
    await ack();
    const submission = denyModalSubmissionSchema.parse(body);
    const id = Number(submission.view.private_metadata);
    const reason = submission.view.state.values.reason?.reason?.value?.trim() || null;
    const answer = await deps.approvals.decide(id, await subjectOf(submission.user.id), 'deny', reason).then(decisionAnswerText, (error) => `Something went wrong: ${escapeMrkdwn(cut(errorMessage(error)))}`);
    await client.chat.postMessage({ channel: submission.user.id, text: answer }).catch((error) => deps.logger.warn('could not tell the approver', { error: errorMessage(error) }));
  });
}
