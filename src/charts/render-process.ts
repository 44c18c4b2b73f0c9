import { spawn } from 'node:child_process';
import pLimit from 'p-limit';
import { fileURLToPath } from 'node:url';
import type { CostPerDay } from '../domain/cost/daily.js';
import { packageRoot } from '../package.js';
import type { RenderedChart } from './render.js';

/** A chart takes well under a second to draw; past this the renderer is stuck and is killed. */
export const RENDER_DEADLINE_MS = 20_000;
/** One renderer at a time (each is a Node process of ~60 MB); a few more may wait, the rest are refused. */
const drawing = pLimit(1);
export const MAX_CHARTS_WAITING = 4;

/** A 1200×600 chart is well under 1 MB as PNG; more than this is not a chart. */
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/** The renderer's entry beside this file: compiled JavaScript in the image, TypeScript through tsx from source. */
function childCommand(): { script: string; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  const script = fileURLToPath(new URL(fromSource ? './render-child.ts' : './render-child.js', import.meta.url));
  return { script, execArgv: fromSource ? ['--import', 'tsx'] : [] };
}

/**
 * Draws the chart in a process of its own (src/charts/render-child.ts) and hands back the PNG: dockhand's
 * memory stays as it was (no charting modules, no renderer buffers), at the cost of a process start per chart.
 * The child gets no environment of dockhand's (no tokens), and is killed at the deadline.
 */
export function renderInChildProcess(title: string, data: CostPerDay, deadlineMs = RENDER_DEADLINE_MS): Promise<RenderedChart> {
  // Someone repeating `/env cost` must not start a process per request on a small task.
  if (drawing.pendingCount >= MAX_CHARTS_WAITING) return Promise.reject(new Error('too many charts are being drawn; try again in a minute'));
  return drawing(() => renderOnce(title, data, deadlineMs));
}

function renderOnce(title: string, data: CostPerDay, deadlineMs: number): Promise<RenderedChart> {
  const { script, execArgv } = childCommand();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...execArgv, script], { cwd: packageRoot(), env: { PATH: process.env.PATH ?? '' }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    let failure: Error | null = null;
    const fail = (error: Error) => {
      failure ??= error;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => fail(new Error(`the chart was not drawn within ${Math.round(deadlineMs / 1000)} s`)), deadlineMs);
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > MAX_OUTPUT_BYTES) fail(new Error('the chart renderer wrote more than a chart'));
      else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < 2000) err += chunk.toString('utf8');
    });
    child.on('error', (error) => fail(error));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (failure) return reject(failure);
      if (code !== 0) return reject(new Error(`the chart renderer failed: ${err.trim().slice(0, 300) || `exit code ${code}`}`));
      try {
        const drawn = JSON.parse(Buffer.concat(out).toString('utf8')) as Omit<RenderedChart, 'png'> & { png: string };
        resolve({ ...drawn, png: Buffer.from(drawn.png, 'base64') });
      } catch (error) {
        reject(new Error(`the chart renderer answered something else: ${error instanceof Error ? error.message : String(error)}`));
      }
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(JSON.stringify({ title, data }));
  });
}
