import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builderCases, NOT_BUILDERS, OWN_IDS, textsOf } from './blocks-fixtures.js';

/**
 * Every Block Kit builder of `src/slack/blocks/`, fed names, tags, owners, reasons and AWS/CloudTrail text an
 * attacker chose, must leave no Slack control sequence from that text in anything Slack parses: every
 * mrkdwn text object (sections, fields, context elements, confirm texts) and the fallback `text`. The
 * hostile values name distinctive ids (U0EVIL, C0EVIL, S0EVIL, evil.example); dockhand's own mentions
 * (ids in OWN_IDS) and date tokens are the only `<…>` allowed. Plain-text objects (headers, buttons, confirm
 * titles, options, modal titles) are not parsed by Slack: there the hostile text must appear as typed, not
 * escaped into `&lt;` that the reader would see.
 */

/** Every control sequence Slack knows, plus a lone `&`, `<` and `>`, and an entity that must not be decoded. */
const SEQUENCES = '<!channel> <!here> <!everyone> <@U0EVIL> <@W0EVIL|x> <https://evil.example|click> <mailto:a@evil.example|m> <#C0EVIL> <!subteam^S0EVIL> <!date^1^{date}^https://evil.example|d> &amp; & < >';
/** A name sits inside inline code: `TICK`BREAK` survives only if its backtick does, closing the span. */
const NAME = `x${SEQUENCES}TICK\`BREAK`;
const TEXT = `see ${SEQUENCES} \`x\` *bold*`;
/** `access_contact`: the administrator's mentions of a person and a group render, the rest stays text. */
const CONTACT = 'ask <@U0APPROVER> or <!subteam^S0PLATFORM> or <!here> or <https://evil.example|here> & co';

const cases = builderCases({ name: NAME, text: TEXT, contact: CONTACT });

const OWN_TOKEN = new RegExp(
  [
    /^<!date\^\d{9,}\^[{}a-z_ ]+\|[0-9:\- A-Za-z]+>$/.source, // dockhand's own date tokens: no link part
    `^<@(?:${OWN_IDS.users.join('|')})>$`,
    `^<!subteam\\^(?:${OWN_IDS.groups.join('|')})>$`,
    `^<#(?:${OWN_IDS.channels.join('|')})>$`,
  ].join('|'),
);

/** What in a mrkdwn text Slack would act on that dockhand did not build: empty when clean. */
export function controlSequences(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/<[^<>]*>?/g)) if (!OWN_TOKEN.test(match[0])) found.push(match[0]);
  for (const match of text.matchAll(/>/g)) {
    const before = text.slice(0, match.index + 1);
    const quote = match.index === 0 || text[match.index - 1] === '\n'; // dockhand's own block quote
    if (!quote && !/<[^<>]*>$/.test(before)) found.push(`a lone > at ${match.index}`);
  }
  for (const match of text.matchAll(/&(?!amp;|lt;|gt;)/g)) found.push(`an unescaped & at ${match.index}`);
  if (/EVIL|evil\.example/.test(text.replace(/&lt;[^<>]*?&gt;|&lt;|&gt;/g, ' '))) {
    // The hostile ids may appear only as escaped text; anywhere else they would have come through raw.
    for (const id of text.matchAll(/<[^>]*(EVIL|evil\.example)[^>]*>/g)) found.push(id[0]);
  }
  // Inside a code span (an odd number of backticks before it), the name's own backtick would close the span.
  for (let at = text.indexOf('TICK`BREAK'); at >= 0; at = text.indexOf('TICK`BREAK', at + 1)) {
    if ((text.slice(0, at).match(/`/g) ?? []).length % 2 === 1) found.push('a backtick closing a code span');
  }
  return [...new Set(found)];
}

/** Plain text is shown as written: escaping it would show the reader `&lt;` for their `<`. */
function escapedPlainText(text: string): string[] {
  return text.includes('&lt;') || text.includes('&gt;') || text.includes('&amp;amp;') ? [text.slice(0, 120)] : [];
}

describe('every Block Kit builder on hostile names, tags, reasons and AWS text', () => {
  it.each(cases.map((c) => [c.label, c] as const))('%s leaves no control sequence', (_label, { build }) => {
    const built = build();
    const { mrkdwn, plain } = textsOf(built);
    expect(mrkdwn.length + plain.length, 'produced text').toBeGreaterThan(0);
    for (const text of mrkdwn) expect(controlSequences(text), text.slice(0, 400)).toEqual([]);
    for (const text of plain) expect(escapedPlainText(text), text.slice(0, 200)).toEqual([]);
  });

  it('covers every exported builder of src/slack/blocks/ (add a case to blocks-fixtures.ts for a new one)', async () => {
    const dir = fileURLToPath(new URL('../../src/slack/blocks/', import.meta.url));
    const exported: string[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const module = (await import(/* @vite-ignore */ pathToFileURL(`${dir}${file}`).href)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(module)) if (typeof value === 'function') exported.push(name);
    }
    const covered = new Set(cases.map((c) => c.builder));
    const uncovered = [...new Set(exported)].filter((name) => !covered.has(name) && !(name in NOT_BUILDERS));
    expect(uncovered).toEqual([]);
    // And no case or exclusion names something that is no longer exported.
    expect([...covered, ...Object.keys(NOT_BUILDERS)].filter((name) => !exported.includes(name))).toEqual([]);
    console.info(`hostile input: ${covered.size} builders over ${cases.length} cases; ${Object.keys(NOT_BUILDERS).length} exports are primitives`);
  });

  it('finds what it looks for, so the checks above are not vacuous', () => {
    expect(controlSequences(`hi ${SEQUENCES} \`a TICK\`BREAK\``)).toEqual(
      expect.arrayContaining(['<!channel>', '<!here>', '<@U0EVIL>', '<https://evil.example|click>', '<#C0EVIL>', '<!subteam^S0EVIL>', 'a backtick closing a code span']),
    );
    expect(controlSequences('a & b')).toHaveLength(1);
    expect(controlSequences('a < b')).toHaveLength(1);
    expect(controlSequences('a > b')).toHaveLength(1);
    expect(controlSequences('<!date^1772445600^{time}|10:00 UTC> <@U0REQ> &lt;@U0EVIL&gt; &amp;')).toEqual([]);
    expect(escapedPlainText('Why is x&lt;!channel&gt; degraded?')).toHaveLength(1);
    // dockhand's own mentions do come through, and escaped text still reads as typed once Slack decodes it.
    const all = (label: string) => textsOf(cases.find((c) => c.label === label)!.build()).mrkdwn.join('\n');
    expect(all('approvalRequestReply (denied)')).toContain('<@U0REQ>');
    expect(all('whoReply (fleet)')).toContain('<@U0ACTOR>');
    expect(all('noAccessReply')).toContain('<@U0APPROVER>');
    expect(all('warningReply (owner in the directory)')).toContain('<@U0OWNER>');
    expect(all('statusReply')).toContain('&lt;!here&gt;');
    expect(textsOf(cases.find((c) => c.label === 'header')!.build()).plain.join('')).toContain('<!channel>');
  });
});
