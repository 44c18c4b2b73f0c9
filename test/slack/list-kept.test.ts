import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { startHarness, type Harness } from '../support/harness.js';
import { askPrivately, blocksText } from '../support/slack-requests.js';

/**
 * `/env list` builds a list once for a burst of the same question (src/slack/commands/list.ts keeps it with
 * the environments it shows). What it shows must still follow every change at once: a schedule set, an
 * extension, a grant and its revocation, the clock passing an edge, the footer's age, a refresh.
 */
// Wednesday 10:00 UTC: business hours.
const clock = new ManualClock('2026-12-02T10:00:00Z');
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ clock, scheduler: false });
});
afterAll(() => h.close());

const ask = (userId: string, text: string) => askPrivately(h.eventsUrl, h.slack, userId, text);
/** qa-1's line of the list as the asker sees it, or '' when it is not listed. */
async function qaLine(userId = 'U0ADMIN'): Promise<string> {
  const blocks = (await ask(userId, 'list qa-1')).body.blocks as Array<{ type: string; text?: { text: string } }>;
  const lines = blocks.flatMap((b) => (b.type === 'section' && b.text ? b.text.text.split('\n') : []));
  return lines.find((line) => /^:[a-z_]+: `qa-1` /.test(line)) ?? '';
}

describe('/env list, asked again, shows what changed since', () => {
  it('the same question twice gives the same list', async () => {
    const first = await ask('U0ADMIN', 'list');
    const second = await ask('U0ADMIN', 'list');
    expect(second.body.blocks).toEqual(first.body.blocks);
  });

  it('a schedule set, then the clock past its edge, then an extension', async () => {
    await ask('U0ADMIN', 'schedule qa-1 weekdays 08:00-18:00 UTC');
    expect(await qaLine()).toContain('weekdays 08:00–18:00 UTC');
    expect(await qaLine()).not.toContain('running outside its schedule');
    // 18:00 passes with qa-1 still running (no scheduler here): the list says so.
    clock.set('2026-12-02T18:05:00Z');
    expect(await qaLine()).toContain('running outside its schedule');
    await ask('U0ADMIN', 'extend qa-1 2h');
    const extended = await qaLine();
    expect(extended).toContain('extended up until');
    expect(extended).not.toContain('running outside its schedule');
    // The extension runs out: outside its schedule again, without anything written.
    clock.set('2026-12-02T20:10:00Z');
    expect(await qaLine()).toContain('running outside its schedule');
    await ask('U0ADMIN', 'schedule qa-1 default');
  });

  it('a grant shows its environments to the person at once, and a revoke hides them at once', async () => {
    expect(await qaLine('U0SAM')).toBe('');
    await ask('U0ADMIN', 'grant <@U0SAM> viewer qa-* 1h');
    expect(await qaLine('U0SAM')).toContain('`qa-1`');
    await ask('U0ADMIN', 'revoke <@U0SAM>');
    expect(await qaLine('U0SAM')).toBe('');
  });

  it('the footer ages with the clock, and a refresh shows the fleet as read', async () => {
    await h.dockhand.refresher.refresh('test');
    expect(blocksText(await ask('U0ADMIN', 'list'))).toContain('Read from AWS 0s ago');
    clock.advance(5 * 60_000);
    expect(blocksText(await ask('U0ADMIN', 'list'))).toContain('Read from AWS 5m ago');
    const before = await qaLine();
    const qaServices = h.sandbox.services().filter((s) => s.tags.environment === 'qa-1');
    for (const s of qaServices) h.sandbox.externalUpdate({ cluster: s.cluster, service: s.name, desiredCount: 0 });
    await h.dockhand.refresher.refresh('test');
    const after = await qaLine();
    expect(after).not.toBe(before);
    expect(after).toContain('0/0 tasks');
  });
});
