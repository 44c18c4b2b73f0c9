import { ApplicationAutoScalingClient, DeleteScheduledActionCommand, DescribeScheduledActionsCommand } from '@aws-sdk/client-application-auto-scaling';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/load.js';
import { ManualClock } from '../../src/domain/clock.js';
import { SANDBOX_CREDENTIALS, startHarness, TEST_POLICY, type Harness } from '../support/harness.js';
import { askPrivately } from '../support/slack-requests.js';

const POLICY = `${TEST_POLICY}
schedules:
  named:
    business-hours: "weekdays 09:00-19:00 Europe/Berlin"
  defaults:
    - environments: ["qa-*"]
      schedule: business-hours
  native: ["qa-1"]
`;

let h: Harness;
let autoscaling: ApplicationAutoScalingClient;
const clock = new ManualClock('2026-03-23T09:00:00Z'); // Monday 10:00 in Berlin

beforeAll(async () => {
  h = await startHarness({ clock, policy: parsePolicy(POLICY) });
  autoscaling = new ApplicationAutoScalingClient({ endpoint: h.sandbox.url, region: 'us-east-1', credentials: SANDBOX_CREDENTIALS });
});
afterAll(async () => {
  autoscaling.destroy();
  await h.close();
});

async function actionsOf(service: string) {
  const out = await autoscaling.send(new DescribeScheduledActionsCommand({ ServiceNamespace: 'ecs', ResourceId: `service/nonprod/${service}` }));
  return (out.ScheduledActions ?? []).map((a) => ({ name: a.ScheduledActionName, schedule: a.Schedule, timezone: a.Timezone, min: a.ScalableTargetAction?.MinCapacity, max: a.ScalableTargetAction?.MaxCapacity }));
}

const suspended = (service: string) => h.sandbox.service('111111111111', 'us-east-1', 'nonprod', service)?.scalableTarget?.suspended.ScheduledScalingSuspended;

describe('native mode', () => {
  it('writes the schedule to every service as scheduled actions with cron and Timezone, registering targets where needed', async () => {
    const result = await h.dockhand.scheduler.repairNative();
    const services = h.dockhand.fleet.environment('qa-1')?.services ?? [];
    expect(result).toEqual({ registered: services.length, put: services.length * 2, deleted: 0 });
    expect((await actionsOf('qa-1-api')).sort((a, b) => String(a.name).localeCompare(String(b.name)))).toEqual([
      { name: 'dockhand-down-1900-mon-fri', schedule: 'cron(0 19 ? * MON-FRI *)', timezone: 'Europe/Berlin', min: 0, max: 0 },
      { name: 'dockhand-up-0900-mon-fri', schedule: 'cron(0 9 ? * MON-FRI *)', timezone: 'Europe/Berlin', min: 2, max: 2 },
    ]);
    // qa-2 is scheduled but not native: nothing written.
    expect(await actionsOf('qa-2-api')).toEqual([]);
  });

  it('repairs drift and leaves what is already right alone', async () => {
    await autoscaling.send(new DeleteScheduledActionCommand({ ServiceNamespace: 'ecs', ScalableDimension: 'ecs:service:DesiredCount', ResourceId: 'service/nonprod/qa-1-web', ScheduledActionName: 'dockhand-up-0900-mon-fri' }));
    expect(await h.dockhand.scheduler.repairNative()).toEqual({ registered: 0, put: 1, deleted: 0 });
    expect(await h.dockhand.scheduler.repairNative()).toEqual({ registered: 0, put: 0, deleted: 0 });
  });

  it('suspends scheduled scaling for an override and resumes it when the override ends', async () => {
    expect(suspended('qa-1-api')).toBe(false);
    // Within its hours (parked at 18:00 UTC) an extension would change nothing: none is made, nothing is suspended.
    const within = await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'extend qa-1 2h');
    expect(within.body.text).toBe('`qa-1` is up until <!date^1774288800^{date_short_pretty} {time}|2026-03-23 18:00 UTC> by its schedule anyway; nothing to extend.');
    expect(suspended('qa-1-api')).toBe(false);
    const answer = await askPrivately(h.eventsUrl, h.slack, 'U0MARIA', 'extend qa-1 10h');
    expect(answer.body.text).toBe('`qa-1` stays up until <!date^1774292400^{date_short_pretty} {time}|2026-03-23 19:00 UTC>.');
    expect(suspended('qa-1-api')).toBe(true);
    clock.set('2026-03-23T19:01:00Z');
    const report = await h.dockhand.scheduler.tick(clock.now());
    // The extension ended after its hours: the override ends and the environment is parked.
    expect(report.actions.map((a) => `${a.environment} ${a.action.kind}`)).toEqual(['qa-1 end-override', 'qa-1 park']);
    expect(suspended('qa-1-api')).toBe(false);
  });
});
