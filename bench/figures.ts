/** Turns the runs' raw measurements into figures (medians over runs, judged against their aims). */
import type { MemoryFigures, OperationFigures, RunFigures } from './measure.js';
import { figure, type Aim, type Figure } from './report.js';

const ISSUE = 'issue 6';
const MB = 1024 * 1024;

/** Figures 1–4 from every run's measurements. */
export function slackFigures(runs: readonly RunFigures[], latencyMs: number): Figure[] {
  const each = <T>(pick: (run: RunFigures) => T) => runs.map(pick);
  const ms = (id: string, group: number, label: string, values: number[], note?: string) =>
    figure({ id, group, label, unit: 'ms', runs: values, digits: 1, ...(note ? { note } : {}) });
  const ratioAim: Aim = { op: '<=', target: 1.2, source: ISSUE };
  const figures: Figure[] = [
    ms('ack.dockhand.p50', 1, '/env list ack, dockhand p50', each((r) => r.ackDockhand.acks.p50)),
    ms('ack.dockhand.p95', 1, '/env list ack, dockhand p95', each((r) => r.ackDockhand.acks.p95)),
    ms('ack.dockhand.p99', 1, '/env list ack, dockhand p99', each((r) => r.ackDockhand.acks.p99)),
    ms('ack.bare.p50', 1, 'ack, bare Bolt p50', each((r) => r.ackBare.acks.p50)),
    ms('ack.bare.p95', 1, 'ack, bare Bolt p95', each((r) => r.ackBare.acks.p95)),
    ms('ack.bare.p99', 1, 'ack, bare Bolt p99', each((r) => r.ackBare.acks.p99)),
    figure({ id: 'ack.dockhand.cpuPerRequestMs', group: 1, label: 'dockhand CPU per /env list (ack + answer)', unit: 'ms', runs: each((r) => r.ackDockhand.cpuPerRequestMs), digits: 2 }),
    figure({ id: 'ack.bare.cpuPerRequestMs', group: 1, label: 'bare Bolt CPU per request', unit: 'ms', runs: each((r) => r.ackBare.cpuPerRequestMs), digits: 2 }),
    figure({ id: 'ack.ratio.p50', group: 1, label: 'dockhand ÷ bare Bolt, p50', unit: '×', runs: each((r) => r.ackDockhand.acks.p50 / r.ackBare.acks.p50), aim: ratioAim }),
    figure({ id: 'ack.ratio.p95', group: 1, label: 'dockhand ÷ bare Bolt, p95', unit: '×', runs: each((r) => r.ackDockhand.acks.p95 / r.ackBare.acks.p95), aim: ratioAim }),
    figure({
      id: 'ack.ratio.cpu',
      group: 1,
      label: 'dockhand ÷ bare Bolt, CPU per request',
      unit: '×',
      runs: each((r) => r.ackDockhand.cpuPerRequestMs / r.ackBare.cpuPerRequestMs),
      aim: { op: '<=', target: 1.5, source: 'issue 16' },
      note: 'dockhand acks and answers each /env list; bare Bolt only acks',
    }),
    ms('answer.list.p50', 2, '/env list → answer, p50', each((r) => r.answerList.p50)),
    ms('answer.list.p95', 2, '/env list → answer, p95', each((r) => r.answerList.p95)),
    ms('answer.status.p50', 2, '/env status → answer, p50', each((r) => r.answerStatus.p50)),
    ms('answer.status.p95', 2, '/env status → answer, p95', each((r) => r.answerStatus.p95)),
  ];
  for (const [key, label, pick] of [
    ['first', 'first refresh', (r: RunFigures) => r.refreshFirst],
    ['steady', 'later refresh', (r: RunFigures) => r.refreshSteady],
  ] as const) {
    const minimum = Math.max(...runs.map((r) => pick(r).minimum.total));
    const parts = pick(runs[0]!).minimum;
    figures.push(
      figure({
        id: `refresh.${key}.calls`,
        group: 3,
        label: `AWS calls, ${label} (minimum ${minimum})`,
        unit: 'calls',
        runs: each((r) => pick(r).calls),
        // At least the minimum too: a refresh that failed or never ran makes fewer calls than the APIs allow.
        aim: { op: 'between', min: minimum, target: minimum + 2, source: `${ISSUE}: minimum … minimum + 2` },
        note: `minimum = ${parts.listClusters} ListClusters + ${parts.listServices} ListServices + ${parts.describeServices} DescribeServices + ${parts.describeTaskDefinition} DescribeTaskDefinition + ${parts.assumeRole} AssumeRole; made (sandbox log): ${JSON.stringify(pick(runs[0]!).byOperation)}; dockhand's own count: ${pick(runs[0]!).reportedCalls ?? 'not said'}`,
      }),
      ms(`refresh.${key}.wallMs`, 3, `wall time, ${label} (/env refresh → answer)`, each((r) => pick(r).wallMs)),
    );
  }
  const operationKinds = [
    ['stop', 'stop', false],
    ['start', 'start', false],
    ['stopScalable', 'stop', true],
    ['startScalable', 'start', true],
  ] as const;
  for (const [key, verb, scalable] of operationKinds) {
    const pickOp = (r: RunFigures): OperationFigures | undefined => r.operations.filter((o) => o.verb === verb)[scalable ? 1 : 0];
    const ops = runs.map(pickOp).filter((o): o is OperationFigures => o !== undefined);
    if (ops.length === 0) continue;
    const first = ops[0]!;
    const what = `/env ${verb} ${first.environment}`;
    const minimum = first.minimum;
    figures.push(
      ms(`operation.${key}.wallMs`, 4, `${what}: request → final chat.update`, ops.map((o) => o.wallMs)),
      figure({
        id: `operation.${key}.roundTrips`,
        group: 4,
        label: `${what}: in AWS round trips of ${latencyMs} ms`,
        unit: 'RT',
        runs: ops.map((o) => o.roundTrips),
        // The park tag is written before anything changes (a round trip the first aim of 3 predates): one more.
        aim: scalable ? null : { op: '<=', target: minimum.roundTrips + 1, source: 'bench: critical path + 1' },
        note: `critical path: ${minimum.roundTrips} round trips (reads in parallel, then each service's writes in parallel: the park tag, ${minimum.roundTrips === 4 ? 'RegisterScalableTarget, ' : ''}UpdateService)`,
      }),
      figure({
        id: `operation.${key}.calls`,
        group: 4,
        label: `${what}: AWS calls`,
        unit: 'calls',
        runs: ops.map((o) => o.calls),
        aim: { op: '<=', target: minimum.total, source: 'bench: fewest the APIs allow' },
        note: `minimum = ${minimum.reads} reads + ${minimum.writes} writes; made: ${JSON.stringify(first.byOperation)}`,
      }),
    );
  }
  return figures;
}

