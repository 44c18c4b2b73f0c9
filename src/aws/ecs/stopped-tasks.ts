import { DescribeTasksCommand, ListTasksCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { boundedStoppedTask, type StoppedTask } from '../../domain/diagnosis.js';
import { parseAws, taskSchema } from './schema.js';

/** How many of a service's most recent stopped tasks one sample reads: one ListTasks page, one DescribeTasks. */
export const STOPPED_TASKS_SAMPLED = 5;

export interface StoppedTasksQuery {
  cluster: string;
  serviceName: string;
  serviceArn: string;
  /** Task ARNs already known: they are not described again (a stopped task never changes). */
  known: (taskArn: string) => Promise<boolean>;
  /** The memory limit to assume when DescribeTasks does not say it (the task definition's). */
  memoryMiB: number | null;
}

/**
 * The most recent stopped tasks of one service that are not known yet: one ListTasks (desiredStatus STOPPED),
 * then one DescribeTasks for the new ones only, so a service failing the same way costs one call per sample.
 */
export async function readStoppedTasks(ecs: ECSClient, query: StoppedTasksQuery): Promise<StoppedTask[]> {
  const listed = await ecs.send(
    new ListTasksCommand({ cluster: query.cluster, serviceName: query.serviceName, desiredStatus: 'STOPPED', maxResults: STOPPED_TASKS_SAMPLED }),
  );
  const listedArns = listed.taskArns ?? [];
  const knownNow = await Promise.all(listedArns.map((arn) => query.known(arn)));
  const fresh = listedArns.filter((_arn, at) => !knownNow[at]);
  if (fresh.length === 0) return [];
  const described = await ecs.send(new DescribeTasksCommand({ cluster: query.cluster, tasks: fresh }));
  return (described.tasks ?? []).map((raw) => {
    const task = parseAws(taskSchema, raw, 'DescribeTasks');
    return boundedStoppedTask({
      taskArn: task.taskArn,
      serviceArn: query.serviceArn,
      stoppedAt: task.stoppedAt ?? task.createdAt ?? new Date(0).toISOString(),
      stopCode: task.stopCode ?? null,
      stoppedReason: task.stoppedReason ?? null,
      memoryMiB: task.memory ?? query.memoryMiB,
      containers: task.containers.map((c) => ({ name: c.name, exitCode: c.exitCode ?? null, reason: c.reason ?? null, image: c.image ?? null })),
    });
  });
}
