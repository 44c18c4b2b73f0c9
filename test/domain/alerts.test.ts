import { describe, expect, it } from 'vitest';
import { alertKey, alertsByEnvironment, degradedSteps, failedDeployments } from '../../src/domain/alerts.js';
import type { Environment } from '../../src/domain/environments.js';
import { service } from './fixtures.js';

const now = new Date('2026-03-20T10:00:00Z');
const HOUR = 3_600_000;

function env(name: string, running: number, desired = 2): Environment {
  return { name, services: [service({ name: `${name}-api`, environment: name, running, desired })] } as Environment;
}

describe('failed deployments', () => {
  const failed = (updatedAt: string | null, reason: string) =>
    service({ deployments: [{ id: 'ecs-svc/9', status: 'PRIMARY', rolloutState: 'FAILED', rolloutStateReason: reason, desired: 2, running: 0, pending: 0, failedTasks: 4, createdAt: updatedAt, updatedAt }] });

  it('are news while recent, with the circuit breaker’s rollback told apart', () => {
    const [rolledBack] = failedDeployments(failed(new Date(now.getTime() - HOUR).toISOString(), 'ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/8.'), now, 24 * HOUR);
    expect(rolledBack).toMatchObject({ deploymentId: 'ecs-svc/9', rolledBack: true, failedTasks: 4 });
    expect(failedDeployments(failed(now.toISOString(), 'ECS deployment circuit breaker: tasks failed to start.'), now, 24 * HOUR)[0]?.rolledBack).toBe(false);
    expect(failedDeployments(failed(new Date(now.getTime() - 25 * HOUR).toISOString(), 'x'), now, 24 * HOUR)).toEqual([]);
    expect(failedDeployments(service(), now, 24 * HOUR)).toEqual([]);
  });

  it('are still found in the events once ECS has rolled back and dropped the failed deployment, under the same id', () => {
    const at = new Date(now.getTime() - 60_000).toISOString();
    const events = [
      { at, message: '(service api) rolling back to deployment ecs-svc/8.' },
      { at, message: '(service api) (deployment ecs-svc/9) deployment failed: tasks failed to start.' },
    ];
    const [found, ...rest] = failedDeployments(service({ events }), now, 24 * HOUR);
    expect(rest).toEqual([]);
    expect(found).toMatchObject({ deploymentId: 'ecs-svc/9', rolledBack: true, reason: 'tasks failed to start.' });
    // Listed and in the events: one alert, the deployment's.
    const both = service({ ...failed(at, 'ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/8.'), events });
    expect(failedDeployments(both, now, 24 * HOUR).map((a) => a.failedTasks)).toEqual([4]);
    expect(failedDeployments(service({ events: [{ ...events[1]!, at: new Date(now.getTime() - 25 * HOUR).toISOString() }] }), now, 24 * HOUR)).toEqual([]);
  });
});

describe('degradation', () => {
  it('starts at the first sighting, is due after the threshold, and is forgotten once whole again', () => {
    const first = degradedSteps([env('a', 1), env('b', 2)], new Map(), now, 10 * 60_000);
    expect(first).toEqual({ started: ['a'], recovered: [], due: [] });

    const since = new Map([['a', new Date(now.getTime() - 10 * 60_000).toISOString()], ['gone', now.toISOString()]]);
    const later = degradedSteps([env('a', 0), env('b', 2)], since, now, 10 * 60_000);
    expect(later.started).toEqual([]);
    expect(later.recovered).toEqual(['gone']);
    expect(later.due).toEqual([{ environment: 'a', alert: { kind: 'degraded', since: since.get('a'), services: [{ name: 'a-api', running: 0, desired: 2 }] } }]);
    expect(degradedSteps([env('a', 0)], since, new Date(now.getTime() - 1), 10 * 60_000).due).toEqual([]);
    // Parked (desired 0) is not short.
    expect(degradedSteps([env('p', 0, 0)], new Map(), now, 1).started).toEqual([]);
  });

  it('has one identity per environment and start, so a new degradation is a new alert', () => {
    const item = { kind: 'degraded' as const, since: now.toISOString(), services: [] };
    expect(alertKey('a', item)).not.toBe(alertKey('a', { ...item, since: new Date(now.getTime() + 1).toISOString() }));
  });
});

it('groups items into one alert per environment', () => {
  const item = { kind: 'degraded' as const, since: now.toISOString(), services: [] };
  const grouped = alertsByEnvironment([{ environment: 'a', item }, { environment: null, item }, { environment: 'a', item }], now);
  expect(grouped.map((alert) => [alert.environment, alert.items.length])).toEqual([['a', 2], [null, 1]]);
});
