/** The optional services Paperboy asks about papers it holds (docs/enrichment.md). */
export type ScholarlySource = 'openalex' | 'semantic_scholar';

export const SCHOLARLY_SOURCES: readonly ScholarlySource[] = ['openalex', 'semantic_scholar'];

/** How a source is named to people: on cards, in logs and in `doctor`. */
export const SOURCE_LABEL: Record<ScholarlySource, string> = {
  openalex: 'OpenAlex',
  semantic_scholar: 'Semantic Scholar',
};

/** What one service says about one paper. */
export interface PaperFigures {
  source: ScholarlySource;
  /** How many works cite it, as the service counts them; null when the service gives no count. */
  citations: number | null;
  /** Citations per year where the service gives them (OpenAlex), oldest year first. */
  byYear: { year: number; count: number }[];
  /** The published version's DOI, lower case and bare (`10.1038/x`); never arXiv's own `10.48550/arXiv.*`. */
  doi: string | null;
  /** Where it was published; null for arXiv-only papers (arXiv is not a venue). */
  venue: string | null;
  /** A one-sentence summary (Semantic Scholar's TL;DR). */
  tldr: string | null;
}

/** Figures as stored, with when they were fetched. */
export interface StoredFigures extends PaperFigures {
  paperId: number;
  /** ISO time of the look-up that wrote them. */
  fetchedAt: string;
}

/** A paper as the services are asked about it. */
export interface EnrichCandidate {
  id: number;
  /** Without version. */
  arxivId: string | null;
  /** The DOI the paper's record carries (may be absent). */
  doi: string | null;
  /** `YYYY-MM-DD` or `YYYY`. */
  date: string;
}

const DOI_PREFIX = /^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:)/i;

/** A DOI as the services compare it: without `https://doi.org/` or `doi:`, lower case (DOIs ignore case). */
export const bareDoi = (doi: string): string => doi.trim().replace(DOI_PREFIX, '').toLowerCase();

/** True for arXiv's own DataCite DOI (`10.48550/arXiv.2310.13548`), which names the preprint, not a publication. */
export const isArxivDoi = (doi: string): boolean => bareDoi(doi).startsWith('10.48550/arxiv.');

/** arXiv's DataCite DOI of an arXiv id, as OpenAlex identifies arXiv-only works. */
export const arxivDoiOf = (arxivId: string): string => `10.48550/arXiv.${arxivId}`;

/** The DOI worth storing as the published one: bare, lower case, and never arXiv's own. */
export const publishedDoi = (doi: string | null | undefined): string | null => {
  if (!doi?.trim()) return null;
  return isArxivDoi(doi) ? null : bareDoi(doi);
};

/** True when two stored figures say the same (the time of the look-up aside). */
export function sameFigures(a: PaperFigures | undefined, b: PaperFigures | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    a.citations === b.citations &&
    a.doi === b.doi &&
    a.venue === b.venue &&
    a.tldr === b.tldr &&
    JSON.stringify(a.byYear) === JSON.stringify(b.byYear)
  );
}

/**
 * The count a card, `sort:citations` and `cites:` use: OpenAlex's when it has one, else Semantic Scholar's, else
 * none (the caller falls back to the record's own count).
 */
export function serviceCount(figures: readonly StoredFigures[]): StoredFigures | undefined {
  for (const source of SCHOLARLY_SOURCES) {
    const found = figures.find((f) => f.source === source && f.citations !== null);
    if (found) return found;
  }
  return undefined;
}
