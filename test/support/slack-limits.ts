/**
 * Slack's documented limits on a message and its blocks, checked the way Slack would refuse a message
 * (`invalid_blocks`, `msg_too_long`): every breach named, so a test can expect none.
 */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** chat.postMessage truncates `text` beyond 40,000 characters. */
  messageText: 40000,
  /** A Home tab or a modal holds up to 100 blocks; a modal's title, submit and close up to 24 characters. */
  viewBlocks: 100,
  modalTitle: 24,
  privateMetadata: 3000,
  callbackId: 255,
  options: 100,
  optionText: 75,
  optionValue: 150,
  inputLabel: 2000,
  placeholder: 150,
} as const;

interface Block {
  type: string;
  block_id?: string;
  text?: { text: string };
  fields?: Array<{ text: string }>;
  elements?: Array<Record<string, unknown>>;
  accessory?: Record<string, unknown>;
}

function elementProblems(where: string, element: Record<string, unknown>, out: string[]): void {
  const text = (element.text as { text?: string } | undefined)?.text;
  const options = element.options as Array<{ text: { text: string }; value: string }> | undefined;
  if (options) {
    if (options.length > SLACK_LIMITS.options) out.push(`${where}: ${options.length} options > ${SLACK_LIMITS.options}`);
    for (const option of options) {
      if (option.text.text.length > SLACK_LIMITS.optionText) out.push(`${where}: option text ${option.text.text.length} > ${SLACK_LIMITS.optionText}`);
      if (option.value.length > SLACK_LIMITS.optionValue) out.push(`${where}: option value ${option.value.length} > ${SLACK_LIMITS.optionValue}`);
    }
  }
  const placeholder = (element.placeholder as { text?: string } | undefined)?.text;
  if (placeholder && placeholder.length > SLACK_LIMITS.placeholder) out.push(`${where}: placeholder ${placeholder.length} > ${SLACK_LIMITS.placeholder}`);
  if (element.type === 'button') {
    if ((text ?? '').length > SLACK_LIMITS.buttonText) out.push(`${where}: button text ${text?.length} > ${SLACK_LIMITS.buttonText}`);
    if (typeof element.value === 'string' && element.value.length > SLACK_LIMITS.buttonValue) out.push(`${where}: button value ${element.value.length} > ${SLACK_LIMITS.buttonValue}`);
  }
  if (typeof element.action_id === 'string' && element.action_id.length > SLACK_LIMITS.actionId) out.push(`${where}: action_id too long`);
  const confirm = element.confirm as { title: { text: string }; text: { text: string }; confirm: { text: string }; deny: { text: string } } | undefined;
  if (confirm) {
    if (confirm.title.text.length > SLACK_LIMITS.confirmTitle) out.push(`${where}: confirm title ${confirm.title.text.length}`);
    if (confirm.text.text.length > SLACK_LIMITS.confirmText) out.push(`${where}: confirm text ${confirm.text.text.length}`);
    for (const button of [confirm.confirm, confirm.deny]) if (button.text.length > SLACK_LIMITS.confirmButton) out.push(`${where}: confirm button ${button.text.length}`);
  }
}

/** Every limit the message breaks; empty when Slack would take it. */
export function slackLimitProblems(message: { text?: unknown; blocks?: unknown }, maxBlocks: number = SLACK_LIMITS.blocks): string[] {
  const out: string[] = [];
  const blocks = (message.blocks ?? []) as Block[];
  if (blocks.length > maxBlocks) out.push(`${blocks.length} blocks > ${maxBlocks}`);
  out.push(...emptyTexts(message.blocks));
  if (typeof message.text === 'string' && message.text.length > SLACK_LIMITS.messageText) out.push(`text ${message.text.length} > ${SLACK_LIMITS.messageText}`);
  blocks.forEach((block, index) => {
    const where = `block ${index} (${block.type})`;
    if (block.block_id && block.block_id.length > SLACK_LIMITS.blockId) out.push(`${where}: block_id too long`);
    switch (block.type) {
      case 'section':
        if (block.text && block.text.text.length > SLACK_LIMITS.sectionText) out.push(`${where}: text ${block.text.text.length} > ${SLACK_LIMITS.sectionText}`);
        if (!block.text && !block.fields) out.push(`${where}: neither text nor fields`);
        if (block.fields && block.fields.length > SLACK_LIMITS.fields) out.push(`${where}: ${block.fields.length} fields > ${SLACK_LIMITS.fields}`);
        for (const field of block.fields ?? []) if (field.text.length > SLACK_LIMITS.fieldText) out.push(`${where}: field ${field.text.length} > ${SLACK_LIMITS.fieldText}`);
        if (block.accessory) elementProblems(`${where} accessory`, block.accessory, out);
        break;
      case 'header':
        if ((block.text?.text ?? '').length > SLACK_LIMITS.headerText) out.push(`${where}: header ${block.text?.text.length} > ${SLACK_LIMITS.headerText}`);
        break;
      case 'context':
        if ((block.elements ?? []).length > SLACK_LIMITS.contextElements) out.push(`${where}: ${block.elements?.length} elements`);
        for (const element of block.elements ?? []) {
          const text = (element as { text?: string }).text;
          if (typeof text === 'string' && text.length > SLACK_LIMITS.sectionText) out.push(`${where}: text ${text.length} > ${SLACK_LIMITS.sectionText}`);
        }
        break;
      case 'actions':
        if ((block.elements ?? []).length > SLACK_LIMITS.actionsElements) out.push(`${where}: ${block.elements?.length} elements`);
        for (const element of block.elements ?? []) elementProblems(where, element, out);
        break;
      case 'input': {
        const input = block as unknown as { label: { text: string }; hint?: { text: string }; element: Record<string, unknown> };
        if (input.label.text.length > SLACK_LIMITS.inputLabel) out.push(`${where}: label ${input.label.text.length} > ${SLACK_LIMITS.inputLabel}`);
        if (input.hint && input.hint.text.length > SLACK_LIMITS.inputLabel) out.push(`${where}: hint ${input.hint.text.length} > ${SLACK_LIMITS.inputLabel}`);
        elementProblems(where, input.element, out);
        break;
      }
    }
  });
  return out;
}

/** Slack refuses a text object with empty text (`invalid_blocks`): every one, anywhere in the blocks. */
function emptyTexts(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) emptyTexts(item, out);
  else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if ((record.type === 'mrkdwn' || record.type === 'plain_text') && record.text === '') out.push(`an empty ${record.type} text`);
    for (const item of Object.values(record)) emptyTexts(item, out);
  }
  return out;
}

/** Every limit a Home tab or modal view breaks: its own fields, then its blocks (up to 100). */
export function slackViewProblems(view: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const key of ['title', 'submit', 'close'] as const) {
    const text = (view[key] as { text?: string } | undefined)?.text;
    if (text !== undefined && text.length > SLACK_LIMITS.modalTitle) out.push(`${key} ${text.length} > ${SLACK_LIMITS.modalTitle}`);
  }
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > SLACK_LIMITS.privateMetadata) out.push(`private_metadata ${view.private_metadata.length}`);
  if (typeof view.callback_id === 'string' && view.callback_id.length > SLACK_LIMITS.callbackId) out.push('callback_id too long');
  return [...out, ...slackLimitProblems({ blocks: view.blocks }, SLACK_LIMITS.viewBlocks)];
}
