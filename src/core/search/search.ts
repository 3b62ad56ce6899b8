import type { SearchResult } from 'minisearch';
import type { PaperStore, StoredPaper } from '../store/paper-store.ts';
import type { PaperFacts, PaperIndex } from './paper-index.ts';
import { isEmptyQuery, parseQuery, type SearchQuery } from './query-parser.ts';
import { toTerms } from './tokenize.ts';

export interface SearchHit {
  paper: StoredPaper;
  score: number;
  /** Normalised terms that matched, for highlighting (typo-corrected and prefix-completed ones included). */
  matchedTerms: string[];
  /** Names of the profiles that list the paper. */
  profiles: string[];
}

export interface SearchPage {
  query: string;
  total: number;
  /** 1-based page number and size. */
  page: number;
  pageSize: number;
  results: SearchHit[];
  /** Opaque cursors for the next and previous pages, when there are such pages. */
  nextCursor?: string;
  prevCursor?: string;
  /** A corrected query when nothing matched and a close spelling does. */
  didYouMean?: string;
}

export interface PageRequest {
  pageSize?: number;
  /** 1-based; ignored when `cursor` is given. */
  page?: number;
  cursor?: string;
}

interface Ranked {
  id: number;
  score: number;
  terms: string[];
}

// The title index is the main signal; the store's BM25 over all fields (abstract included) adds to it.
const TEXT_WEIGHT = 0.4;
const TEXT_CANDIDATES = 300;
const DEFAULT_PAGE_SIZE = 5;
const MAX_PAGE_SIZE = 100;

const quote = (words: string[]) => `"${words.join(' ').replaceAll('"', '""')}"`;

export const encodeCursor = (offset: number, pageSize: number): string =>
  Buffer.from(JSON.stringify([offset, pageSize])).toString('base64url');

function decodeCursor(cursor: string): { offset: number; pageSize: number } | undefined {
  try {
    const [offset, pageSize] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
    if (Number.isInteger(offset) && Number.isInteger(pageSize))
      return { offset: offset as number, pageSize: pageSize as number };
  } catch {
    // An unreadable cursor starts from the first page.
  }
  return undefined;
}

/**
 * Paperboy's search: the query language over the title index (MiniSearch: typo tolerance, prefixes)
 * and the store's full-text index (abstracts, authors, affiliations, phrases, exclusions).
 */
