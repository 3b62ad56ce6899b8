import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { CHART_FONT, CHART_SIZE, toYearChartSvg, type YearSeries } from '../../core/authors/year-chart.ts';

// The font ships with the `dejavu-fonts-ttf` package: the chart looks the same on every machine, fonts or none.
const FONT_FILES = (() => {
  const folder = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  return [join(folder, 'DejaVuSansMono.ttf')];
})();

/** A chart as a PNG: its bytes, its size, and how long the rendering took. */
export interface ChartPng {
  png: Buffer;
  width: number;
  height: number;
  renderMs: number;
}

/** The file name charts travel under (`attachment://papers-per-year.png` on Discord). */
export const CHART_FILENAME = 'papers-per-year.png';

/**
 * Renders papers-per-year series to a PNG in-process (resvg; no browser, no system font).
 * @example renderYearChart([{ name: 'Dan Jurafsky', perYear: card.perYear }]).png
 */
export function renderYearChart(series: readonly YearSeries[]): ChartPng {
  const started = performance.now();
  const resvg = new Resvg(toYearChartSvg(series), {
    fitTo: { mode: 'original' },
    font: { loadSystemFonts: false, fontFiles: FONT_FILES, defaultFontFamily: CHART_FONT },
  });
  const image = resvg.render();
  const png = image.asPng();
  return { png, width: image.width, height: image.height, renderMs: performance.now() - started };
}

export { CHART_SIZE };
