import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CostPerDay } from '../domain/cost/daily.js';
import { packageRoot } from '../package.js';
import type { RenderedChart } from './render.js';

/** A chart takes well under a second to draw; past this the renderer is stuck and is killed. */
export const RENDER_DEADLINE_MS = 20_000;
/**
 * One renderer at a time (each is a Node process of ~60 MB). Charts someone asked for: one per person waiting
 * or being drawn, and one drawing plus MAX_CHARTS_WAITING in all; the rest are refused. Charts nobody asked for (digests) have a queue of
 * their own, drawn first, so a burst of `/env cost` cannot take a digest's chart.
 */
export const MAX_CHARTS_WAITING = 4;
const MAX_DIGEST_CHARTS_WAITING = 4;
/** Who has a chart waiting or being drawn. */
const asked = new Set<string>();
let digestCharts = 0;
let rendering = false;
/** Draws waiting for the renderer; when it is free, a digest's goes before one asked for. */
const waiting: Record<'digest' | 'asked', (() => void)[]> = { digest: [], asked: [] };

async function withRenderer<T>(kind: 'digest' | 'asked', work: () => Promise<T>): Promise<T> {
  if (rendering) await new Promise<void>((resolve) => waiting[kind].push(resolve));
  rendering = true;
  try {
    return await work();
  } finally {
    // Handed straight to the next in line, so nobody slips in between.
    const next = waiting.digest.shift() ?? waiting.asked.shift();
    if (next) next();
    else rendering = false;
  }
}

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
export async function renderInChildProcess(title: string, data: CostPerDay, askedBy?: string, deadlineMs = RENDER_DEADLINE_MS): Promise<RenderedChart> {
  if (askedBy === undefined) {
    if (digestCharts >= MAX_DIGEST_CHARTS_WAITING) throw new Error('too many digest charts are being drawn');
    digestCharts += 1;
    try {
      return await withRenderer('digest', () => renderOnce(title, data, deadlineMs));
    } finally {
      digestCharts -= 1;
    }
  }
  // Someone repeating `/env cost` must not start a process per request on a small task, nor take everyone's turn.
  if (asked.has(askedBy)) throw new Error('your last chart is still being drawn; it is posted when done');
  if (asked.size >= 1 + MAX_CHARTS_WAITING) throw new Error('too many charts are being drawn; try again in a minute');
  asked.add(askedBy);
  try {
    return await withRenderer('asked', () => renderOnce(title, data, deadlineMs));
  } finally {
    asked.delete(askedBy);
  }
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