/** Figure 7 from the memory runs, with the bare Bolt process's RSS as the floor of Node + Bolt. */
export function memoryFigures(memory: readonly MemoryFigures[], runs: readonly RunFigures[], runtime: 'compiled' | 'tsx'): Figure[] {
  const services = memory[0]?.services ?? 0;
  const gc = memory.every((m) => m.gcExposed) ? 'after a GC' : 'without a GC (not exposed)';
  const how = runtime === 'compiled' ? 'compiled JavaScript, as npm start runs it' : 'under tsx, whose loader thread adds about 20 MB';
  return [
    figure({
      id: 'memory.rssMB',
      group: 7,
      label: `dockhand RSS, ${services} services inventoried, ${gc}`,
      unit: 'MB',
      runs: memory.map((m) => m.rssBytes / MB),
      aim: { op: '<', target: 150, source: ISSUE },
      digits: 1,
      note: `${how}; after a first and a second refresh and an /env list`,
    }),
    figure({ id: 'memory.heapUsedMB', group: 7, label: 'dockhand JS heap used', unit: 'MB', runs: memory.map((m) => m.heapUsedBytes / MB), digits: 1 }),
    figure({ id: 'memory.bareBoltRssMB', group: 7, label: 'bare Bolt RSS after a GC (the Node + Bolt floor)', unit: 'MB', runs: runs.map((r) => r.bareRssBytes / MB), digits: 1, note: how }),
  ];
}
