import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { askPrivately, openHome } from '../support/slack-requests.js';

/**
 * A refresh that fails with an AWS message naming the account, the role and a resource: only someone who can
 * view every environment reads it (in `/env refresh`, the footers of `/env list`, `/env status`, `/env why`
 * and the App Home); a developer reads that part of the fleet could not be read, never nothing.
 */
const ARN = 'User: arn:aws:sts::111111111111:assumed-role/dockhand-operator/i-0abc is not authorized to perform: ecs:ListClusters on resource: arn:aws:ecs:eu-west-1:111111111111:cluster/x';
const ERR = /arn:aws|not authorized|dockhand-operator/;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  h.sandbox.failOn((req) => (req.region === 'eu-west-1' && req.operation === 'ListClusters' ? Object.assign(new Error(ARN), { name: 'AccessDeniedException' }) : undefined));
  await h.dockhand.refresher.refresh('test').catch(() => null);
});
afterAll(() => h.close());
beforeEach(() => {
  h.slack.reset();
  h.slack.respond('usergroups.list', { ok: true, usergroups: [{ id: 'S0PLATFORM', users: ['U0LEE', 'U0KIM'] }] });
});

describe('AWS error text after a refresh that failed with an ARN', () => {
  it.each(['list', 'status staging-1', 'why staging-2'])('/env %s tells a developer only that part of the fleet could not be read', async (command) => {
    const answer = JSON.stringify((await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', command)).body);
    expect(answer).not.toMatch(ERR);
    expect(answer).toContain('could not read part of the fleet');
  });

  it('the App Home of a developer says the same', async () => {
    await openHome(h.eventsUrl, 'U0MARIA');
    const home = JSON.stringify((await h.slack.waitFor((c) => c.method === 'views.publish' && c.body.user_id === 'U0MARIA')).body);
    expect(home).not.toMatch(ERR);
    expect(home).toContain('could not read part of the fleet');
  });

  it('someone who can view every environment reads the error in the footers and on the Home', async () => {
    const list = JSON.stringify((await askPrivately(h.eventsUrl, h.slack, 'U0LEE', 'list')).body);
    expect(list).toContain('not authorized');
    const status = JSON.stringify((await askPrivately(h.eventsUrl, h.slack, 'U0LEE', 'status staging-1')).body);
    expect(status).toContain('not authorized');
    await openHome(h.eventsUrl, 'U0LEE');
    const home = JSON.stringify((await h.slack.waitFor((c) => c.method === 'views.publish' && c.body.user_id === 'U0LEE')).body);
    expect(home).toContain('not authorized');
  });
});
