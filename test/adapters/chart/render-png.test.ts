import { describe, expect, it } from 'vitest';
import { CHART_SIZE, renderYearChart } from '../../../src/adapters/chart/render-png.ts';
import { toYearChartSvg } from '../../../src/core/authors/year-chart.ts';
import { decodePng } from '../../helpers/png.ts';

const jurafsky = {
  name: 'Dan Jurafsky',
  perYear: [
    { year: 2017, papers: 1 },
    { year: 2021, papers: 4 },
    { year: 2025, papers: 12 },
  ],
};

describe('papers-per-year chart', () => {
  it('renders one series to a valid PNG of the stated size', () => {
    const chart = renderYearChart([jurafsky]);
    expect(decodePng(chart.png)).toMatchObject({ width: CHART_SIZE.width, height: CHART_SIZE.height });
    expect([chart.width, chart.height]).toEqual([CHART_SIZE.width, CHART_SIZE.height]);
    // Measured, not asserted: the machine running the tests may be busy (see the README's author benchmarks).
    console.info(`chart rendered in ${chart.renderMs.toFixed(1)} ms`);
  });

  it('draws A vs B as two series in one chart, and an author with no years as an empty chart', () => {
    const both = renderYearChart([jurafsky, { name: 'Deep Ganguli', perYear: [{ year: 2022, papers: 3 }] }]);
    expect(decodePng(both.png)).toMatchObject(CHART_SIZE);
    expect(decodePng(renderYearChart([{ name: 'Nobody', perYear: [] }]).png)).toMatchObject(CHART_SIZE);
  });

  it('names are text in the SVG, never markup', () => {
    const svg = toYearChartSvg([{ name: '<script>alert("x")</script> & co', perYear: [{ year: 2024, papers: 1 }] }]);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
    expect(
      decodePng(renderYearChart([{ name: '王小明 & José', perYear: [{ year: 2024, papers: 1 }] }]).png),
    ).toMatchObject(CHART_SIZE);
  });
});
