import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SandboxError } from '../../dev/sandbox/index.js';
import { parsePolicy } from '../../src/config/load.js';
import { ManualClock } from '../../src/domain/clock.js';
import { startHarness, TEST_POLICY, type Harness } from '../support/harness.js';
import { askPrivately } from '../support/slack-requests.js';

/** The test policy with `logs` for developers (maria: dev, qa, staging). */
const POLICY = TEST_POLICY.replace('developer: [view, restart, start, stop, scale, extend]', 'developer: [view, restart, start, stop, scale, extend, logs]');
const clock = new ManualClock('2026-03-20T10:00:00Z');
let h: Harness;

/** The section texts of `/env why`'s private answer, as Slack gets them. */
async function why(text: string): Promise<string> {
  const answer = await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', text);
  return ((answer.body.blocks ?? []) as Array<{ text?: { text?: string } }>).map((block) => block.text?.text ?? '').join('\n');
}

beforeAll(async () => {
  h = await startHarness({ clock, policy: parsePolicy(POLICY), sandbox: { clock } });
  h.sandbox.breakService({ cluster: 'nonprod', service: 'staging-1-api', failure: { kind: 'image-missing', imageTag: 'v2026-03-20', rollback: true } });
  clock.advance(60_000);
  await h.dockhand.refresher.refresh('test');
});
afterAll(() => h.close());
beforeEach(() => h.sandbox.clearFaults());

describe('/env why with the crashed task’s error lines from CloudWatch Logs', () => {
  it('shows the last error lines of the failing service, escaped, read from CloudWatch', async () => {
    const at = clock.now().getTime();
    h.sandbox.appendLogLines('111111111111', 'us-east-1', '/ecs/staging-1-api', 'ecs/app/0123456789abcdef', [
      { timestamp: at - 2_000, message: 'ERROR payment failed <!channel> for <@U0EVIL> see <https://evil.example|docs> & retry' },
      { timestamp: at - 1_000, message: 'FATAL cannot reach db.internal:5432 <#C0EVIL>' },
    ]);
    h.sandbox.resetCounts();
    const answer = await why('why staging-1');
    expect(answer).toContain('*Last error lines*');
    expect(answer).toContain('> ERROR payment failed &lt;!channel&gt; for &lt;@U0EVIL&gt; see &lt;https://evil.example|docs&gt; &amp; retry');
    expect(answer).toContain('> FATAL cannot reach db.internal:5432 &lt;#C0EVIL&gt;');
    expect(answer).not.toMatch(/<!channel>|<@U0EVIL>|<#C0EVIL>|<https:\/\/evil/);
    // Next to the decoded stop, not instead of it.
    expect(answer).toContain('staging-1-api:v2026-03-20 not found');
    expect(h.sandbox.countCalls({ operation: 'FilterLogEvents' })).toBeGreaterThan(0);
  });

  it('says the logs could not be read when CloudWatch refuses, instead of showing nothing', async () => {
    h.sandbox.failOn(({ operation }) => (operation === 'FilterLogEvents' ? new SandboxError('AccessDeniedException', 'not authorized to perform: logs:FilterLogEvents <!here>') : undefined));
    const answer = await why('why staging-1');
    expect(answer).toContain('_Its logs could not be read: ');
    expect(answer).toContain('This says nothing about whether it logged errors._');
    expect(answer).not.toContain('*Last error lines*');
    expect(answer).not.toContain('<!here>');
    // The rest of the diagnosis still comes.
    expect(answer).toContain('staging-1-api:v2026-03-20 not found');
  });
});