export function createSearch({ index, store }: { index: PaperIndex; store: PaperStore }) {
  const termCounts = new Map<string, number>();
  const paperCount = (term: string) => {
    let count = termCounts.get(term);
    if (count === undefined) {
      count = store.termPaperCount(term);
      if (termCounts.size > 10_000) termCounts.clear();
      termCounts.set(term, count);
    }
    return count;
  };

  function idSet(expression: string): Set<number> {
    return new Set(store.matchText(expression).map((m) => m.id));
  }

  function constraintsOf(query: SearchQuery) {
    const required: Set<number>[] = [];
    for (const author of query.authors) {
      const words = toTerms(author);
      const ids = new Set(store.paperIdsOfProfile(author));
      if (words.length) for (const id of idSet(`authors : ${quote(words)}`)) ids.add(id);
      required.push(ids);
    }
    for (const aff of query.affiliations) {
      const words = toTerms(aff);
      required.push(words.length ? idSet(`affiliations : ${quote(words)}`) : new Set());
    }
    for (const phrase of query.phrases) required.push(idSet(`{title abstract} : ${quote(phrase)}`));
    const excluded = new Set<number>();
    for (const words of query.excluded) for (const id of idSet(quote(words))) excluded.add(id);
    const factsOk = (facts: PaperFacts | undefined) =>
      facts !== undefined &&
      (query.categories.length === 0 || query.categories.some((c) => facts.categories.includes(c))) &&
      (query.from === undefined || facts.to >= query.from) &&
      (query.to === undefined || facts.from <= query.to) &&
      (query.hasCode === undefined || facts.hasCode === query.hasCode);
    return (id: number) => !excluded.has(id) && required.every((set) => set.has(id)) && factsOk(index.facts.get(id));
  }

  function rank(
    query: SearchQuery,
    excludeIds: ReadonlySet<number> = new Set(),
  ): { ranked: Ranked[]; unknown: string[] } {
    index.sync();
    const allowed = constraintsOf(query);
    const accept = (id: number) => !excludeIds.has(id) && allowed(id);
    const unknown = query.terms.filter((t) => paperCount(t) === 0);
    const byId = new Map<number, Ranked>();

    if (query.terms.length) {
      const last = query.terms.length - 1;
      const titleHits: SearchResult[] = index.searchTitles(query.terms, {
        // Typo tolerance and prefixes only for words the papers do not contain as typed: a known word needs
        // neither, and expanding it would cost time and blur the ranking.
        fuzzy: (term) => (term.length >= 4 && paperCount(term) === 0 ? (term.length >= 8 ? 0.25 : 0.2) : false),
        prefix: (term, i) => i === last && term.length >= 3 && paperCount(term) === 0,
        filter: (result) => accept(result.id as number),
      });
      for (const hit of titleHits)
        byId.set(hit.id as number, { id: hit.id as number, score: hit.score, terms: hit.terms });
      const known = query.terms.filter((t) => !unknown.includes(t));
      if (known.length) {
        for (const match of store.matchText(known.map((t) => quote([t])).join(' AND '), TEXT_CANDIDATES)) {
          if (!accept(match.id)) continue;
          const entry = byId.get(match.id) ?? { id: match.id, score: 0, terms: [] };
          entry.score += TEXT_WEIGHT * match.score;
          entry.terms = [...new Set([...entry.terms, ...known])];
          byId.set(match.id, entry);
        }
      }
    } else if (query.phrases.length) {
      for (const match of store.matchText(
        query.phrases.map((p) => `{title abstract} : ${quote(p)}`).join(' AND '),
        1000,
      )) {
        if (accept(match.id)) byId.set(match.id, { id: match.id, score: match.score, terms: query.phrases.flat() });
      }
    } else {
      for (const id of index.facts.keys()) if (accept(id)) byId.set(id, { id, score: 0, terms: [] });
    }

    const ranked = [...byId.values()];
    const byDate = query.sort === 'date' || (query.terms.length === 0 && query.phrases.length === 0);
    const date = (id: number) => index.facts.get(id)?.to ?? 0;
    ranked.sort(
      byDate ? (a, b) => date(b.id) - date(a.id) || b.score - a.score : (a, b) => b.score - a.score || b.id - a.id,
    );
    return { ranked, unknown };
  }

  function toPage(query: SearchQuery, ranked: Ranked[], request: PageRequest): SearchPage {
    const fromCursor = request.cursor ? decodeCursor(request.cursor) : undefined;
    const pageSize = Math.min(
      MAX_PAGE_SIZE,
      Math.max(1, fromCursor?.pageSize ?? request.pageSize ?? DEFAULT_PAGE_SIZE),
    );
    const offset = Math.max(0, fromCursor?.offset ?? ((request.page ?? 1) - 1) * pageSize);
    const slice = ranked.slice(offset, offset + pageSize);
    const papers = store.getPapers(slice.map((r) => r.id));
    const owners = store.profileNamesFor(slice.map((r) => r.id));
    const results = papers.map((paper, i) => ({
      paper,
      score: slice[i]?.score ?? 0,
      matchedTerms: slice[i]?.terms ?? [],
      profiles: owners.get(paper.id) ?? [],
    }));
    const page: SearchPage = {
      query: query.text,
      total: ranked.length,
      page: Math.floor(offset / pageSize) + 1,
      pageSize,
      results,
    };
    if (offset + pageSize < ranked.length) page.nextCursor = encodeCursor(offset + pageSize, pageSize);
    if (offset > 0) page.prevCursor = encodeCursor(Math.max(0, offset - pageSize), pageSize);
    return page;
  }

  function didYouMean(query: SearchQuery, unknown: string[]): string | undefined {
    if (unknown.length === 0) return undefined;
    let text = query.text;
    let changed = false;
    for (const term of unknown) {
      const suggestion = index.minisearch.autoSuggest(term, { fuzzy: 0.34 })[0]?.terms[0];
      if (!suggestion || suggestion === term) continue;
      text = text.replace(new RegExp(term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i'), suggestion);
      changed = true;
    }
    return changed ? text : undefined;
  }

  return {
    /**
     * Searches with the query language and returns one page of ranked results.
     * @throws PaperboyError `invalid_query` for a query that does not parse
     */
    search(text: string, request: PageRequest = {}): SearchPage {
      const query = parseQuery(text);
      if (isEmptyQuery(query) && query.excluded.length === 0) return toPage(query, [], request);
      const { ranked, unknown } = rank(query);
      const page = toPage(query, ranked, request);
      if (page.total === 0) {
        const suggestion = didYouMean(query, unknown);
        if (suggestion) page.didYouMean = suggestion;
      }
      return page;
    },

    /** Papers like the given one (by its title's words), itself left out. Undefined for an unknown id. */
    moreLikeThis(paperId: number, request: PageRequest = {}): SearchPage | undefined {
      const [paper] = store.getPapers([paperId]);
      if (!paper) return undefined;
      const query = parseQuery('');
      query.text = `like:${paperId}`;
      query.terms = [...new Set(toTerms(paper.title))];
      const { ranked } = rank(query, new Set([paperId]));
      return toPage(query, ranked, request);
    },
  };
}

export type Search = ReturnType<typeof createSearch>;
