import type { AuthorCard } from '../commands/reply.ts';
import { formatMetric } from '../text.ts';

const BARS = '▁▂▃▄▅▆▇█';

/**
 * Papers per year as a text sparkline, one character a year from the first to the last (a year without papers
 * is `·`): what the terminal, the CLI and a chart that could not be sent show.
 * @example toSparkline([{ year: 2020, papers: 1 }, { year: 2022, papers: 4 }]) // '▁·█'
 */
export function toSparkline(perYear: readonly { year: number; papers: number }[]): string {
  if (perYear.length === 0) return '';
  const first = perYear[0]?.year as number;
  const last = perYear[perYear.length - 1]?.year as number;
  const max = Math.max(...perYear.map((y) => y.papers));
  const byYear = new Map(perYear.map((y) => [y.year, y.papers]));
  let line = '';
  for (let year = first; year <= last; year++) {
    const n = byYear.get(year) ?? 0;
    line += n === 0 ? '·' : BARS[Math.min(BARS.length - 1, Math.ceil((n / max) * BARS.length) - 1)];
  }
  return line;
}

/** The years a sparkline covers: `2017 ▁▂▅█ 2026`. */
export function yearsLine(card: Pick<AuthorCard, 'perYear' | 'firstYear' | 'lastYear'>): string {
  if (card.firstYear === null || card.lastYear === null) return '—';
  const spark = toSparkline(card.perYear);
  return card.firstYear === card.lastYear
    ? `${card.firstYear} ${spark}`
    : `${card.firstYear} ${spark} ${card.lastYear}`;
}

const tally = (items: readonly { name: string; papers: number }[], top: number) =>
  items
    .slice(0, top)
    .map((i) => `${i.name} (${i.papers})`)
    .join(', ') || '—';

/** One labelled line of a card, plain text: renderers escape and lay it out. `short` values fit side by side. */
export interface AuthorFact {
  label: string;
  value: string;
  short: boolean;
}

/** What every platform shows of an author card, in order, as plain text. */
export function toAuthorFacts(card: AuthorCard): AuthorFact[] {
  const years =
    card.firstYear === null
      ? ''
      : card.firstYear === card.lastYear
        ? ` (${card.firstYear})`
        : ` (${card.firstYear}–${card.lastYear})`;
  const facts: AuthorFact[] = [
    { label: 'Papers', value: `${card.papers.toLocaleString('en-US')}${years}`, short: true },
    {
      label: 'Citations',
      value:
        card.citations === null
          ? '— (no paper has a count)'
          : `${formatMetric(card.citations)} (${card.papersWithCitations} papers with a count)`,
      short: true,
    },
    { label: 'h-index', value: formatMetric(card.hIndex), short: true },
    { label: 'With code', value: `${card.withCode} of ${card.papers}`, short: true },
    { label: 'Per year', value: yearsLine(card), short: false },
    { label: 'Categories', value: tally(card.categories, 5), short: false },
  ];
  if (card.venues.length) facts.push({ label: 'Venues', value: tally(card.venues, 5), short: false });
  facts.push({ label: 'Co-authors', value: tally(card.coAuthors, 5), short: false });
  if (card.affiliations.length)
    facts.push({ label: 'Affiliations', value: card.affiliations.slice(0, 3).join('; '), short: false });
  const page = card.profile;
  if (page) {
    facts.push({
      label: "Profile page's figures",
      value: [
        page.category ?? null,
        `h-index ${formatMetric(page.hIndex)}`,
        `papers ${formatMetric(page.paperCount)}`,
        `citations ${formatMetric(page.citationCount)}`,
        `novelty ${formatMetric(page.novelty, '%')}`,
        `AI score ${formatMetric(page.aiScore)}`,
      ]
        .filter((v) => v !== null)
        .join(' · '),
      short: false,
    });
  }
  // A service's figures, labelled by source and day, beside the index's own (computed from the records).
  for (const external of card.external ?? []) {
    const at = new Date(external.fetchedAt);
    facts.push({
      label: `${external.source}'s figures`,
      value: `h-index ${formatMetric(external.hIndex)} · citations ${formatMetric(external.citations)} (${at.getUTCDate()} ${at.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' })})`,
      short: false,
    });
  }
  return facts;
}

/** What a card says when its name may cover several people. */
export const SEVERAL_LINE =
  'This name may cover several people: its papers fall into groups with no shared co-author and different categories.';
