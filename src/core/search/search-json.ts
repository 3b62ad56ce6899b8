import { paperUrl } from '../commands/paper-card.ts';
import type { SearchHit, SearchPage } from './search.ts';

/**
 * One paper as every command that prints papers as JSON shows it. Later commands add fields, never rename;
 * a field the paper lacks is null. `url` is the link a card shows.
 */
export function toPaperJson({ paper, score }: SearchHit) {
  return {
    id: paper.id,
    title: paper.title,
    authors: paper.authors,
    affiliations: paper.affiliations,
    date: paper.date || null,
    category: paper.category,
    hasCode: paper.hasCode,
    arxivId: paper.arxivId,
    doi: paper.doi,
    // The link the paper's card shows: the arXiv page, else the DOI's page, else a web search for the title.
    url: paperUrl(paper),
    score: Math.round(score * 1000) / 1000,
  };
}

/** The `--json` shape of one search page: text exactly as stored. */
export function toSearchJson(page: SearchPage) {
  return {
    query: page.query,
    total: page.total,
    relaxed: page.relaxed,
    page: page.page,
    pageSize: page.pageSize,
    didYouMean: page.didYouMean ?? null,
    wordsLeftOut: page.wordsLeftOut,
    results: page.results.map(toPaperJson),
  };
}
