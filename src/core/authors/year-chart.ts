/** One author's papers per year, as a chart draws them. */
export interface YearSeries {
  name: string;
  perYear: readonly { year: number; papers: number }[];
}

/** The chart's size in pixels: the PNG made from it has exactly this size. */
export const CHART_SIZE = { width: 640, height: 240 } as const;

// Colour-blind-safe pair (Okabe–Ito blue and orange).
const COLOURS = ['#0072B2', '#E69F00'] as const;
/** The font the chart names; the PNG renderer loads it from the `dejavu-fonts-ttf` package, never from the system. */
export const CHART_FONT = 'DejaVu Sans Mono';

const escapeXml = (text: string): string =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * Papers per year as an SVG bar chart: one series, or two side by side (`A vs B`), every year from the first to
 * the last of either, a legend naming each series. Pure text: the adapters turn it into a PNG.
 * @example toYearChartSvg([{ name: 'Dan Jurafsky', perYear: [{ year: 2024, papers: 3 }] }])
 */
export function toYearChartSvg(series: readonly YearSeries[]): string {
  const { width, height } = CHART_SIZE;
  const years = series.flatMap((s) => s.perYear.map((y) => y.year));
  const first = years.length ? Math.min(...years) : new Date().getUTCFullYear();
  const last = years.length ? Math.max(...years) : first;
  const max = Math.max(1, ...series.flatMap((s) => s.perYear.map((y) => y.papers)));
  const left = 44;
  const right = 12;
  const top = 34;
  const bottom = 30;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const span = last - first + 1;
  const slot = plotW / span;
  const barW = Math.max(1, (slot * 0.8) / Math.max(1, series.length));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${CHART_FONT}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<line x1="${left}" y1="${top + plotH}" x2="${width - right}" y2="${top + plotH}" stroke="#555" stroke-width="1"/>`,
    `<text x="${left - 6}" y="${top + 4}" font-size="11" text-anchor="end" fill="#333">${max}</text>`,
    `<text x="${left - 6}" y="${top + plotH}" font-size="11" text-anchor="end" fill="#333">0</text>`,
    `<line x1="${left}" y1="${top}" x2="${width - right}" y2="${top}" stroke="#ddd" stroke-width="1"/>`,
  ];
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    for (const { year, papers } of s.perYear) {
      const h = (papers / max) * plotH;
      const x = left + (year - first) * slot + slot * 0.1 + i * barW;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${(top + plotH - h).toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${colour}"/>`,
      );
    }
    const lx = left + i * 300;
    parts.push(
      `<rect x="${lx}" y="10" width="12" height="12" fill="${colour}"/>`,
      `<text x="${lx + 18}" y="20" font-size="13" fill="#222">${escapeXml(clip(s.name, 34))}</text>`,
    );
  });
  // A label every year, or every few years when they would not fit.
  const step = Math.ceil(span / Math.floor(plotW / 40));
  for (let year = first; year <= last; year += step) {
    const x = left + (year - first) * slot + slot / 2;
    parts.push(
      `<text x="${x.toFixed(1)}" y="${height - 10}" font-size="11" text-anchor="middle" fill="#333">${year}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}
