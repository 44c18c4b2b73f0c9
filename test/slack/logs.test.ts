import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/load.js';
import { SandboxError } from '../../dev/sandbox/index.js';
import { startHarness, TEST_POLICY, type Harness } from '../support/harness.js';
import { ask, blocksText, sendCommand } from '../support/slack-requests.js';

/** The test policy, with `logs` for developers (maria: dev, qa, staging) and a viewer without it, at most 4 lines a reply. */
const LOGS_POLICY = TEST_POLICY.replace('developer: [view, restart, start, stop, scale, extend]', 'developer: [view, restart, start, stop, scale, extend, logs]')
  .replace('bindings:\n', 'bindings:\n  - subjects: [user:U0VIEW]\n    role: viewer\n    environments: ["staging-*"]\n')
  .concat('logs:\n  max_lines: 4\n');

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ policy: parsePolicy(LOGS_POLICY) });
});
afterAll(() => h.close());
beforeEach(() => {
  h.slack.reset();
  h.sandbox.clearFaults();
  h.sandbox.resetCounts();
});

const env = (userId: string, text: string) => ask(h.eventsUrl, h.slack, userId, text);
/** The lines inside the reply's code blocks. */
function codeLines(text: string): string[] {
  return [...text.matchAll(/```\\n([^`]*?)\\n```/g)].flatMap((m) => (m[1] as string).split('\\n'));
}

describe('/env logs through the real receiver and the sandbox', () => {
  it('posts only error lines, masked, at most max_lines, newest last, and says how many of how many', async () => {
    const before = h.dockhand.aws.counter.byOperation().FilterLogEvents ?? 0;
    const { answer } = await env('U0MARIA', 'logs staging-2 worker errors 1h');
    const text = blocksText(answer);
    expect(answer.body.response_type).toBe('ephemeral');
    expect(text).toContain('4 of 6 matching lines, newest last: error lines of the last 1h');
    expect(text).toContain('log group `/ecs/staging-2-worker`, streams `ecs/app/*`');
    const lines = codeLines(text);
    expect(lines).toHaveLength(4);
    // The newest four errors, oldest first; the one from 10 hours ago is outside the window.
    expect(lines[0]).toContain('java.lang.IllegalStateException: queue closed');
    expect(lines[1]).toContain('at com.example.worker.Queue.take');
    expect(lines[2]).toContain('FATAL posting to Slack failed');
    expect(lines[3]).toContain('panic: runtime error');
    expect(text).not.toContain('long ago');
    expect(text).not.toContain('request served');
    // Secrets masked before posting.
    expect(text).not.toContain('xoxb-123456789012');
    expect(text).not.toContain('eyJhbGciOiJIUzI1NiJ9');
    expect(text).toContain('Bearer [masked]');
    // 33 lines in the window, 20 a page: two pages, counted; the task definition's logging was known from the refresh.
    expect(h.sandbox.countCalls({ operation: 'FilterLogEvents' })).toBe(2);
    expect(h.sandbox.countCalls({ operation: 'DescribeTaskDefinition' })).toBe(0);
    expect((h.dockhand.aws.counter.byOperation().FilterLogEvents ?? 0) - before).toBe(2);
    const request = h.sandbox.requests.find((r) => r.operation === 'FilterLogEvents');
    expect(request?.params).toMatchObject({ logGroupName: '/ecs/staging-2-worker', logStreamNamePrefix: 'ecs/app/' });
    expect(request?.userAgent).toContain('dockhand/');
  });

  it('masks secrets in ordinary lines too, and searches a text as a quoted filter term', async () => {
    const { answer } = await env('U0MARIA', 'logs staging-2 worker 6h hunter2');
    const text = blocksText(answer);
    expect(text).toContain('1 of 1 matching line');
    expect(text).toContain('postgres://app:[masked]@db.internal');
    expect(text).not.toContain('hunter2-db-pass@');
    const request = h.sandbox.requests.find((r) => r.operation === 'FilterLogEvents');
    expect(request?.params).toMatchObject({ filterPattern: '"hunter2"' });
  });

  it('takes hostile search text safely: quotes and backslashes dropped, mrkdwn escaped', async () => {
    const { answer } = await env('U0MARIA', 'logs staging-2 worker 15m "<!channel> \\\\" ?x');
    const text = blocksText(answer);
    expect(text).not.toContain('<!channel>');
    const request = h.sandbox.requests.find((r) => r.operation === 'FilterLogEvents');
    expect((request?.params as { filterPattern: string }).filterPattern).toBe('"<!channel> ?x"');
    expect(text).toContain('No lines containing');
  });

  it('refuses a user without `logs`', async () => {
    const { answer } = await env('U0VIEW', 'logs staging-2 worker errors');
    expect(answer.body.text).toContain('You don’t have `logs` on `staging-2`');
    expect(h.sandbox.countCalls({ operation: 'FilterLogEvents' })).toBe(0);
  });

  it('says a FireLens service logs elsewhere, and one without logConfiguration that it logs nowhere', async () => {
    const firelens = await env('U0MARIA', 'logs staging-2 search-indexer');
    expect(firelens.answer.body.text).toBe("`staging-2-search-indexer`'s logs go to `awsfirelens`, not CloudWatch: dockhand reads only the `awslogs` driver. Look for them where that driver sends them.");
    const none = await env('U0DEV', 'logs uat-1 scheduler');
    expect(none.answer.body.text).toContain('has no `logConfiguration`');
    expect(h.sandbox.countCalls({ operation: 'FilterLogEvents' })).toBe(0);
  });

  it('says CloudWatch denied the read, not that there are no lines', async () => {
    h.sandbox.failOn(({ operation }) => (operation === 'FilterLogEvents' ? new SandboxError('AccessDeniedException', 'User: arn:aws:sts::111111111111:assumed-role/dockhand is not authorized to perform: logs:FilterLogEvents on resource: log-group:/ecs/staging-2-worker') : undefined));
    const { answer } = await env('U0MARIA', 'logs staging-2 worker errors');
    const text = blocksText(answer);
    expect(text).toContain('Could not read the logs of `staging-2-worker` in `staging-2`: AWS denied logs:FilterLogEvents');
    expect(text).toContain('Nothing was read, so this says nothing about whether there are error lines');
    expect(text).not.toContain('No error lines');
  });

  it('says CloudWatch kept throttling when it did', { timeout: 60_000 }, async () => {
    h.sandbox.throttle('FilterLogEvents', 10);
    const { responseId } = await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'logs staging-2 worker');
    const answer = await h.slack.waitFor((call) => call.method === 'response_url' && call.responseId === responseId, 50_000);
    expect(blocksText(answer)).toContain('AWS kept throttling the call even after retries');
    // Every attempt is counted, retries included.
    expect(h.sandbox.countCalls({ operation: 'FilterLogEvents' })).toBe(5);
  });

  it('names the services of an environment when the one typed does not exist, and explains the grammar', async () => {
    const missing = await env('U0MARIA', 'logs staging-2 wroker');
    expect(blocksText(missing.answer)).toContain('Did you mean');
    const window = await env('U0MARIA', 'logs staging-2 worker 2h');
    expect(blocksText(window.answer)).toContain('is not a window for logs: use 15m, 1h or 6h');
    const help = await env('U0MARIA', 'help');
    expect(blocksText(help.answer)).toContain('/env logs &lt;env&gt; &lt;service&gt; [errors] [15m|1h|6h] [text]');
  });
  it('after a restart (the store keeps no logging), describes the task definition once, as the asker', async () => {
    await h.stopDockhand();
    const restarted = await startHarness({ policy: parsePolicy(LOGS_POLICY), reuse: { sandbox: h.sandbox, slack: h.slack, dbPath: h.dbPath } });
    try {
      h.sandbox.resetCounts();
      for (let i = 0; i < 2; i++) {
        const { answer } = await ask(restarted.eventsUrl, h.slack, 'U0MARIA', 'logs staging-2 worker errors');
        expect(blocksText(answer)).toContain('4 of 6 matching lines');
      }
      expect(h.sandbox.countCalls({ operation: 'DescribeTaskDefinition' })).toBe(1);
      expect(h.sandbox.countCalls({ operation: 'FilterLogEvents' })).toBe(4);
    } finally {
      await restarted.stopDockhand();
    }
  });

});

describe('/env logs when CloudWatch does not answer', () => {
  it('says the read timed out at its deadline, not that there are no lines', async () => {
    const quick = await startHarness({ policy: parsePolicy(`${LOGS_POLICY}aws:\n  step_deadline_ms: 1000\n`) });
    try {
      quick.sandbox.hang(true);
      const { answer } = await ask(quick.eventsUrl, quick.slack, 'U0MARIA', 'logs staging-2 worker errors');
      const text = blocksText(answer);
      expect(text).toContain('Could not read the logs of `staging-2-worker` in `staging-2`: logs:FilterLogEvents: AWS did not answer within 1 s (the deadline for reading the logs of staging-2-worker)');
      expect(text).not.toContain('No error lines');
    } finally {
      quick.sandbox.hang(false);
      await quick.close();
    }
  });
});
