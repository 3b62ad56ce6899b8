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
  /** BM25 of the title alone, and over all fields, when the text index matched the paper. */
  titleScore?: number;
  textScore?: number;
}

// The title index is the main signal; the store's BM25 over all fields (abstract included) adds to it.
const TEXT_WEIGHT = 0.4;
const TITLE_WEIGHT = 0.5;
const PHRASE_WEIGHT = 1;
const TITLE_ALL_WEIGHT = 1;
const TITLE_CANDIDATES = 50;
const TEXT_CANDIDATES = 300;
// A word in more titles than this is "common": the text index answers it (see planTerms).
const COMMON_MIN = 200;
const COMMON_SHARE = 0.005;
const FUZZY_WEIGHT = 0.45;
const PREFIX_WEIGHT = 0.6;
const DEFAULT_PAGE_SIZE = 5;
const MAX_PAGE_SIZE = 100;

const quote = (words: string[]) => `"${words.join(' ').replaceAll('"', '""')}"`;
/** A word and its alternative spellings as one FTS5 term: `"word"` or `("a" OR "b")`. */
const anyOf = (alternatives: string[]) =>
  alternatives.length === 1 ? quote(alternatives) : `(${alternatives.map((a) => quote([a])).join(' OR ')})`;
// With filters, the best text matches may all be filtered out: look further down the list.
const FILTERED_TEXT_CANDIDATES = 5000;

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

  /**
   * Decides, word by word, who answers it. A word in few titles goes to the title index (MiniSearch), where
   * its short posting list is cheap and its title match ranks well; a word in many titles (or in none, but in
   * abstracts or author lists) is left to the store's text index, whose AND of all words is fast in C. A word
   * no paper contains is replaced by the title words it may stand for (typos, unfinished last word).
   */
  function planTerms(terms: string[]) {
    const common = Math.max(COMMON_MIN, index.size * COMMON_SHARE);
    const titleTerms: string[] = [];
    const weights = new Map<string, number>();
    const groups: string[][] = [];
    const unknown: string[] = [];
    terms.forEach((term, i) => {
      const inTitles = index.titleCount(term);
      if (inTitles > 0 || paperCount(term) > 0) {
        if (inTitles > 0 && inTitles <= common) titleTerms.push(term);
        groups.push([term]);
        return;
      }
      unknown.push(term);
      const alternatives = index.alternatives(term, i === terms.length - 1);
      if (alternatives.length === 0) return;
      for (const alt of alternatives) {
        if (index.titleCount(alt.term) <= common && !weights.has(alt.term)) {
          titleTerms.push(alt.term);
          weights.set(alt.term, alt.distance === 0 ? PREFIX_WEIGHT : FUZZY_WEIGHT / alt.distance);
        }
      }
      groups.push(alternatives.map((a) => a.term));
    });
    return { titleTerms, weights, groups, unknown };
  }

  /**
   * Looks again at the best candidates' titles: one that holds every word (any spelling of each) is what a
   * known-item query means, and one that holds them side by side in order even more so. One read of a few
   * titles replaces two more passes over the text index.
   */
  function titleBonus(byId: Map<number, Ranked>, groups: string[][]) {
    const best = [...byId.values()].sort((a, b) => b.score - a.score).slice(0, TITLE_CANDIDATES);
    const titles = new Map(store.getPapers(best.map((r) => r.id)).map((p) => [p.id, toTerms(p.title)]));
    const phrase =
      groups.every((g) => g.length === 1) && groups.length > 1 ? ` ${groups.flat().join(' ')} ` : undefined;
    for (const entry of best) {
      const words = titles.get(entry.id) ?? [];
      if (!groups.every((g) => g.some((alt) => words.includes(alt)))) continue;
      entry.score += TITLE_ALL_WEIGHT * (entry.textScore ?? 0);
      if (phrase && ` ${words.join(' ')} `.includes(phrase)) entry.score += PHRASE_WEIGHT * (entry.titleScore ?? 0);
    }
  }

  function rank(
    query: SearchQuery,
    excludeIds: ReadonlySet<number> = new Set(),
  ): { ranked: Ranked[]; unknown: string[] } {
    index.sync();
    const allowed = constraintsOf(query);
    const accept = (id: number) => !excludeIds.has(id) && allowed(id);
    const byId = new Map<number, Ranked>();
    let unknown: string[] = [];

    if (query.terms.length) {
      const plan = planTerms(query.terms);
      unknown = plan.unknown;
      if (plan.titleTerms.length) {
        const hits: SearchResult[] = index.searchTitles(plan.titleTerms, {
          boostTerm: (term) => plan.weights.get(term) ?? 1,
          filter: (result) => accept(result.id as number),
        });
        for (const hit of hits)
          byId.set(hit.id as number, { id: hit.id as number, score: hit.score, terms: hit.terms });
      }
      const filtered =
        query.categories.length > 0 ||
        query.from !== undefined ||
        query.to !== undefined ||
        query.hasCode !== undefined;
      const limit = filtered ? FILTERED_TEXT_CANDIDATES : TEXT_CANDIDATES;
      const weights = { text: TEXT_WEIGHT, title: TITLE_WEIGHT };
      const addText = (expression: string) => {
        for (const match of store.rankText(expression, limit, weights)) {
          if (!accept(match.id)) continue;
          const entry = byId.get(match.id) ?? { id: match.id, score: 0, terms: [] };
          entry.score += TEXT_WEIGHT * match.score + TITLE_WEIGHT * match.titleScore;
          entry.titleScore = match.titleScore;
          entry.textScore = match.score;
          entry.terms = [...new Set([...entry.terms, ...plan.groups.flat()])];
          byId.set(match.id, entry);
        }
      };
      if (plan.groups.length) {
        addText(plan.groups.map(anyOf).join(' AND '));
        // No paper has every word: let papers with most of them answer rather than nothing.
        if (byId.size === 0 && plan.groups.length > 1) addText(plan.groups.map(anyOf).join(' OR '));
        titleBonus(byId, plan.groups);
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
      const suggestion = index.alternatives(term, false)[0]?.term;
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

    /**
     * The papers among `ids` that match a query: every word (or, for a word no paper has, one of its
     * spellings), and every filter. For digests, where each new paper must be judged, not ranked.
     * @throws PaperboyError `invalid_query`
     */
    filterMatching(text: string, ids: readonly number[]): number[] {
      const query = parseQuery(text);
      index.sync();
      const allowed = constraintsOf(query);
      let candidates = ids.filter(allowed);
      const plan = planTerms(query.terms);
      const groups = plan.groups.map(anyOf);
      // A word that no paper has, in any spelling, cannot be matched.
      if (plan.groups.length < query.terms.length) return [];
      if (groups.length) {
        const matching = new Set(store.matchTextAmong(groups.join(' AND '), candidates));
        candidates = candidates.filter((id) => matching.has(id));
      }
      return candidates;
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
