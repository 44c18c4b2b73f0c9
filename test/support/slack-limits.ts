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
export function slackLimitProblems(message: { text?: unknown; blocks?: unknown }): string[] {
  const out: string[] = [];
  const blocks = (message.blocks ?? []) as Block[];
  if (blocks.length > SLACK_LIMITS.blocks) out.push(`${blocks.length} blocks > ${SLACK_LIMITS.blocks}`);
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
    }
  });
  return out;
}
