/**
 * Where a bench child allocates: V8's sampling heap profiler through the inspector, counting the objects
 * the collector already freed too (what `--heap-prof` leaves out, and what makes the young generation's
 * collections), so the profile is the allocation rate by function rather than what is still alive.
 */
import { Session } from 'node:inspector/promises';

export interface AllocationNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: AllocationNode[];
}

let session: Session | null = null;

export async function startAllocations(): Promise<boolean> {
  session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  return true;
}

export async function stopAllocations(): Promise<AllocationNode> {
  if (!session) throw new Error('allocation sampling was not started');
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: { head: AllocationNode } };
  session.disconnect();
  session = null;
  return profile.head;
}

/** Bytes allocated by function (self) and by module, the largest first. Pure. */
export function summarizeAllocations(head: AllocationNode, moduleOf: (url: string) => string, top: number): string {
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  let total = 0;
  const visit = (node: AllocationNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const module = moduleOf(url);
    const name = `${functionName || '(anonymous)'} ${module}:${lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + node.selfSize);
    byModule.set(module, (byModule.get(module) ?? 0) + node.selfSize);
    total += node.selfSize;
    for (const child of node.children) visit(child);
  };
  visit(head);
  const rows = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, bytes]) => `  ${(bytes / 1024).toFixed(0).padStart(8)} KiB  ${((100 * bytes) / total).toFixed(1).padStart(5)} %  ${name}`)
      .join('\n');
  return `allocated ${(total / 1024 / 1024).toFixed(1)} MiB (sampled)\nby module:\n${rows(byModule)}\nby function:\n${rows(byFunction)}`;
}
