/**
 * The top of a V8 CPU profile (`node --cpu-prof`): self time by function and by module (an npm package, a
 * dockhand source file, or node's internals). Pure.
 */

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  byFunction: { name: string; ms: number }[];
  byModule: { name: string; ms: number }[];
}

/** `@slack/bolt`, `src/slack/app.js`, `node:internal`, …: where a frame's code lives. */
export function moduleOf(url: string): string {
  if (!url) return '(native)';
  if (url.startsWith('node:')) return url.startsWith('node:internal') ? 'node:internal' : url;
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const src = /\/((?:src|bench|dev|test)\/.*)$/.exec(url);
  return src ? src[1]! : url;
}

/** Self time per node; with `window` (µs on the profile's clock), only the samples taken inside it. */
export function summarizeProfile(profile: CpuProfile, window?: { from: number; to: number }): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window && (at < window.from || at > window.to)) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });
  const fn = new Map<string, number>();
  const mod = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') {
      idle += us;
      continue;
    }
    total += us;
    const module = moduleOf(frame.url);
    const name = `${frame.functionName || '(anonymous)'} ${module}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    fn.set(name, (fn.get(name) ?? 0) + us);
    mod.set(module, (mod.get(module) ?? 0) + us);
  }
  const sorted = (m: Map<string, number>) => [...m].map(([name, us]) => ({ name, ms: us / 1000 })).sort((a, b) => b.ms - a.ms);
  return { totalMs: total / 1000, idleMs: idle / 1000, byFunction: sorted(fn), byModule: sorted(mod) };
}

export function formatProfile(summary: ProfileSummary, top: number): string {
  const pct = (ms: number) => `${((100 * ms) / summary.totalMs).toFixed(1).padStart(5)} %`;
  const rows = (items: { name: string; ms: number }[]) => items.slice(0, top).map((r) => `  ${r.ms.toFixed(0).padStart(7)} ms ${pct(r.ms)}  ${r.name}`);
  return [`busy ${summary.totalMs.toFixed(0)} ms (idle ${summary.idleMs.toFixed(0)} ms)`, 'self time by module:', ...rows(summary.byModule), 'self time by function:', ...rows(summary.byFunction)].join('\n');
}
