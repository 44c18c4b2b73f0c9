/**
 * The chart renderer's own process: reads `{ title, data }` (a cost-per-day chart) as JSON on stdin, writes
 * the drawn chart as one JSON line on stdout, and exits. resvg 2.6 keeps the native memory of every image
 * it renders, so drawing in a process that ends keeps that, and the charting modules, out of dockhand's own.
 */
import type { CostPerDay } from '../domain/cost/daily.js';
import { renderCostChart } from './render.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

try {
  const { title, data } = JSON.parse(await readStdin()) as { title: string; data: CostPerDay };
  const drawn = await renderCostChart(title, data);
  process.stdout.write(`${JSON.stringify({ ...drawn, png: drawn.png.toString('base64') })}\n`);
} catch (error) {
  process.stderr.write(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
