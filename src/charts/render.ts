import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import type { CostPerDay } from '../domain/cost/daily.js';
import { packageRoot } from '../package.js';
import { CHART_FONT, costChartAltText, costChartSpec } from './cost-chart.js';

/** A chart drawn: PNG bytes and what they show. */
export interface RenderedChart {
  png: Buffer;
  width: number;
  height: number;
  filename: string;
  title: string;
  altText: string;
}

/** The font file shipped with dockhand (DejaVu Sans, its licence beside it): a container has no fonts of its own. */
export function chartFontPath(): string {
  return join(packageRoot(), 'assets', 'fonts', 'DejaVuSans.ttf');
}

interface ChartModules {
  compile: typeof import('vega-lite').compile;
  vega: typeof import('vega');
  Resvg: typeof import('@resvg/resvg-js').Resvg;
}

let modules: Promise<ChartModules> | null = null;

/** Vega, Vega-Lite and resvg are loaded on the first chart, not at start: most processes never draw one. */
function chartModules(): Promise<ChartModules> {
  modules ??= Promise.all([import('vega-lite'), import('vega'), import('@resvg/resvg-js')])
    .then(([vegaLite, vega, resvg]) => ({ compile: vegaLite.compile, vega, Resvg: resvg.Resvg }))
    .catch((error: unknown) => {
      modules = null;
      throw error;
    });
  return modules;
}

/** Vega-Lite → Vega → SVG (headless: no canvas, no browser) → PNG with the shipped font. */
export async function renderSpec(spec: TopLevelSpec): Promise<{ png: Buffer; width: number; height: number }> {
  const { compile, vega, Resvg } = await chartModules();
  // Their warnings are about the spec, which tests pin down; at run time they would only be noise on stderr.
  const compiled = compile(spec, { logger: vega.logger(vega.None) }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.None });
  try {
    const svg = await view.toSVG();
    const image = new Resvg(svg, {
      background: 'white',
      font: { fontFiles: [chartFontPath()], loadSystemFonts: false, defaultFontFamily: CHART_FONT, sansSerifFamily: CHART_FONT },
    }).render();
    return { png: image.asPng(), width: image.width, height: image.height };
  } finally {
    view.finalize();
  }
}

/** The cost-per-day chart as a PNG, with its file name, title and alt text. */
export async function renderCostChart(title: string, data: CostPerDay): Promise<RenderedChart> {
  const drawn = await renderSpec(costChartSpec(title, data));
  return { ...drawn, filename: 'cost-per-day.png', title, altText: costChartAltText(title, data) };
}
