import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { askPrivately, blocksText, sendCommand } from '../support/slack-requests.js';

/** Every verb that takes a service reads it the same way: `api` is `staging-1-api` in staging-1. */
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => {
  h.slack.reset();
  h.sandbox.resetCounts();
});

const updatedServices = () => h.sandbox.requests.filter((r) => r.operation === 'UpdateService').map((r) => String((r.params as { service?: string }).service));

describe('one service lookup for restart, scale, logs and why', () => {
  it('restart finds a service by its name without the environment prefix, and restarts only it', async () => {
    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'restart staging-1 api');
    await h.slack.waitFor((c) => c.method === 'chat.update' && String(c.body.text).startsWith('`staging-1` restarted'));
    expect(updatedServices()).toEqual(['staging-1-api']);
  });

  it('scale finds it the same way, typed in any case', async () => {
    await sendCommand(h.eventsUrl, h.slack, 'U0MARIA', 'scale staging-1 API 3');
    await h.slack.waitFor((c) => c.method === 'chat.update' && String(c.body.text).startsWith('`staging-1` scaled'));
    expect(h.sandbox.service('111111111111', 'us-east-1', 'nonprod', 'staging-1-api')?.desiredCount).toBe(3);
  });

  it('logs and why find it the same way', async () => {
    // Logs take their own permission: U0ADMIN holds it.
    const logs = String((await askPrivately(h.eventsUrl, h.slack, 'U0ADMIN', 'logs staging-2 worker')).body.text);
    expect(logs).not.toMatch(/has no service|don’t have/);
    expect(logs).toContain('staging-2-worker');
    expect(String((await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'why staging-2 worker')).body.text)).not.toContain('has no service');
    expect(String((await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'why staging-2 staging-2-worker')).body.text)).not.toContain('has no service');
  });

  it('every verb answers a name it cannot find with the same suggestions, as they may be typed', async () => {
    const expected = '`staging-1` has no service called `apii`. Did you mean `api`? Its services: staging-1-api, staging-1-notifications, staging-1-scheduler, staging-1-web, staging-1-worker.';
    for (const text of ['restart staging-1 apii', 'scale staging-1 apii 2', 'logs staging-1 apii', 'why staging-1 apii']) {
      expect((await askPrivately(h.eventsUrl, h.slack, 'U0ADMIN', text)).body.text).toBe(expected);
    }
    expect(updatedServices()).toEqual([]);
    expect(blocksText(await askPrivately(h.eventsUrl, h.slack, 'U0ADMIN', 'audit staging-1'))).toContain('not-found');
  });
});
