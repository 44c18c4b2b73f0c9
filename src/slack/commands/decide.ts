import { requestIdOf } from '../../domain/access/approvals.js';
import { cut } from '../../domain/bounded-text.js';
import { errorMessage } from '../../log.js';
import type { Decision } from '../../operations/approval-service.js';
import { APPROVE_ACTION, decisionAnswerText } from '../blocks/approval.js';
import { section } from '../blocks/common.js';
import { escapeMrkdwn } from '../blocks/format.js';
import type { CommandModule } from './command-module.js';
import type { CommandContext, CommandOutcome } from './context.js';

interface DecisionArgs {
  /** The approval request's id, as the button or the deny modal carries it (0: not an id). */
  id: number;
  /** The value the click carried (bounded: see oversizedValue), for the audit row of an unknown request. */
  given?: string;
  reason: string | null;
}

/**
 * Approve and Deny (nobody types them). The approval service judges the click itself, after its own
 * lookups and as one compare-and-set (it holds `approve`, it is not the requester's, it is in time), and
 * records the audit row, so double clicks count once; the answer is for the clicker only.
 */
async function decide(decision: Decision, { id, given, reason }: DecisionArgs, ctx: CommandContext): Promise<CommandOutcome> {
  const answer = await ctx.approvals.decide(id, ctx.subject, decision, reason, given).then(decisionAnswerText, (error) => `Something went wrong: ${escapeMrkdwn(cut(errorMessage(error)))}`);
  return { reply: { text: answer, blocks: [section(answer)] }, outcome: 'ok' };
}

export const approveCommand: CommandModule<DecisionArgs> = {
  verb: 'approve',
  typed: null,
  buttons: [{ actionId: APPROVE_ACTION, args: (value) => ({ id: requestIdOf(value), given: value ?? '', reason: null }) }],
  permission: () => null,
  audits: 'service',
  run: (args, ctx) => decide('approve', args, ctx),
};

/** Invoked by the deny modal's submission (the Deny button only opens the modal, to ask for a reason). */
export const denyCommand: CommandModule<DecisionArgs> = {
  verb: 'deny',
  typed: null,
  permission: () => null,
  audits: 'service',
  run: (args, ctx) => decide('deny', args, ctx),
};
