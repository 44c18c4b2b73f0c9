import { describe, expect, it } from 'vitest';
import type { StoppedTask } from '../../src/domain/diagnosis.js';
import { openSqlite } from '../../src/store/db.js';
import { STOPPED_TASKS_KEPT, StoppedTasksStore } from '../../src/store/stopped-tasks-store.js';

function stopped(service: string, i: number, at: string): StoppedTask {
  return { taskArn: `arn:task/${service}/${i}`, serviceArn: service, stoppedAt: at, stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited', memoryMiB: 512, containers: [{ name: 'app', exitCode: 137, reason: null, image: null }] };
}

describe('the stopped tasks kept for /env why', () => {
  it('keeps the newest few per service and none past retention', async () => {
    const store = new StoppedTasksStore(openSqlite(':memory:'));
    const now = new Date('2026-03-20T10:00:00Z');
    const many = Array.from({ length: 25 }, (_, i) => stopped('svc-a', i, new Date(now.getTime() - i * 60_000).toISOString()));
    await store.record(many, now);
    await store.record([stopped('svc-b', 0, '2026-01-01T00:00:00.000Z'), stopped('svc-b', 1, '2026-03-19T00:00:00.000Z')], now);
    const kept = (await store.forService('svc-a'));
    expect(kept).toHaveLength(STOPPED_TASKS_KEPT.perService);
    expect(kept[0]).toEqual(many[0]);
    expect((await store.forService('svc-b')).map((t) => t.taskArn)).toEqual(['arn:task/svc-b/1']);
    expect((await store.has('arn:task/svc-a/0'))).toBe(true);
    expect((await store.has('arn:task/svc-a/24'))).toBe(false);
  });
});
